//! `--checkpoint FILE`: resume a search after the last complete event a previous run
//! saw, identified by the log file's device and inode and the event's time, serial,
//! node and type. File format and exit codes (10 bad checkpoint, 11 cannot write it,
//! 12 corrupted) as ausearch 3.0.9.

use std::io::Write;

use raudit_logfmt::EventId;

/// Failure bits (ausearch's `CP_*`).
pub const CP_STATFAILED: u32 = 0x2;
/// Cannot open/read/write the checkpoint file.
pub const CP_STATUSIO: u32 = 0x4;
/// Malformed checkpoint entries.
pub const CP_STATUSBAD: u32 = 0x8;
/// Times in the checkpoint file do not fit the log.
pub const CP_CORRUPTED: u32 = 0x10;

/// The checkpoint could not be used (the message was already written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckpointError;

/// The last event of a run, as saved in the checkpoint file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LastEvent {
    /// Identity.
    pub id: EventId,
    /// Node, if any.
    pub node: Option<Vec<u8>>,
    /// Type of the event's first record.
    pub rtype: i32,
}

/// Checkpoint state of one run.
#[derive(Debug, Default)]
pub struct Checkpoint {
    /// Loaded: device of the file the previous run ended in.
    pub in_dev: u64,
    /// Loaded: inode of that file.
    pub in_ino: u64,
    /// Loaded: last event the previous run saw.
    pub in_last: LastEvent,
    /// A checkpoint was loaded (the file existed).
    pub have_data: bool,
    /// `-ts checkpoint`: only the loaded time matters.
    pub time_only: bool,
    /// Failure bits.
    pub failure: u32,
    /// This run: file details to save.
    pub dev: u64,
    /// This run: inode to save.
    pub ino: u64,
    /// This run: last event seen.
    pub last: LastEvent,
    can_output: bool,
}

/// What to do with a matched event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Print it.
    Output,
    /// Not yet.
    Skip,
    /// The checkpointed event itself: print from the next one on.
    After,
    /// A complete event newer than the checkpoint came first: corrupted.
    Corrupted,
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

impl Checkpoint {
    /// Loads `path`. Ok(false) when it does not exist; Err(()) on a bad checkpoint
    /// (messages written; ausearch exits 10).
    pub fn load(&mut self, path: &[u8], err: &mut dyn Write) -> Result<bool, CheckpointError> {
        use std::os::unix::ffi::OsStrExt;
        let text = match std::fs::read(std::ffi::OsStr::from_bytes(path)) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => {
                let _ = writeln!(
                    err,
                    "Cannot open checkpoint file - {}: {}",
                    lossy(path),
                    crate::strerror(&e)
                );
                return Err(CheckpointError);
            }
        };
        for line in text.split(|&b| b == b'\n') {
            if line.is_empty() && text.ends_with(b"\n") {
                continue;
            }
            if let Some(v) = line.strip_prefix(b"dev=") {
                let c = raudit_logfmt::num::strtoul(v, 16);
                if c.overflow {
                    let _ = writeln!(err, "Malformed dev checkpoint line - [{}]", lossy(line));
                    self.failure |= CP_STATUSBAD;
                    break;
                }
                self.in_dev = c.value;
            } else if let Some(v) = line.strip_prefix(b"inode=") {
                let c = raudit_logfmt::num::strtoul(v, 0);
                if c.overflow {
                    let _ = writeln!(err, "Malformed inode checkpoint line - [{}]", lossy(line));
                    self.failure |= CP_STATUSBAD;
                    break;
                }
                self.in_ino = c.value;
            } else if let Some(v) = line.strip_prefix(b"output=") {
                let Some(sp) = memchr::memchr(b' ', v) else {
                    let _ = writeln!(
                        err,
                        "Malformed output/event checkpoint line near node - [{}]",
                        lossy(line)
                    );
                    self.failure |= CP_STATUSBAD;
                    break;
                };
                let node = &v[..sp];
                self.in_last.node = if node.first() == Some(&b'-') {
                    None
                } else {
                    Some(node.to_vec())
                };
                match parse_event(&v[sp + 1..]) {
                    Some((id, t)) => {
                        self.in_last.id = id;
                        self.in_last.rtype = t;
                    }
                    None => {
                        let shown = [b"output=".as_slice(), node].concat();
                        let _ = writeln!(
                            err,
                            "Malformed output/event checkpoint line after node - [{}]",
                            lossy(&shown)
                        );
                        self.failure |= CP_STATUSBAD;
                        break;
                    }
                }
            } else {
                let _ = writeln!(err, "Unknown checkpoint line - [{}]", lossy(line));
                self.failure |= CP_STATUSBAD;
                break;
            }
        }
        if self.in_ino == 0 || self.in_dev == 0 {
            let _ = writeln!(
                err,
                "Missing dev/inode lines from checkpoint file {}",
                lossy(path)
            );
            self.failure |= CP_STATUSBAD;
        }
        if self.failure != 0 {
            return Err(CheckpointError);
        }
        self.have_data = true;
        Ok(true)
    }

    /// Whether a matched event may be printed (ausearch's `chkpt_output_decision`).
    pub fn decide(&mut self, id: EventId, node: Option<&[u8]>, rtype: i32) -> Decision {
        if self.can_output {
            return Decision::Output;
        }
        if !self.have_data || self.in_last.id.sec == 0 {
            self.can_output = true;
            return Decision::Output;
        }
        let last = &self.in_last;
        if self.time_only
            && (last.id.sec < id.sec || (last.id.sec == id.sec && last.id.milli <= id.milli))
        {
            self.can_output = true;
            return Decision::Output;
        }
        if last.id == id && last.rtype == rtype && last.node.as_deref() == node {
            self.can_output = true;
            return Decision::After;
        }
        if last.id.sec < id.sec && id.sec - last.id.sec > 2 {
            return Decision::Corrupted;
        }
        Decision::Skip
    }

    /// Remembers the file a run ended in. Err when it cannot be stat'ed.
    pub fn set_file(&mut self, path: &[u8], err: &mut dyn Write) -> Result<(), CheckpointError> {
        use std::os::unix::ffi::OsStrExt;
        use std::os::unix::fs::MetadataExt;
        match std::fs::metadata(std::ffi::OsStr::from_bytes(path)) {
            Ok(m) => {
                self.dev = m.dev();
                self.ino = m.ino();
                Ok(())
            }
            Err(e) => {
                let _ = writeln!(
                    err,
                    "Cannot stat audit file for checkpoint details - {}: {}",
                    lossy(path),
                    crate::strerror(&e)
                );
                self.failure |= CP_STATFAILED;
                Err(CheckpointError)
            }
        }
    }

    /// Writes the checkpoint file.
    pub fn save(&mut self, path: &[u8], err: &mut dyn Write) {
        use std::os::unix::ffi::OsStrExt;
        let text = format!(
            "dev=0x{:X}\ninode={}\noutput={} {}.{:03}:{} 0x{:X}\n",
            self.dev as u32,
            self.ino as u32,
            self.last
                .node
                .as_deref()
                .map_or_else(|| "-".to_string(), lossy),
            self.last.id.sec as u64,
            self.last.id.milli,
            self.last.id.serial,
            self.last.rtype as u32
        );
        if let Err(e) = std::fs::write(std::ffi::OsStr::from_bytes(path), text) {
            let _ = writeln!(
                err,
                "Cannot open checkpoint file - {}: {}",
                lossy(path),
                crate::strerror(&e)
            );
            self.failure |= CP_STATUSIO;
        }
    }
}

