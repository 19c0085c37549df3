//! Bytes of a log → assembled events: the fgets-compatible [`Splitter`], the record
//! header parser and the libauparse-compatible [`Assembler`] of `raudit-logfmt`,
//! driven over chunks. Pure (the caller reads the files).

use raudit_logfmt::assemble::Assembler;
use raudit_logfmt::header::parse_header;
use raudit_logfmt::lines::Splitter;
use raudit_logfmt::Event;

/// Streaming event assembly over log chunks.
pub struct Feeder {
    split: Splitter,
    asm: Assembler,
    eoe_timeout: i64,
    /// Lines that were not records (skipped, as ausearch does).
    pub skipped: u64,
}

impl Feeder {
    /// A feeder with the given end-of-event timeout (seconds).
    pub fn new(eoe_timeout: i64) -> Feeder {
        Feeder {
            split: Splitter::new(),
            asm: Assembler::new(eoe_timeout),
            eoe_timeout,
            skipped: 0,
        }
    }

    fn line(&mut self, piece: &[u8], out: &mut dyn FnMut(&Event)) {
        match parse_header(piece, self.eoe_timeout) {
            Ok(h) => {
                if self.asm.add(&h, piece) {
                    while let Some(ev) = self.asm.next_ready() {
                        out(&ev);
                        self.asm.recycle(ev);
                    }
                }
            }
            Err(_) => self.skipped += 1,
        }
    }

    /// Feeds a chunk; `out` is called with every event that completes.
    pub fn feed(&mut self, chunk: &[u8], out: &mut dyn FnMut(&Event)) {
        let mut split = std::mem::take(&mut self.split);
        split.feed(chunk, &mut |p| {
            self.line(p, out);
            true
        });
        self.split = split;
    }

    /// Ends one file: a last line without newline is taken as a record.
    pub fn end_file(&mut self, out: &mut dyn FnMut(&Event)) {
        let mut split = std::mem::take(&mut self.split);
        split.finish(&mut |p| {
            self.line(p, out);
            true
        });
        self.split = Splitter::new();
    }

    /// Drops a partial last line (not yet terminated by a newline) instead of taking it.
    pub fn drop_partial(&mut self) {
        self.split = Splitter::new();
    }

    /// Ends the input: every event still held is completed and delivered.
    pub fn finish(&mut self, out: &mut dyn FnMut(&Event)) {
        self.asm.terminate_all();
        while let Some(ev) = self.asm.next_ready() {
            out(&ev);
            self.asm.recycle(ev);
        }
    }
}

/// All events of a whole log text (tests, small inputs).
pub fn events(text: &[u8], eoe_timeout: i64) -> Vec<Event> {
    let mut f = Feeder::new(eoe_timeout);
    let mut v = Vec::new();
    f.feed(text, &mut |e| v.push(e.clone()));
    f.end_file(&mut |e| v.push(e.clone()));
    f.finish(&mut |e| v.push(e.clone()));
    v
}
