//! `-ts`/`-te` values: keywords (`now`, `recent`, `boot`, `today`, `yesterday`,
//! `this-week`, `week-ago`, `this-month`, `this-year`) and dates/times in the
//! locale's `%x`/`%X` forms, resolved in local time exactly as ausearch does (through
//! the C library's `strptime`/`mktime`/`localtime_r`, so `TZ` and `LC_TIME` apply the
//! same way).

use std::ffi::CString;
use std::io::Write;

use crate::ctime::{localtime, Tm};

/// Source of "now" and of the system uptime (injectable for tests).
pub trait Clock {
    /// Seconds since the epoch.
    fn now(&self) -> i64;
    /// `/proc/uptime` content.
    fn uptime(&self) -> std::io::Result<String>;
}

/// The real clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    }
    fn uptime(&self) -> std::io::Result<String> {
        std::fs::read_to_string("/proc/uptime")
    }
}

/// A date or time was rejected (the message was already written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeError;

const KEYWORDS: &[&str] = &[
    "now",
    "recent",
    "boot",
    "today",
    "yesterday",
    "this-week",
    "week-ago",
    "this-month",
    "this-year",
];

/// True for the time keywords.
pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

const DAY: i64 = 24 * 60 * 60;

fn replace_time(d: &mut Tm, t: &Tm) {
    d.sec = t.sec;
    d.min = t.min;
    d.hour = t.hour;
}

fn replace_date(d: &mut Tm, t: &Tm) {
    d.mday = t.mday;
    d.mon = t.mon;
    d.year = t.year;
    d.isdst = t.isdst;
    d.wday = t.wday;
    d.yday = t.yday;
}

fn midnight(d: &mut Tm) {
    d.sec = 0;
    d.min = 0;
    d.hour = 0;
}

/// Applies a keyword to `d`. Err on a failed uptime read (message written).
fn keyword(k: &str, d: &mut Tm, clock: &dyn Clock, err: &mut dyn Write) -> Result<(), TimeError> {
    let now = clock.now();
    match k {
        "now" => {
            let t = localtime(now);
            replace_time(d, &t);
            replace_date(d, &t);
        }
        "recent" => {
            let t = localtime(now - 600);
            replace_time(d, &t);
            replace_date(d, &t);
        }
        "boot" => {
            let up = match clock.uptime() {
                Ok(s) => s,
                Err(e) => {
                    let _ = writeln!(err, "Can't read uptime ({})", crate::strerror(&e));
                    return Err(TimeError);
                }
            };
            let first = up.split(' ').next().unwrap_or("");
            let f: f32 = first.trim().parse().unwrap_or(0.0);
            let t = localtime(now - (f + 0.5) as i64);
            replace_time(d, &t);
            replace_date(d, &t);
        }
        "today" => {
            midnight(d);
            replace_date(d, &localtime(now));
        }
        "yesterday" => {
            midnight(d);
            replace_date(d, &localtime(now - DAY));
        }
        "this-week" => {
            midnight(d);
            let t = localtime(now);
            replace_date(d, &localtime(now - t.wday as i64 * DAY));
        }
        "week-ago" => {
            midnight(d);
            replace_date(d, &localtime(now - 7 * DAY));
        }
        "this-month" => {
            midnight(d);
            replace_date(d, &localtime(now));
            d.mday = 1;
        }
        "this-year" => {
            midnight(d);
            replace_date(d, &localtime(now));
            d.mday = 1;
            d.mon = 0;
            d.isdst = 0;
        }
        _ => {}
    }
    Ok(())
}

