//! The end-to-end canary (raudit only): every `raudit_canary_interval`
//! seconds the daemon sends a marker through the kernel as an AUDIT_USER
//! message and expects it back through its own pipeline — received from the
//! kernel, handled, and written to the log — within `raudit_canary_timeout`
//! seconds. A marker that does not come back in time raises an alarm (a
//! log line, a DAEMON_ERR record, the state report); the first marker that
//! comes back again clears it.
//!
//! This answers "is auditing still working?": the marker is lost when audit
//! is disabled, when a user-filter rule drops the daemon's messages, when
//! the kernel drops records, when the daemon is not the one receiving them
//! (its pid was taken over) or when logging is suspended.
//!
//! The state machine is pure (no clock, no socket): the daemon passes the
//! time in, sends what [`Canary::due`] returns and feeds AUDIT_USER payloads
//! to [`Canary::observe`].

#![forbid(unsafe_code)]

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The word every marker starts with (searchable: `ausearch -m USER -i | grep raudit-canary`).
pub const MARKER: &str = "raudit-canary";

/// What the daemon must report after [`Canary::check`] or [`Canary::observe`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A marker is overdue; `raised` is true for the first one of an alarm.
    Missing {
        /// The marker's sequence number.
        seq: u64,
        /// Whether this miss raised the alarm (it was not raised before).
        raised: bool,
    },
    /// A marker came back while the alarm was raised: cleared.
    Recovered {
        /// The marker's sequence number.
        seq: u64,
    },
}

/// The canary's state.
#[derive(Debug)]
pub struct Canary {
    interval: Duration,
    timeout: Duration,
    tag: String,
    next_send: Instant,
    next_seq: u64,
    /// Markers sent and not yet back or overdue: (seq, sent at).
    outstanding: VecDeque<(u64, Instant)>,
    sent: u64,
    returned: u64,
    missing: u64,
    send_errors: u64,
    alarm_since: Option<u64>,
    last_rtt: Option<Duration>,
}

impl Canary {
    /// A canary sending every `interval` (not zero), each expected back
    /// within `timeout`; `tag` tells this daemon's markers from others'
    /// (the daemon passes its pid). The first marker is due at once.
    pub fn new(interval: Duration, timeout: Duration, tag: &str, now: Instant) -> Canary {
        Canary {
            interval,
            timeout,
            tag: tag.to_string(),
            next_send: now,
            next_seq: 1,
            outstanding: VecDeque::new(),
            sent: 0,
            returned: 0,
            missing: 0,
            send_errors: 0,
            alarm_since: None,
            last_rtt: None,
        }
    }

    /// Changes the timing (SIGHUP); the next marker is due one interval
    /// after `now`.
    pub fn retime(&mut self, interval: Duration, timeout: Duration, now: Instant) {
        self.interval = interval;
        self.timeout = timeout;
        self.next_send = now + interval;
    }

