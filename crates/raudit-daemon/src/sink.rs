//! The sinks stage: where each record goes after event handling.
//!
//! The log writer ([`crate::writer`]) is the daemon's first sink and is
//! driven directly (auditd's `handle_event`); every other consumer — plugins,
//! remote logging, JSON — implements [`Sink`] and is handed each record in
//! the order auditd's `distribute_event` hands it to the dispatcher,
//! including EOE (which never reaches the log). A sink owns its queue,
//! back-pressure policy and counters: [`Sink::record`] must not block the
//! daemon on a slow consumer.

use crate::config::Config;

/// One record as it leaves event handling.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// The record type (kernel numbering; DAEMON_* for the daemon's own).
    pub rtype: u16,
    /// The record's payload as received (`audit(SEC.MSEC:SERIAL): …`), or
    /// empty when auditd would not pass one.
    pub raw: &'a [u8],
    /// The record as formatted for the log (RAW or ENRICHED, with the
    /// `node=` prefix when configured), ending in `\n`.
    pub text: &'a [u8],
    /// auditd's dispatcher protocol: `true` for AUDISP_PROTOCOL_VER2 (the
    /// formatted text is what plugins get: ENRICHED or `node=` in use),
    /// `false` for VER (the raw payload).
    pub formatted: bool,
}

/// A consumer of the record stream.
pub trait Sink: Send {
    /// A short name for messages and the state report.
    fn name(&self) -> &str;
    /// One record; must return promptly (queue, do not wait on a consumer).
    fn record(&mut self, rec: &Record<'_>);
    /// Called about twice a second and after each batch of records.
    fn tick(&mut self) {}
    /// SIGHUP with the new configuration (already checked).
    fn reload(&mut self, _cfg: &Config) {}
    /// SIGUSR2 (resume logging): a sink that suspended itself resumes.
    fn resume(&mut self) {}
    /// Lines for the SIGCONT state report / `--status` (`name = value\n`).
    fn state(&self, _out: &mut String) {}
    /// Records this sink dropped because a queue was full, per queue name
    /// (reported in the JSON stream's status objects).
    fn overflows(&self, _out: &mut Vec<(String, u64)>) {}
    /// The daemon stops: deliver what is queued as far as possible, stop
    /// children and connections.
    fn shutdown(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Collect(Vec<(u16, Vec<u8>)>);
    impl Sink for Collect {
        fn name(&self) -> &str {
            "collect"
        }
        fn record(&mut self, rec: &Record<'_>) {
            self.0.push((rec.rtype, rec.text.to_vec()));
        }
    }

    #[test]
    fn a_sink_is_object_safe_and_sees_records() {
        let mut sinks: Vec<Box<dyn Sink>> = vec![Box::new(Collect(Vec::new()))];
        let r = Record {
            rtype: 1320,
            raw: b"audit(1.000:1): ",
            text: b"type=EOE msg=audit(1.000:1): \n",
            formatted: false,
        };
        for s in &mut sinks {
            s.record(&r);
            s.tick();
            assert_eq!(s.name(), "collect");
        }
    }
}
