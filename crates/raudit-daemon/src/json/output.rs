//! Where JSON lines go: stdout, or a file rotated by size.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::PathBuf;

/// An output for JSON lines.
pub enum Output {
    /// Standard output.
    Stdout,
    /// A file: rotated to `FILE.1` … `FILE.N` when it would pass `max` bytes (0: never).
    File {
        /// Path.
        path: PathBuf,
        /// Open file.
        file: Option<File>,
        /// Size so far.
        size: u64,
        /// Rotation size in bytes (0: none).
        max: u64,
        /// Rotated files kept.
        keep: u32,
    },
}

impl Output {
    /// A file output (created 0600 if missing, appended to).
    pub fn file(path: PathBuf, max: u64, keep: u32) -> Output {
        let mut o = Output::File {
            path,
            file: None,
            size: 0,
            max,
            keep,
        };
        o.reopen();
        o
    }

    /// Reopens the file (after it was moved away, e.g. on SIGHUP); stdout: nothing.
    pub fn reopen(&mut self) {
        if let Output::File {
            path, file, size, ..
        } = self
        {
            use std::os::unix::fs::OpenOptionsExt;
            *file = OpenOptions::new()
                .create(true)
                .append(true)
                .mode(0o600)
                .open(&*path)
                .ok();
            *size = file
                .as_ref()
                .and_then(|f| f.metadata().ok())
                .map_or(0, |m| m.len());
        }
    }

    /// Whether the output can be written (a file that failed to open cannot).
    pub fn is_open(&self) -> bool {
        !matches!(self, Output::File { file: None, .. })
    }

    fn rotate(&mut self) {
        if let Output::File { path, keep, .. } = self {
            let name = |n: u32| {
                let mut p = path.clone().into_os_string();
                p.push(format!(".{n}"));
                PathBuf::from(p)
            };
            let keep = (*keep).max(1);
            for n in (1..keep).rev() {
                let _ = std::fs::rename(name(n), name(n + 1));
            }
            let _ = std::fs::rename(&*path, name(1));
        }
        self.reopen();
    }

    /// Writes whole lines; errors are counted by the caller through the return value.
    pub fn write(&mut self, data: &[u8]) -> bool {
        if data.is_empty() {
            return true;
        }
        match self {
            Output::Stdout => {
                let mut o = std::io::stdout().lock();
                o.write_all(data).and_then(|_| o.flush()).is_ok()
            }
            Output::File { size, max, .. } => {
                if *max > 0 && *size > 0 && *size + data.len() as u64 > *max {
                    self.rotate();
                }
                let Output::File { file, size, .. } = self else {
                    return false;
                };
                match file {
                    Some(f) => {
                        let ok = f.write_all(data).is_ok();
                        *size += data.len() as u64;
                        ok
                    }
                    None => false,
                }
            }
        }
    }
}