    /// The marker text to send now, if one is due (it is then outstanding).
    pub fn due(&mut self, now: Instant) -> Option<String> {
        if now < self.next_send {
            return None;
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.next_send = now + self.interval;
        self.outstanding.push_back((seq, now));
        self.sent += 1;
        Some(self.text(seq))
    }

    fn text(&self, seq: u64) -> String {
        format!("{MARKER} daemon={} seq={seq}", self.tag)
    }

    /// The kernel refused the marker just returned by [`Canary::due`]: it
    /// will not come back (it still times out and raises the alarm).
    pub fn send_failed(&mut self) {
        self.send_errors += 1;
    }

    /// An AUDIT_USER record's payload, and whether it was written to the
    /// log. A written marker of this daemon is back.
    pub fn observe(&mut self, payload: &[u8], written: bool, now: Instant) -> Option<Event> {
        let seq = self.marker_seq(payload)?;
        if !written {
            return None;
        }
        let pos = self.outstanding.iter().position(|&(s, _)| s == seq)?;
        let (_, at) = self.outstanding.remove(pos)?;
        self.returned += 1;
        self.last_rtt = Some(now.saturating_duration_since(at));
        self.alarm_since.take()?;
        Some(Event::Recovered { seq })
    }

    /// The sequence number of this daemon's marker in `payload`, if it is one.
    fn marker_seq(&self, payload: &[u8]) -> Option<u64> {
        let head = format!("{MARKER} daemon={} seq=", self.tag);
        let at = memfind(payload, head.as_bytes())?;
        let rest = &payload[at + head.len()..];
        let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        std::str::from_utf8(&rest[..n]).ok()?.parse().ok()
    }

    /// Overdue markers: one event each (they are then forgotten).
    pub fn check(&mut self, now: Instant) -> Vec<Event> {
        let mut out = Vec::new();
        while let Some(&(seq, at)) = self.outstanding.front() {
            if now.saturating_duration_since(at) <= self.timeout {
                break;
            }
            self.outstanding.pop_front();
            self.missing += 1;
            let raised = self.alarm_since.is_none();
            if raised {
                self.alarm_since = Some(seq);
            }
            out.push(Event::Missing { seq, raised });
        }
        out
    }

    /// Whether the alarm is raised.
    pub fn alarm(&self) -> bool {
        self.alarm_since.is_some()
    }

    /// The timeout, for messages.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Lines for the state report.
    pub fn state(&self, out: &mut String) {
        use std::fmt::Write as _;
        let _ = writeln!(
            out,
            "canary = every {} s, timeout {} s",
            self.interval.as_secs(),
            self.timeout.as_secs()
        );
        let _ = writeln!(
            out,
            "canary markers sent = {}, returned = {}, missing = {}, send errors = {}",
            self.sent, self.returned, self.missing, self.send_errors
        );
        match self.last_rtt {
            Some(d) => {
                let _ = writeln!(out, "canary last round trip = {} ms", d.as_millis());
            }
            None => {
                let _ = writeln!(out, "canary last round trip = none");
            }
        }
        match self.alarm_since {
            Some(seq) => {
                let _ = writeln!(out, "canary alarm = yes (since marker {seq})");
            }
            None => {
                let _ = writeln!(out, "canary alarm = no");
            }
        }
    }
}

fn memfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(text: &str) -> Vec<u8> {
        format!("audit(1.000:7): pid=1 uid=0 auid=4294967295 ses=4294967295 msg='{text}'")
            .into_bytes()
    }

    #[test]
    fn markers_go_out_come_back_and_time_out() {
        let t0 = Instant::now();
        let s = Duration::from_secs;
        let mut c = Canary::new(s(10), s(3), "42", t0);
        let m1 = c.due(t0).expect("first marker at once");
        assert_eq!(m1, "raudit-canary daemon=42 seq=1");
        assert_eq!(c.due(t0 + s(5)), None);
        // Back in time, written: no event, no alarm.
        assert_eq!(c.observe(&user(&m1), true, t0 + s(1)), None);
        assert!(c.check(t0 + s(9)).is_empty());
        // Another daemon's marker and a non-marker are ignored.
        assert_eq!(
            c.observe(&user("raudit-canary daemon=7 seq=2"), true, t0),
            None
        );
        assert_eq!(c.observe(&user("text=hello"), true, t0), None);
        // Marker 2 comes back but is not written (logging suspended): missing.
        let m2 = c.due(t0 + s(10)).unwrap();
        assert_eq!(c.observe(&user(&m2), false, t0 + s(11)), None);
        assert_eq!(
            c.check(t0 + s(14)),
            vec![Event::Missing {
                seq: 2,
                raised: true
            }]
        );
        assert!(c.alarm());
        // Marker 3 lost too: a miss, the alarm is already raised.
        let _ = c.due(t0 + s(20)).unwrap();
        assert_eq!(
            c.check(t0 + s(24)),
            vec![Event::Missing {
                seq: 3,
                raised: false
            }]
        );
        // Marker 4 back: recovered.
        let m4 = c.due(t0 + s(30)).unwrap();
        assert_eq!(
            c.observe(&user(&m4), true, t0 + s(30)),
            Some(Event::Recovered { seq: 4 })
        );
        assert!(!c.alarm());
        let mut st = String::new();
        c.state(&mut st);
        assert!(st.contains("sent = 4, returned = 2, missing = 2"), "{st}");
        assert!(st.contains("canary alarm = no"));
        // A late marker (already counted missing) is not counted back.
        assert_eq!(c.observe(&user(&m2), true, t0 + s(31)), None);
    }

    #[test]
    fn retime_and_send_errors() {
        let t0 = Instant::now();
        let s = Duration::from_secs;
        let mut c = Canary::new(s(10), s(3), "1", t0);
        let _ = c.due(t0).unwrap();
        c.send_failed();
        c.retime(s(2), s(1), t0);
        assert_eq!(c.due(t0 + s(1)), None);
        assert!(c.due(t0 + s(2)).is_some());
        assert_eq!(c.timeout(), s(1));
        let mut st = String::new();
        c.state(&mut st);
        assert!(st.contains("send errors = 1"));
    }
}
