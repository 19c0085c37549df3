//! `raudit report --format json`: the rows of any report as one JSON document.
//!
//! The text printer ([`super::print`]) runs exactly as for the text output; in JSON
//! mode it also records where each field ends (the separating spaces, see
//! `Printer::sep`). Before the output buffer is written, its complete lines are
//! turned into JSON rows here, so both formats come from the same counting and the
//! same formatting of every value:
//!
//! ```text
//! {"report":"file","summary":true,"title":"File Summary Report",
//!  "columns":["total","file"],"rows":[[12,"/etc/passwd"],…]}
//! ```
//!
//! Values of numeric columns (`#`, `event`, `pid`, `total`, and `auid`, `syscall`,
//! `type`, `sess`, `value` when not interpreted into names) are JSON numbers;
//! everything else is a string (bytes that are not UTF-8 are replaced by U+FFFD).

use super::options::{Kind, ReportOptions};

/// Columns whose values are numbers when they parse as one.
const NUMERIC: &[&str] = &[
    "#", "event", "pid", "total", "auid", "syscall", "type", "sess", "value",
];

/// The machine name of a report.
pub fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Time => "log",
        Kind::Summary => "summary",
        Kind::Avc => "avc",
        Kind::Mac => "mac",
        Kind::Config => "config",
        Kind::Event => "event",
        Kind::File => "file",
        Kind::Host => "host",
        Kind::Login => "login",
        Kind::AcctMod => "mods",
        Kind::Pid => "pid",
        Kind::Syscall => "syscall",
        Kind::Term => "terminal",
        Kind::User => "user",
        Kind::Exe => "executable",
        Kind::Anomaly => "anomaly",
        Kind::Response => "response",
        Kind::Crypto => "crypto",
        Kind::Auth => "auth",
        Kind::Key => "key",
        Kind::Tty => "tty",
        Kind::Comm => "comm",
        Kind::Virt => "virt",
        Kind::Integ => "integrity",
    }
}

/// How lines of the report split into fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// At the recorded field boundaries (detailed reports).
    Bounds,
    /// `TOTAL  VALUE` (the `--summary` reports).
    Total,
    /// `LABEL: VALUE` (the main summary).
    Label,
    /// `FILE: FIRST - LAST` or `FILE: no records` (the log time report).
    Range,
}

/// The JSON document being written.
pub(super) struct JsonDoc {
    shape: Shape,
    numeric: Vec<bool>,
    rows: usize,
}

fn push_str(out: &mut Vec<u8>, s: &[u8]) {
    let s = String::from_utf8_lossy(s);
    // Writing into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, &*s);
}

