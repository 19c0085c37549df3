//! Splitting a rules file into auditctl command lines, as `auditctl -R`
//! does: lines of at most 6143 bytes (longer ones are read in pieces, each
//! counted as a line), only spaces separate words, `\ ` and `\\` escapes,
//! `#` comments when the first word starts with `#`.

/// auditctl's read buffer (`LINE_SIZE`).
pub const LINE_SIZE: usize = 6144;

/// One line of a rules file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// Empty or spaces only.
    Blank,
    /// First word starts with `#`.
    Comment,
    /// An auditctl command: `args[0]` is `auditctl`.
    Command(Vec<Vec<u8>>),
}

/// The lines of a rules file with their line numbers (from 1).
pub fn lines(content: &[u8]) -> Vec<(usize, Line)> {
    let mut out = Vec::new();
    let mut rest = content;
    let mut lineno = 1usize;
    while !rest.is_empty() {
        // fgets: up to LINE_SIZE-1 bytes, through the newline.
        let max = rest.len().min(LINE_SIZE - 1);
        let take = match rest[..max].iter().position(|&c| c == b'\n') {
            Some(p) => p + 1,
            None => max,
        };
        let mut buf = &rest[..take];
        rest = &rest[take..];
        // The C string ends at the first NUL; then the newline is dropped.
        if let Some(p) = buf.iter().position(|&c| c == 0) {
            buf = &buf[..p];
        }
        if let Some(p) = buf.iter().position(|&c| c == b'\n') {
            buf = &buf[..p];
        }
        out.push((lineno, split_line(buf)));
        lineno += 1;
    }
    out
}

/// Classify and split one line (without its newline).
pub fn split_line(line: &[u8]) -> Line {
    if line.iter().all(|&c| c == b' ') {
        return Line::Blank;
    }
    let mut buf = line.to_vec();
    preprocess(&mut buf);
    let mut words = buf.split(|&c| c == b' ').filter(|w| !w.is_empty());
    let Some(first) = words.next() else {
        return Line::Blank;
    };
    if first.first() == Some(&b'#') {
        return Line::Comment;
    }
    let nf = line.len() / 3 + 3;
    let mut args = vec![b"auditctl".to_vec(), first.to_vec()];
    for w in words {
        if args.len() >= nf - 1 {
            break;
        }
        args.push(postprocess(w));
    }
    Line::Command(args)
}

/// Mark `\ ` as two 0x07 bytes and `\\` as two 0x04 bytes so that the space
/// does not split words.
fn preprocess(buf: &mut [u8]) {
    let mut esc = false;
    for i in 0..buf.len() {
        if buf[i] == b'\\' && !esc {
            esc = true;
        } else if esc {
            if buf[i] == b' ' {
                buf[i] = 0x07;
                buf[i - 1] = 0x07;
            } else if buf[i] == b'\\' {
                buf[i] = 0x04;
                buf[i - 1] = 0x04;
            }
            esc = false;
        }
    }
}

/// Turn the marks back into a space or a backslash.
fn postprocess(w: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(w.len());
    let mut i = 0;
    while i < w.len() {
        match w[i] {
            0x07 => {
                out.push(b' ');
                i += 2;
            }
            0x04 => {
                out.push(b'\\');
                i += 2;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(l: &str) -> Vec<String> {
        match split_line(l.as_bytes()) {
            Line::Command(a) => a
                .into_iter()
                .map(|x| String::from_utf8(x).unwrap())
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn classify() {
        assert_eq!(split_line(b""), Line::Blank);
        assert_eq!(split_line(b"    "), Line::Blank);
        assert_eq!(split_line(b"  # x"), Line::Comment);
        assert_eq!(split_line(b"#-w /x"), Line::Comment);
        assert_eq!(cmd("-w  /x   -p wa"), ["auditctl", "-w", "/x", "-p", "wa"]);
        // Tabs are not separators.
        assert_eq!(cmd("\t-w /x"), ["auditctl", "\t-w", "/x"]);
    }

    #[test]
    fn escapes() {
        assert_eq!(
            cmd(r"-w /a\ b -k x\\y"),
            ["auditctl", "-w", "/a b", "-k", r"x\y"]
        );
    }

    #[test]
    fn numbering_and_long_lines() {
        let mut f = b"-D\n\n# c\n-b 1\r\n".to_vec();
        let l = lines(&f);
        assert_eq!(l.len(), 4);
        assert_eq!(l[3].0, 4);
        assert_eq!(
            l[3].1,
            Line::Command(vec![b"auditctl".to_vec(), b"-b".to_vec(), b"1\r".to_vec()])
        );
        f = vec![b'a'; 7000];
        f.push(b'\n');
        let l = lines(&f);
        assert_eq!(l.len(), 2);
        assert_eq!(l[1].0, 2);
        let l = lines(b"-b 1\0junk\n-e 1");
        assert_eq!(l.len(), 2);
        assert_eq!(
            l[0].1,
            Line::Command(vec![b"auditctl".to_vec(), b"-b".to_vec(), b"1".to_vec()])
        );
    }

    #[test]
    fn token_limit() {
        // nf = len/3 + 3 words at most, minus one.
        let a = cmd("a b c d e f g");
        assert_eq!(a.len(), 6);
    }
}