/// `%lu.%03u:%lu 0x%X` as sscanf reads it.
fn parse_event(s: &[u8]) -> Option<(EventId, i32)> {
    use raudit_logfmt::num::strtoul;
    let sec = strtoul(s, 10);
    if sec.used == 0 || s.get(sec.used) != Some(&b'.') {
        return None;
    }
    let rest = &s[sec.used + 1..];
    let digits = rest
        .iter()
        .take(3)
        .take_while(|c| c.is_ascii_digit())
        .count();
    if digits == 0 {
        return None;
    }
    let milli = strtoul(&rest[..digits], 10).value as u32;
    let rest = &rest[digits..];
    let rest = rest.strip_prefix(b":")?;
    let serial = strtoul(rest, 10);
    if serial.used == 0 {
        return None;
    }
    let rest = rest[serial.used..].trim_ascii_start();
    let rest = rest
        .strip_prefix(b"0x")
        .or_else(|| rest.strip_prefix(b"0X"))?;
    let t = strtoul(rest, 16);
    if t.used == 0 {
        return None;
    }
    Some((
        EventId {
            sec: sec.value as i64,
            milli,
            serial: serial.value,
        },
        t.value as u32 as i32,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_saved_events() {
        assert_eq!(
            parse_event(b"1604994496.155:92733 0x514"),
            Some((
                EventId {
                    sec: 1604994496,
                    milli: 155,
                    serial: 92733
                },
                0x514
            ))
        );
        assert_eq!(parse_event(b"x"), None);
    }

    #[test]
    fn decision_waits_for_the_saved_event() {
        let mut c = Checkpoint {
            have_data: true,
            in_last: LastEvent {
                id: EventId {
                    sec: 10,
                    milli: 1,
                    serial: 5,
                },
                node: None,
                rtype: 1300,
            },
            ..Default::default()
        };
        assert_eq!(
            c.decide(
                EventId {
                    sec: 9,
                    milli: 0,
                    serial: 1
                },
                None,
                1300
            ),
            Decision::Skip
        );
        assert_eq!(
            c.decide(
                EventId {
                    sec: 10,
                    milli: 1,
                    serial: 5
                },
                None,
                1300
            ),
            Decision::After
        );
        assert_eq!(
            c.decide(
                EventId {
                    sec: 11,
                    milli: 0,
                    serial: 6
                },
                None,
                1300
            ),
            Decision::Output
        );
    }
}
