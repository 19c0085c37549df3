//! Every record line of every corpus log and recorded log parses, and prints back as
//! it was read (record text, separator, ENRICHED tail).

use std::path::{Path, PathBuf};

use raudit_logfmt::header::parse_header;
use raudit_logfmt::lines::Splitter;
use raudit_logfmt::{Event, INTERP_SEPARATOR};

fn logs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            logs(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn corpus_lines_round_trip() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let corpus = root.join("../shared/corpus/logs");
    if !corpus.is_dir() {
        eprintln!("SKIP corpus part: {} is missing", corpus.display());
    }
    let mut files = Vec::new();
    logs(&corpus, &mut files);
    logs(&root.join("tests/data/logs"), &mut files);
    assert!(!files.is_empty());
    let (mut records, mut files_seen) = (0usize, 0usize);
    for f in files {
        let data = std::fs::read(&f).expect("readable");
        files_seen += 1;
        let mut split = Splitter::new();
        let mut check = |piece: &[u8]| {
            let Ok(h) = parse_header(piece, 2) else {
                return true;
            };
            let ev = Event::new(h.id, h.node, h.rtype, piece);
            let r = ev.record(0).expect("one record");
            let mut back = r.msg.to_vec();
            if let Some(i) = r.interp {
                back.push(INTERP_SEPARATOR);
                back.extend_from_slice(i);
            }
            let want = piece.strip_suffix(b"\n").unwrap_or(piece);
            assert_eq!(
                back,
                want,
                "{}: {}",
                f.display(),
                String::from_utf8_lossy(piece)
            );
            records += 1;
            true
        };
        split.feed(&data, &mut check);
        split.finish(&mut check);
    }
    eprintln!("{records} records from {files_seen} files round-tripped");
    assert!(records > 10_000);
}