/// Resolves a start (`start == true`) or end date/time to seconds, printing ausearch's
/// messages on failure.
pub fn parse(
    start: bool,
    date: Option<&str>,
    time: Option<&str>,
    clock: &dyn Clock,
    err: &mut dyn Write,
) -> Result<i64, TimeError> {
    let which = if start { "start" } else { "end" };
    let mut d = Tm::default();
    match date {
        None => {
            let t = localtime(clock.now());
            replace_time(&mut d, &t);
            replace_date(&mut d, &t);
        }
        Some(da) if is_keyword(da) => {
            keyword(da, &mut d, clock, err)?;
            let plain = time.is_none() || time == Some("00:00:00");
            if matches!(da, "recent" | "now" | "boot") && plain {
                return finish(which, &mut d, err);
            }
            if !start && da == "today" {
                let t = localtime(clock.now());
                replace_time(&mut d, &t);
                replace_date(&mut d, &t);
                if plain {
                    return finish(which, &mut d, err);
                }
            }
        }
        Some(da) => match strptime(da, "%x", &mut d) {
            None => {
                let _ = writeln!(
                    err,
                    "Invalid {which} date ({da}). Month, Day, and Year are required."
                );
                return Err(TimeError);
            }
            Some(false) => {
                let _ = writeln!(err, "Error parsing {which} date ({da})");
                return Err(TimeError);
            }
            Some(true) => {}
        },
    }
    match time {
        Some(ti) => {
            let full = if ti.len() <= 5 {
                format!("{ti}:00")
            } else {
                ti.chars().take(63).collect()
            };
            match strptime(&full, "%X", &mut d) {
                None => {
                    let _ = writeln!(
                        err,
                        "Invalid {which} time ({ti}). Hour, Minute, and Second are required."
                    );
                    return Err(TimeError);
                }
                Some(false) => {
                    let _ = writeln!(err, "Error parsing {which} time ({ti})");
                    return Err(TimeError);
                }
                Some(true) => {}
            }
        }
        None if start => d = Tm::default(),
        None => {
            let t = localtime(clock.now());
            d.hour = t.hour;
            d.min = t.min;
            d.sec = t.sec;
            d.isdst = t.isdst;
        }
    }
    if d.year < 104 {
        let _ = writeln!(err, "Error - year is {}", d.year + 1900);
        return Err(TimeError);
    }
    finish(which, &mut d, err)
}

fn finish(which: &str, d: &mut Tm, err: &mut dyn Write) -> Result<i64, TimeError> {
    let t = crate::ctime::mktime(d);
    if t == -1 {
        let _ = writeln!(err, "Error converting {which} time");
        return Err(TimeError);
    }
    Ok(t)
}

/// `strptime`: None when it fails, Some(false) when text remains, Some(true) when all
/// of `s` was consumed.
fn strptime(s: &str, fmt: &str, d: &mut Tm) -> Option<bool> {
    let cs = CString::new(s).ok()?;
    let cf = CString::new(fmt).ok()?;
    crate::ctime::strptime(&cs, &cf, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctime::localtime;

    struct Fixed(i64);
    impl Clock for Fixed {
        fn now(&self) -> i64 {
            self.0
        }
        fn uptime(&self) -> std::io::Result<String> {
            Ok("3600.40 100.00\n".into())
        }
    }

    const NOW: i64 = 1_763_784_000 + 13 * 3600 + 25 * 60 + 7; // a Saturday afternoon

    fn start(k: &str) -> i64 {
        let mut e = Vec::new();
        parse(true, Some(k), Some("00:00:00"), &Fixed(NOW), &mut e).expect(k)
    }

    #[test]
    fn keywords_relative_to_now() {
        assert_eq!(start("now"), NOW);
        assert_eq!(start("recent"), NOW - 600);
        assert_eq!(start("boot"), NOW - 3600);
        let today = start("today");
        let t = localtime(today);
        assert_eq!((t.hour, t.min, t.sec), (0, 0, 0));
        assert!(today <= NOW && NOW - today < DAY + 3600);
        assert_eq!(
            localtime(start("yesterday")).yday,
            localtime(NOW - DAY).yday
        );
        assert_eq!(localtime(start("this-week")).wday, 0);
        assert_eq!(localtime(start("this-month")).mday, 1);
        let y = localtime(start("this-year"));
        assert_eq!((y.mon, y.mday), (0, 1));
        assert_eq!(
            localtime(start("week-ago")).yday,
            localtime(NOW - 7 * DAY).yday
        );
    }

    #[test]
    fn end_today_without_time_is_now() {
        let mut e = Vec::new();
        assert_eq!(
            parse(false, Some("today"), Some("00:00:00"), &Fixed(NOW), &mut e),
            Ok(NOW)
        );
    }

    #[test]
    fn bad_dates_and_times_say_why() {
        let mut e = Vec::new();
        assert!(parse(true, Some("99/99/99"), None, &Fixed(NOW), &mut e).is_err());
        assert_eq!(
            String::from_utf8_lossy(&e),
            "Invalid start date (99/99/99). Month, Day, and Year are required.\n"
        );
        e.clear();
        assert!(parse(false, None, Some("25:61"), &Fixed(NOW), &mut e).is_err());
        assert!(String::from_utf8_lossy(&e).starts_with("Invalid end time (25:61)"));
    }
}