impl JsonDoc {
    /// Starts the document from the report's text title (as `print::title` wrote
    /// it): writes everything up to the opening of the rows array into `out`.
    pub(super) fn start(o: &ReportOptions, title_text: &[u8], out: &mut Vec<u8>) -> JsonDoc {
        let text = String::from_utf8_lossy(title_text);
        let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
        let title = lines.first().copied().unwrap_or("");
        let (shape, columns): (Shape, Vec<String>) = if o.kind == Kind::Time {
            (
                Shape::Range,
                vec!["file".into(), "first".into(), "last".into()],
            )
        } else if o.kind == Kind::Summary {
            (Shape::Label, vec!["item".into(), "value".into()])
        } else if o.summary {
            let col = lines
                .iter()
                .find_map(|l| l.strip_prefix("total  "))
                .unwrap_or("value");
            (Shape::Total, vec!["total".into(), col.to_string()])
        } else {
            let head = lines
                .iter()
                .find_map(|l| l.strip_prefix("# "))
                .unwrap_or("");
            let mut cols = vec!["#".to_string()];
            cols.extend(head.split(' ').map(str::to_string));
            (Shape::Bounds, cols)
        };
        out.extend_from_slice(b"{\"report\":");
        push_str(out, kind_name(o.kind).as_bytes());
        out.extend_from_slice(if o.summary {
            b",\"summary\":true,\"title\":"
        } else {
            b",\"summary\":false,\"title\":"
        });
        push_str(out, title.as_bytes());
        out.extend_from_slice(b",\"columns\":[");
        for (i, c) in columns.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_str(out, c.as_bytes());
        }
        out.extend_from_slice(b"],\"rows\":[");
        let numeric = columns.iter().map(|c| NUMERIC.contains(&&**c)).collect();
        JsonDoc {
            shape,
            numeric,
            rows: 0,
        }
    }

    /// Closes the document.
    pub(super) fn finish(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"]}\n");
    }

    fn cell(&self, col: usize, v: Option<&[u8]>, out: &mut Vec<u8>) {
        let Some(v) = v else {
            out.extend_from_slice(b"null");
            return;
        };
        if self.numeric.get(col).copied().unwrap_or(false) {
            let t = v.strip_suffix(b".").unwrap_or(v);
            if let Some(n) = std::str::from_utf8(t)
                .ok()
                .and_then(|s| s.parse::<i64>().ok())
            {
                out.extend_from_slice(n.to_string().as_bytes());
                return;
            }
        }
        push_str(out, v);
    }

    fn row(&mut self, fields: &[Option<&[u8]>], out: &mut Vec<u8>) {
        if self.rows > 0 {
            out.push(b',');
        }
        self.rows += 1;
        out.push(b'[');
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            self.cell(i, *f, out);
        }
        out.push(b']');
    }

    /// Turns the report text in `text` (complete lines; `bounds` are the positions
    /// of the spaces between fields) into rows appended to `out`.
    pub(super) fn convert(&mut self, text: &[u8], bounds: &[usize], out: &mut Vec<u8>) {
        let mut bi = 0usize;
        let mut ls = 0usize;
        let mut fields: Vec<Option<&[u8]>> = Vec::new();
        while ls < text.len() {
            let le = memchr::memchr(b'\n', &text[ls..]).map_or(text.len(), |i| ls + i);
            let line = &text[ls..le];
            fields.clear();
            if !line.is_empty() && !line.starts_with(b"<no events of interest") {
                match self.shape {
                    Shape::Bounds => {
                        let mut start = ls;
                        while bi < bounds.len() && bounds[bi] < le {
                            if bounds[bi] >= start {
                                fields.push(Some(&text[start..bounds[bi]]));
                                start = bounds[bi] + 1;
                            }
                            bi += 1;
                        }
                        fields.push(Some(&text[start..le]));
                    }
                    Shape::Total => match memchr::memmem::find(line, b"  ") {
                        Some(i) => {
                            fields.push(Some(&line[..i]));
                            fields.push(Some(&line[i + 2..]));
                        }
                        None => fields.push(Some(line)),
                    },
                    Shape::Label => match memchr::memmem::find(line, b": ") {
                        Some(i) => {
                            fields.push(Some(&line[..i]));
                            fields.push(Some(&line[i + 2..]));
                        }
                        None => fields.push(Some(line)),
                    },
                    Shape::Range => {
                        let at = bounds[bi..]
                            .iter()
                            .position(|&b| b >= ls && b < le)
                            .map(|p| bounds[bi + p] - ls);
                        let name_end = at
                            .or_else(|| memchr::memmem::rfind(line, b": "))
                            .unwrap_or(line.len());
                        fields.push(Some(&line[..name_end]));
                        let rest = line.get(name_end + 2..).unwrap_or(b"");
                        match memchr::memmem::find(rest, b" - ") {
                            Some(i) => {
                                fields.push(Some(&rest[..i]));
                                fields.push(Some(&rest[i + 3..]));
                            }
                            None => {
                                fields.push(None);
                                fields.push(None);
                            }
                        }
                    }
                }
                let f = std::mem::take(&mut fields);
                self.row(&f, out);
                fields = f;
            }
            // Skip boundaries of this line (when the shape did not use them).
            while bi < bounds.len() && bounds[bi] < le {
                bi += 1;
            }
            ls = le + 1;
        }
    }
}
