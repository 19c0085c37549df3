//! Thin safe wrappers over the C library's time functions, used where output must
//! match the C tools exactly (local time zone rules, the locale's `%x`/`%X`).

use std::ffi::CStr;

/// A broken-down time (the fields of C's `struct tm` that matter here).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tm {
    /// Seconds.
    pub sec: i32,
    /// Minutes.
    pub min: i32,
    /// Hours.
    pub hour: i32,
    /// Day of month.
    pub mday: i32,
    /// Month (0–11).
    pub mon: i32,
    /// Years since 1900.
    pub year: i32,
    /// Day of week (0 = Sunday).
    pub wday: i32,
    /// Day of year.
    pub yday: i32,
    /// DST flag.
    pub isdst: i32,
    /// Offset from UTC in seconds.
    pub gmtoff: i64,
}

fn to_c(t: &Tm) -> libc::tm {
    // SAFETY: libc::tm is a plain C struct; all-zero is a valid value.
    let mut c: libc::tm = unsafe { std::mem::zeroed() };
    c.tm_sec = t.sec;
    c.tm_min = t.min;
    c.tm_hour = t.hour;
    c.tm_mday = t.mday;
    c.tm_mon = t.mon;
    c.tm_year = t.year;
    c.tm_wday = t.wday;
    c.tm_yday = t.yday;
    c.tm_isdst = t.isdst;
    c
}

fn from_c(c: &libc::tm) -> Tm {
    Tm {
        sec: c.tm_sec,
        min: c.tm_min,
        hour: c.tm_hour,
        mday: c.tm_mday,
        mon: c.tm_mon,
        year: c.tm_year,
        wday: c.tm_wday,
        yday: c.tm_yday,
        isdst: c.tm_isdst,
        gmtoff: c.tm_gmtoff,
    }
}

/// Makes the C library read `TZ` and the locale from the environment, as the C tools
/// do at start (`setlocale(LC_ALL, "")`).
pub fn init_locale() {
    // SAFETY: called once at start, before other threads use locale-dependent functions.
    unsafe {
        libc::setlocale(libc::LC_ALL, c"".as_ptr());
        tzset();
    }
}

extern "C" {
    fn tzset();
}

/// `localtime_r`. Returns None when the time cannot be represented.
pub fn localtime_opt(t: i64) -> Option<Tm> {
    // SAFETY: both pointers are valid for the call; localtime_r writes only `out`.
    unsafe {
        let tt: libc::time_t = t;
        let mut out: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&tt, &mut out).is_null() {
            None
        } else {
            Some(from_c(&out))
        }
    }
}

/// `localtime_r`, or the zero time when not representable.
pub fn localtime(t: i64) -> Tm {
    localtime_opt(t).unwrap_or_default()
}

/// `mktime` (normalizes `d` in place like C does).
pub fn mktime(d: &mut Tm) -> i64 {
    let mut c = to_c(d);
    // SAFETY: `c` is a valid tm for the call.
    let r = unsafe { libc::mktime(&mut c) };
    *d = from_c(&c);
    r
}

/// `strptime` into `d`: None on failure, Some(true) when the whole input was used.
pub fn strptime(s: &CStr, fmt: &CStr, d: &mut Tm) -> Option<bool> {
    let mut c = to_c(d);
    // SAFETY: valid NUL-terminated strings and a valid tm.
    let r = unsafe { libc::strptime(s.as_ptr(), fmt.as_ptr(), &mut c) };
    if r.is_null() {
        return None;
    }
    *d = from_c(&c);
    // SAFETY: strptime returns a pointer into `s`, which is NUL-terminated.
    Some(unsafe { *r } == 0)
}

/// `strftime` of a broken-down time.
pub fn strftime(fmt: &CStr, t: &Tm) -> String {
    let mut c = to_c(t);
    c.tm_gmtoff = t.gmtoff;
    let mut buf = [0u8; 128];
    // SAFETY: buffer and format valid; strftime writes at most buf.len() bytes.
    let n = unsafe { libc::strftime(buf.as_mut_ptr().cast(), buf.len(), fmt.as_ptr(), &c) };
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `ctime`: `Www Mmm dd hh:mm:ss yyyy\n`, or None where C returns NULL. Events come
/// in runs with the same second: the last answer is remembered.
pub fn ctime(t: i64) -> Option<String> {
    CTIME_LAST.with(|l| {
        let mut l = l.borrow_mut();
        match &*l {
            Some((s, v)) if *s == t => v.clone(),
            _ => {
                let v = ctime_uncached(t);
                *l = Some((t, v.clone()));
                v
            }
        }
    })
}

/// [`ctime`] appended to `out` (false, nothing written, where C returns NULL).
pub fn ctime_into(t: i64, out: &mut Vec<u8>) -> bool {
    CTIME_LAST.with(|l| {
        let mut l = l.borrow_mut();
        if !matches!(&*l, Some((s, _)) if *s == t) {
            *l = Some((t, ctime_uncached(t)));
        }
        match &*l {
            Some((_, Some(v))) => {
                out.extend_from_slice(v.as_bytes());
                true
            }
            _ => false,
        }
    })
}

thread_local! {
    static CTIME_LAST: std::cell::RefCell<Option<(i64, Option<String>)>> =
        const { std::cell::RefCell::new(None) };
}

fn ctime_uncached(t: i64) -> Option<String> {
    let tm = localtime_opt(t)?;
    let day = DAYS.get(tm.wday as usize).copied().unwrap_or("???");
    let mon = MONTHS.get(tm.mon as usize).copied().unwrap_or("???");
    Some(format!(
        "{day} {mon}{:3} {:02}:{:02}:{:02} {}\n",
        tm.mday,
        tm.hour,
        tm.min,
        tm.sec,
        tm.year as i64 + 1900
    ))
}
