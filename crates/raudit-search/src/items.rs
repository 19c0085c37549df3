//! The per-event values ausearch extracts to decide whether an event matches.
//!
//! [`extract_search_items`] walks an event's records in arrival order and, per
//! record type, pulls out the values the active criteria need, behaving like
//! ausearch 3.0.9 down to its quirks:
//!
//! - values are found by plain substring search from a moving position, so a
//!   search may land on another field (`uid=` inside `auid=`, `obj=` inside
//!   `subj=`) exactly where ausearch's would;
//! - numbers are converted with C `strtoul`/`strtoll` rules, truncated to the C
//!   field widths; only an out-of-range number is an error;
//! - a later record overrides (or, for file names, keys and contexts, appends
//!   to) what an earlier one set;
//! - a record whose parser fails makes the whole event fail (`Err(rc)` with
//!   ausearch's return code), so such events never match;
//! - the two places where ausearch rewrites the record text for good (an AVC
//!   permission list closed without a space, `terminal=…)` in a user record) are
//!   reported as [`Patch`]es, because the rewritten text is what ausearch prints.
//!
//! Extraction does only the work the criteria ask for; most runs set none or one
//! criterion, and then only the few fields every run checks are looked at.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;
use std::net::Ipv4Addr;

use raudit_logfmt::num::{strtol, strtoul};
use raudit_logfmt::{Event, KEY_SEPARATOR};

use crate::avc::{AvcEntry, AvcResult};
use crate::criteria::{Criteria, ReportFormat, Success};
use crate::strings::{c_str, chr_from, find_from, unescape, unhex_raw};

/// [`SearchItems::success`] value when no record said anything about success.
pub const SUCCESS_UNSET: i32 = -1;
/// [`SearchItems::success`] value for a failed event.
pub const SUCCESS_FAILED: i32 = 0;
/// [`SearchItems::success`] value for a successful event.
pub const SUCCESS_YES: i32 = 1;

/// Record types the extraction distinguishes (kernel and libaudit numbers).
mod t {
    pub const USER: i32 = 1005;
    pub const LOGIN: i32 = 1006;
    pub const FIRST_USER_MSG: i32 = 1100;
    pub const USER_END: i32 = 1106;
    pub const USER_AVC: i32 = 1107;
    pub const USER_CHAUTHTOK: i32 = 1108;
    pub const ADD_GROUP: i32 = 1116;
    pub const DEL_GROUP: i32 = 1117;
    pub const GRP_MGMT: i32 = 1132;
    pub const LAST_USER_MSG: i32 = 1199;
    pub const DAEMON_START: i32 = 1200;
    pub const DAEMON_END: i32 = 1201;
    pub const DAEMON_ABORT: i32 = 1202;
    pub const DAEMON_CONFIG: i32 = 1203;
    pub const DAEMON_ROTATE: i32 = 1205;
    pub const DAEMON_RESUME: i32 = 1206;
    pub const DAEMON_ACCEPT: i32 = 1207;
    pub const DAEMON_CLOSE: i32 = 1208;
    pub const SYSCALL: i32 = 1300;
    pub const PATH: i32 = 1302;
    pub const IPC: i32 = 1303;
    pub const CONFIG_CHANGE: i32 = 1305;
    pub const SOCKADDR: i32 = 1306;
    pub const CWD: i32 = 1307;
    pub const EXECVE: i32 = 1309;
    pub const IPC_SET_PERM: i32 = 1311;
    pub const MQ_OPEN: i32 = 1312;
    pub const MQ_GETSETATTR: i32 = 1315;
    pub const FD_PAIR: i32 = 1317;
    pub const OBJ_PID: i32 = 1318;
    pub const TTY: i32 = 1319;
    pub const BPRM_FCAPS: i32 = 1321;
    pub const CAPSET: i32 = 1322;
    pub const MMAP: i32 = 1323;
    pub const NETFILTER_PKT: i32 = 1324;
    pub const NETFILTER_CFG: i32 = 1325;
    pub const SECCOMP: i32 = 1326;
    pub const PROCTITLE: i32 = 1327;
    pub const FEATURE_CHANGE: i32 = 1328;
    pub const REPLACE: i32 = 1329;
    pub const BPF: i32 = 1334;
    pub const EVENT_LISTENER: i32 = 1335;
    pub const OPENAT2: i32 = 1337;
    pub const AVC: i32 = 1400;
    pub const SELINUX_ERR: i32 = 1401;
    pub const AVC_PATH: i32 = 1402;
    pub const MAC_POLICY_LOAD: i32 = 1403;
    pub const MAC_UNLBL_STCDEL: i32 = 1417;
    pub const ANOM_PROMISCUOUS: i32 = 1700;
    pub const ANOM_ABEND: i32 = 1701;
    pub const ANOM_LINK: i32 = 1702;
    pub const INTEGRITY_DATA: i32 = 1800;
    pub const INTEGRITY_RULE: i32 = 1805;
    pub const KERNEL: i32 = 2000;
    pub const FIRST_USER_MSG2: i32 = 2100;
    pub const VIRT_RESOURCE: i32 = 2501;
    pub const VIRT_MACHINE_ID: i32 = 2502;
    pub const LAST_USER_MSG2: i32 = 2999;
}

/// ausearch skips this many bytes of a CWD or PATH record before searching it.
const NAME_OFFSET: usize = 28;
/// `PATH_MAX`: a relative path joined to the cwd is cut to this size minus one.
const PATH_MAX: usize = 4096;

/// A lasting change ausearch makes to a record's text while extracting (it writes a
/// byte back that was not there). Apply it before printing the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Patch {
    /// Index of the record in the event (arrival order).
    pub record: usize,
    /// Byte offset in the record's `msg`.
    pub offset: usize,
    /// The byte now at that offset.
    pub byte: u8,
}

/// What ausearch's `search_items` holds for one event: the values found for the
/// active criteria, with ausearch's "unset" values (and C widths) elsewhere.
///
/// Strings borrow from the event where they can. The interpreted user names
/// (`tuid`, `teuid`, `tauid`) are only filled in when a criterion names a user.
#[derive(Debug, Clone)]
pub struct SearchItems<'a> {
    /// Parent pid, -1 unset.
    pub ppid: i32,
    /// Pid, -1 unset.
    pub pid: i32,
    /// Uid, `u32::MAX` unset.
    pub uid: u32,
    /// Effective uid, `u32::MAX` unset.
    pub euid: u32,
    /// Login uid, `(-2i32) as u32` unset.
    pub loginuid: u32,
    /// Gid, `u32::MAX` unset.
    pub gid: u32,
    /// Effective gid, `u32::MAX` unset.
    pub egid: u32,
    /// [`SUCCESS_UNSET`], [`SUCCESS_FAILED`], [`SUCCESS_YES`], or whatever number a
    /// `res=` field held (ausearch stores `strtoul` of it).
    pub success: i32,
    /// `arch=` of the SYSCALL (or SECCOMP) record, 0 unset.
    pub arch: i32,
    /// Syscall number, 0 unset.
    pub syscall: i32,
    /// Session id, `(-2i32) as u32` unset.
    pub session_id: u32,
    /// Syscall exit value (valid when `exit_is_set`).
    pub exit: i64,
    /// `exit=` was extracted.
    pub exit_is_set: bool,
    /// Remote host name or address.
    pub hostname: Option<Cow<'a, [u8]>>,
    /// File names in record order; `Some(empty)` is possible (see the crate notes).
    pub filenames: Option<Vec<Cow<'a, [u8]>>>,
    /// Working directory.
    pub cwd: Option<Cow<'a, [u8]>>,
    /// Executable.
    pub exe: Option<Cow<'a, [u8]>>,
    /// Keys (a `key=` value split at the key separator), in record order.
    pub keys: Option<Vec<Cow<'a, [u8]>>>,
    /// Terminal.
    pub terminal: Option<Cow<'a, [u8]>>,
    /// Command name.
    pub comm: Option<Cow<'a, [u8]>>,
    /// Security contexts and AVC entries.
    pub avc: Vec<AvcEntry<'a>>,
    /// `acct=` of a user-space record.
    pub acct: Option<Cow<'a, [u8]>>,
    /// Virtual machine uuid.
    pub uuid: Option<Cow<'a, [u8]>>,
    /// Virtual machine name.
    pub vmname: Option<Cow<'a, [u8]>>,
    /// Name of `uid`.
    pub tuid: Option<Vec<u8>>,
    /// Name of `euid`.
    pub teuid: Option<Vec<u8>>,
    /// Name of `loginuid`.
    pub tauid: Option<Vec<u8>>,
    /// Lasting changes made to record texts (see [`Patch`]).
    pub patches: Vec<Patch>,
    /// Indexes into `filenames` of the names whose PATH record ends with
    /// `type=PARENT` (ausearch keeps the text after a PATH name's `type=` as the
    /// name's key; aureport's file report skips leading names keyed `PARENT`).
    pub parent_names: Vec<usize>,
}

impl Default for SearchItems<'_> {
    fn default() -> Self {
        SearchItems {
            ppid: -1,
            pid: -1,
            uid: u32::MAX,
            euid: u32::MAX,
            loginuid: (-2i32) as u32,
            gid: u32::MAX,
            egid: u32::MAX,
            success: SUCCESS_UNSET,
            arch: 0,
            syscall: 0,
            session_id: (-2i32) as u32,
            exit: 0,
            exit_is_set: false,
            hostname: None,
            filenames: None,
            cwd: None,
            exe: None,
            keys: None,
            terminal: None,
            comm: None,
            avc: Vec::new(),
            acct: None,
            uuid: None,
            vmname: None,
            tuid: None,
            teuid: None,
            tauid: None,
            patches: Vec::new(),
            parent_names: Vec::new(),
        }
    }
}

/// Cached uid → user name lookups (the password database through `getpwuid_r`),
/// shared across events.
pub struct UserNames {
    cache: HashMap<u32, Option<Vec<u8>>>,
    resolve: Box<dyn FnMut(u32) -> Option<Vec<u8>>>,
}

impl std::fmt::Debug for UserNames {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserNames")
            .field("cached", &self.cache.len())
            .finish()
    }
}

impl Default for UserNames {
    fn default() -> Self {
        UserNames::new()
    }
}

impl UserNames {
    /// Looks names up in the system's password database.
    pub fn new() -> UserNames {
        UserNames::with_resolver(|uid| {
            nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
                .ok()
                .flatten()
                .map(|u| u.name.into_bytes())
        })
    }

    /// Looks names up with `f` instead (tests, or a fixed table).
    pub fn with_resolver(f: impl FnMut(u32) -> Option<Vec<u8>> + 'static) -> UserNames {
        UserNames {
            cache: HashMap::new(),
            resolve: Box::new(f),
        }
    }

    /// The user name of `uid`, if the database has one.
    pub fn name(&mut self, uid: u32) -> Option<&[u8]> {
        let resolve = &mut self.resolve;
        self.cache
            .entry(uid)
            .or_insert_with(|| resolve(uid))
            .as_deref()
    }
}

/// The name/value pairs of one record's ENRICHED tail, as auparse loads them for
/// `_auparse_lookup_interpretation`: space-separated `NAME=value` tokens (tokens
/// without `=` are skipped), names compared in lower case; a tail starting with
/// `SADDR=` is a single `saddr` pair whose value runs from the `{` to the end.
#[derive(Debug, Clone)]
pub struct Interpretations<'a> {
    pairs: Vec<(&'a [u8], &'a [u8])>,
}

impl<'a> Interpretations<'a> {
    /// Loads a tail; `None` when it yields no pair (auparse then treats the list as
    /// never loaded).
    pub fn load(tail: &'a [u8]) -> Option<Interpretations<'a>> {
        let tail = c_str(tail);
        let mut pairs = Vec::new();
        if let Some(after) = tail.strip_prefix(b"SADDR=") {
            let open = memchr::memchr(b'{', after)?;
            let val = &after[open..];
            memchr::memchr(b'}', val)?;
            pairs.push((&b"saddr"[..], val));
        } else {
            for tok in tail.split(|&c| c == b' ').filter(|t| !t.is_empty()) {
                if let Some(eq) = memchr::memchr(b'=', tok) {
                    pairs.push((&tok[..eq], &tok[eq + 1..]));
                }
            }
        }
        (!pairs.is_empty()).then_some(Interpretations { pairs })
    }

    /// The raw interpreted value of the first pair called `name` (lower case).
    pub fn raw(&self, name: &[u8]) -> Option<&'a [u8]> {
        if name.iter().any(u8::is_ascii_uppercase) {
            return None;
        }
        self.pairs
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|&(_, v)| v)
    }

    /// `_auparse_lookup_interpretation(name)`: the value of the first pair called
    /// `name`; for names containing `id` the value is unquoted (or hex-decoded) as
    /// auparse's `print_escaped` does, otherwise returned as is.
    pub fn lookup(&self, name: &[u8]) -> Option<Vec<u8>> {
        let v = self.raw(name)?;
        if memchr::memmem::find(name, b"id").is_some() {
            Some(print_escaped(v))
        } else {
            Some(v.to_vec())
        }
    }
}

/// `_auparse_lookup_interpretation` over one ENRICHED tail (see [`Interpretations`]).
pub fn lookup_interpretation(tail: &[u8], name: &[u8]) -> Option<Vec<u8>> {
    Interpretations::load(tail)?.lookup(name)
}

/// auparse's `print_escaped`: a quoted value up to its closing quote (a lone space
/// when unclosed), else the hex-decoded value (skipping a leading `00`), else the
/// value unchanged.
fn print_escaped(v: &[u8]) -> Vec<u8> {
    if let Some(inner) = v.strip_prefix(b"\"") {
        return match memchr::memchr(b'"', inner) {
            Some(q) => inner[..q].to_vec(),
            None => b" ".to_vec(),
        };
    }
    let src = v.strip_prefix(b"00").unwrap_or(v);
    unescape(src).unwrap_or_else(|| v.to_vec())
}

/// Why a record made extraction fail.
#[derive(Debug, Clone, Copy)]
struct Fail {
    rc: i32,
    /// ausearch had written a NUL here when it gave up, so its diagnostic shows the
    /// record text only up to this offset.
    cut: Option<usize>,
}

fn fail(rc: i32) -> Fail {
    Fail { rc, cut: None }
}

fn fail_at(rc: i32, at: usize) -> Fail {
    Fail { rc, cut: Some(at) }
}

type Res = Result<(), Fail>;

/// A value that may be missing (a failed decode), and where the search goes on.
type Found<'a, P> = Result<(Option<Cow<'a, [u8]>>, P), Fail>;

/// The text of the record being parsed; copied only if ausearch would modify it.
struct Msg<'a> {
    text: Cow<'a, [u8]>,
    index: usize,
    rtype: i32,
}

impl<'a> Msg<'a> {
    #[inline]
    fn len(&self) -> usize {
        self.text.len()
    }

    /// Byte at `i`, NUL past the end (as the C string would read).
    #[inline]
    fn at(&self, i: usize) -> u8 {
        self.text.get(i).copied().unwrap_or(0)
    }

    #[inline(always)]
    fn find(&self, from: usize, pat: &[u8]) -> Option<usize> {
        find_from(&self.text, from, pat)
    }

    #[inline]
    fn chr(&self, from: usize, c: u8) -> Option<usize> {
        chr_from(&self.text, from, c)
    }

    /// `text[a..b]`, borrowed from the event when the text is still the original.
    fn val(&self, a: usize, b: usize) -> Cow<'a, [u8]> {
        let a = a.min(self.len());
        let b = b.clamp(a, self.len());
        match &self.text {
            Cow::Borrowed(s) => {
                let s: &'a [u8] = s;
                Cow::Borrowed(&s[a..b])
            }
            Cow::Owned(v) => Cow::Owned(v[a..b].to_vec()),
        }
    }

    /// `text[a..]`.
    fn rest(&self, a: usize) -> Cow<'a, [u8]> {
        self.val(a, self.len())
    }

    fn tail(&self, a: usize) -> &[u8] {
        self.text.get(a..).unwrap_or(&[])
    }

    fn slice(&self, a: usize, b: usize) -> &[u8] {
        let a = a.min(self.len());
        let b = b.clamp(a, self.len());
        &self.text[a..b]
    }

    /// C `strtoul(text[a..b], 10)`: `None` when it would set `ERANGE`.
    fn ul(&self, a: usize, b: usize) -> Option<u64> {
        let c = strtoul(self.slice(a, b), 10);
        (!c.overflow).then_some(c.value)
    }

    /// Writes `byte` at `i` for good, recording a patch when the text changes.
    fn poke(&mut self, i: usize, byte: u8, patches: &mut Vec<Patch>) {
        if i < self.len() && self.text[i] != byte {
            self.text.to_mut()[i] = byte;
            patches.push(Patch {
                record: self.index,
                offset: i,
                byte,
            });
        }
    }
}

/// Which criteria are active, in the terms the parsers test them.
#[derive(Debug, Clone, Copy)]
struct Want {
    ppid: bool,
    pid: bool,
    /// Numeric uid criterion (`event_uid != -1`).
    uid_num: bool,
    /// uid by number or name.
    uid: bool,
    euid: bool,
    auid: bool,
    gid: bool,
    egid: bool,
    terminal: bool,
    ses: bool,
    comm: bool,
    exe: bool,
    subj: bool,
    obj: bool,
    success: bool,
    key: bool,
    file: bool,
    host: bool,
    vm: bool,
    uuid: bool,
    exit: bool,
    arch: bool,
    /// A user name criterion: user names must be looked up.
    names: bool,
}

impl Want {
    fn new(c: &Criteria) -> Want {
        let names = c.tuid.is_some() || c.teuid.is_some() || c.tauid.is_some();
        Want {
            ppid: c.ppid != -1,
            pid: c.pid != -1,
            uid_num: c.uid != u32::MAX,
            uid: c.uid != u32::MAX || c.tuid.is_some(),
            euid: c.euid != u32::MAX || c.teuid.is_some(),
            auid: c.loginuid != (-2i32) as u32 || c.tauid.is_some(),
            gid: c.gid != u32::MAX,
            egid: c.egid != u32::MAX,
            terminal: c.terminal.is_some(),
            ses: c.session_id != (-2i32) as u32,
            comm: c.comm.is_some(),
            exe: c.exe.is_some(),
            subj: c.subject.is_some(),
            obj: c.object.is_some(),
            success: c.success != Success::Unset,
            key: c.key.is_some(),
            file: c.filename.is_some(),
            host: c.hostname.is_some(),
            vm: c.vmname.is_some(),
            uuid: c.uuid.is_some(),
            exit: c.exit_is_set,
            arch: c.format > ReportFormat::Default || c.machine != -1,
            names,
        }
    }
}

/// Which uid a name was (or would have been) looked up for.
#[derive(Debug, Clone, Copy)]
enum Looked {
    Never,
    For(u32),
}

struct Extractor<'a, 'u> {
    w: Want,
    s: SearchItems<'a>,
    interp: Option<Interpretations<'a>>,
    users: &'u mut UserNames,
    uid_looked: Looked,
    auid_looked: Looked,
    diag: &'u mut dyn Write,
}

/// Returns `Ok(items)`, or `Err(rc)` exactly when ausearch's `extract_search_items`
/// returns a non-zero `rc` (the event then never matches).
///
/// With `crit.debug`, writes ausearch's `--debug` diagnostics (`Unparsed type:…`,
/// `Malformed event skipped, rc=…`) to `diag`. The SOCKADDR length complaints
/// (`sockaddr len too short`, …) go to `diag` whatever `crit.debug` says, as
/// ausearch prints them unconditionally.
pub fn extract_search_items<'a>(
    ev: &'a Event,
    crit: &Criteria,
    users: &mut UserNames,
    diag: &mut dyn Write,
) -> Result<SearchItems<'a>, i32> {
    let w = Want::new(crit);
    // ausearch loads the first record's interpretations for user name criteria when
    // the event has one record or starts with a SYSCALL record.
    let interp = if w.names && (ev.len() == 1 || ev.record(0).map(|r| r.rtype) == Some(t::SYSCALL))
    {
        ev.record(0)
            .and_then(|r| r.interp)
            .and_then(Interpretations::load)
    } else {
        None
    };
    let mut ex = Extractor {
        w,
        s: SearchItems::default(),
        interp,
        users,
        uid_looked: Looked::Never,
        auid_looked: Looked::Never,
        diag,
    };
    for (index, rec) in ev.records().enumerate() {
        let mut m = Msg {
            // Record text never contains NUL (see `Event::push`).
            text: Cow::Borrowed(rec.msg),
            index,
            rtype: rec.rtype,
        };
        if let Err(f) = ex.record(&mut m, crit.debug) {
            if crit.debug {
                let shown = match f.cut {
                    Some(c) => m.slice(0, c),
                    None => &m.text[..],
                };
                let _ = write!(ex.diag, "Malformed event skipped, rc={}. ", f.rc);
                let _ = ex.diag.write_all(shown);
                let _ = ex.diag.write_all(b"\n");
            }
            return Err(f.rc);
        }
    }
    Ok(ex.s)
}

/// Record types that can give their event a key: only the parsers of
/// SYSCALL, CONFIG_CHANGE and the MAC records (`simple_message`) read `key=`
/// (checked for every type in the tests). Lets a `-k` search skip the others.
const fn key_type(rtype: i32) -> bool {
    matches!(
        rtype,
        t::SYSCALL | t::CONFIG_CHANGE | t::MAC_POLICY_LOAD..=t::MAC_UNLBL_STCDEL
    )
}

/// Record types that can give their event a pid: the types whose
/// parser reads `pid=` (see [`Extractor::record`]; checked for every type in the
/// tests). PATH, CWD, EXECVE, PROCTITLE, SOCKADDR… never do.
const fn pid_type(rtype: i32) -> bool {
    matches!(
        rtype,
        t::SYSCALL
            | t::FEATURE_CHANGE
            | t::ANOM_LINK
            | t::USER
            | t::FIRST_USER_MSG..=t::USER_END
            | t::USER_CHAUTHTOK..=t::LAST_USER_MSG
            | t::FIRST_USER_MSG2..=t::LAST_USER_MSG2
            | t::LOGIN
            | t::DAEMON_START
            | t::DAEMON_END
            | t::DAEMON_ABORT
            | t::DAEMON_CONFIG
            | t::DAEMON_ROTATE
            | t::DAEMON_RESUME
            | t::AVC
            | t::USER_AVC
            | t::SECCOMP
            | t::ANOM_PROMISCUOUS
            | t::ANOM_ABEND
            | t::INTEGRITY_DATA..=t::INTEGRITY_RULE
            | t::NETFILTER_CFG
            | t::EVENT_LISTENER
            | t::TTY
    )
}

/// Record types below this bound are in the tables below; none above reads a key
/// or a pid.
const TYPE_TABLE: usize = 3072;

/// A bit per record type below [`TYPE_TABLE`], set where `pid_type` (`pid`) or
/// `key_type` says so.
const fn type_bits(pid: bool) -> [u64; TYPE_TABLE / 64] {
    let mut bits = [0u64; TYPE_TABLE / 64];
    let mut t = 0;
    while t < TYPE_TABLE {
        if (pid && pid_type(t as i32)) || (!pid && key_type(t as i32)) {
            bits[t / 64] |= 1 << (t % 64);
        }
        t += 1;
    }
    bits
}

static KEY_TYPES: [u64; TYPE_TABLE / 64] = type_bits(false);
static PID_TYPES: [u64; TYPE_TABLE / 64] = type_bits(true);

#[inline(always)]
fn in_bits(bits: &[u64; TYPE_TABLE / 64], rtype: i32) -> bool {
    let t = rtype as u32 as usize;
    t < TYPE_TABLE && bits[t / 64] >> (t % 64) & 1 != 0
}

/// Whether a record of type `rtype` can give its event a key (see `key_type`);
/// a table lookup, for the prefilter's per-line test.
#[inline]
pub fn record_may_give_key(rtype: i32) -> bool {
    in_bits(&KEY_TYPES, rtype)
}

/// Whether a record of type `rtype` can give its event a pid (see `pid_type`).
#[inline]
pub fn record_may_give_pid(rtype: i32) -> bool {
    in_bits(&PID_TYPES, rtype)
}

impl<'a> Extractor<'a, '_> {
    /// Dispatches one record to its parser.
    fn record(&mut self, m: &mut Msg<'a>, debug: bool) -> Res {
        match m.rtype {
            t::SYSCALL => self.syscall(m),
            t::CWD => self.dir(m),
            t::AVC_PATH => self.avc_path(m),
            t::PATH => self.path(m),
            t::USER
            | t::FIRST_USER_MSG..=t::USER_END
            | t::USER_CHAUTHTOK..=t::LAST_USER_MSG
            | t::FIRST_USER_MSG2..=t::LAST_USER_MSG2 => self.user(m, None),
            t::SOCKADDR => self.sockaddr(m),
            t::LOGIN => self.login(m),
            t::IPC | t::OBJ_PID => self.obj(m),
            t::DAEMON_START
            | t::DAEMON_END
            | t::DAEMON_ABORT
            | t::DAEMON_CONFIG
            | t::DAEMON_ROTATE
            | t::DAEMON_RESUME => self.daemon1(m),
            t::DAEMON_ACCEPT | t::DAEMON_CLOSE => self.daemon2(m),
            t::CONFIG_CHANGE => {
                let r = self.simple_message(m);
                // ausearch also looks for a path here and ignores the outcome.
                let _ = self.avc_path(m);
                r
            }
            t::AVC | t::USER_AVC => self.avc(m),
            t::NETFILTER_PKT => self.pkt(m),
            t::FEATURE_CHANGE | t::ANOM_LINK => self.task_info(m),
            t::SECCOMP | t::ANOM_PROMISCUOUS | t::ANOM_ABEND => self.kernel_anom(m),
            t::MAC_POLICY_LOAD..=t::MAC_UNLBL_STCDEL => self.simple_message(m),
            t::INTEGRITY_DATA..=t::INTEGRITY_RULE => self.integrity(m),
            t::KERNEL
            | t::SELINUX_ERR
            | t::EXECVE
            | t::IPC_SET_PERM
            | t::MQ_OPEN..=t::MQ_GETSETATTR
            | t::FD_PAIR
            | t::BPRM_FCAPS
            | t::CAPSET
            | t::MMAP
            | t::PROCTITLE
            | t::REPLACE..=t::BPF
            | t::OPENAT2 => Ok(()),
            t::NETFILTER_CFG | t::EVENT_LISTENER => self.kernel(m),
            t::TTY => self.tty(m),
            other => {
                if debug {
                    let _ = write!(self.diag, "Unparsed type:{other}\n - skipped");
                }
                Ok(())
            }
        }
    }

    // ----- user names -------------------------------------------------------

    /// ausearch's `lookup_uid`: the first record's interpretation, else root/unset,
    /// else the password database.
    fn lookup_uid(&mut self, field: &[u8], uid: u32) -> Option<Vec<u8>> {
        if let Some(v) = self.interp.as_ref().and_then(|i| i.lookup(field)) {
            return Some(v);
        }
        match uid {
            0 => Some(b"root".to_vec()),
            u32::MAX => Some(b"unset".to_vec()),
            _ => self.users.name(uid).map(<[u8]>::to_vec),
        }
    }

    fn set_tuid(&mut self) {
        self.uid_looked = Looked::For(self.s.uid);
        if self.w.names {
            self.s.tuid = self.lookup_uid(b"uid", self.s.uid);
        }
    }

    fn set_tauid(&mut self) {
        self.auid_looked = Looked::For(self.s.loginuid);
        if self.w.names {
            self.s.tauid = self.lookup_uid(b"auid", self.s.loginuid);
        }
    }

    fn set_teuid(&mut self) {
        if self.w.names {
            self.s.teuid = self.lookup_uid(b"euid", self.s.euid);
        }
    }

    /// Whether ausearch would hold a name for uid (or auid) at this point.
    fn has_name(&mut self, auid: bool) -> bool {
        if self.w.names {
            return if auid {
                self.s.tauid.is_some()
            } else {
                self.s.tuid.is_some()
            };
        }
        // Without name criteria no interpretation is loaded, so the lookup that
        // would have happened depends on the uid alone.
        match if auid {
            self.auid_looked
        } else {
            self.uid_looked
        } {
            Looked::Never => false,
            Looked::For(0) | Looked::For(u32::MAX) => true,
            Looked::For(u) => self.users.name(u).is_some(),
        }
    }

    // ----- shared pieces ----------------------------------------------------

    fn push_subject(&mut self, v: Cow<'a, [u8]>) {
        self.s.avc.push(AvcEntry::subject(v));
    }

    fn push_object(&mut self, v: Cow<'a, [u8]>) {
        self.s.avc.push(AvcEntry::object(v));
    }

    /// A `key=` value at `p`: quoted (one key) or hex-encoded keys separated by the
    /// key separator. Returns the closing quote's position for a quoted key.
    fn keys(
        &mut self,
        m: &Msg<'a>,
        p: usize,
        rc_quote: i32,
        rc_hex: i32,
    ) -> Result<Option<usize>, Fail> {
        let list = self.s.keys.get_or_insert_with(Vec::new);
        if m.at(p) == b'"' {
            let q = m.chr(p + 1, b'"').ok_or(fail(rc_quote))?;
            list.push(m.val(p + 1, q));
            return Ok(Some(q));
        } else {
            let raw = unescape(m.tail(p)).ok_or(fail(rc_hex))?;
            list.extend(
                raw.split(|&c| c == KEY_SEPARATOR)
                    .filter(|k| !k.is_empty())
                    .map(|k| Cow::Owned(k.to_vec())),
            );
        }
        Ok(None)
    }

    /// ausearch's `common_path_parser` for a file name value at `p`.
    fn path_value(&mut self, m: &Msg<'a>, p: usize) -> Res {
        let list = self.s.filenames.get_or_insert_with(Vec::new);
        let name = if m.at(p) == b'"' {
            let q = m.chr(p + 1, b'"').ok_or(fail(2))?;
            m.val(p + 1, q)
        } else {
            let rest = m.tail(p);
            if rest.starts_with(b"(null)") {
                list.push(Cow::Borrowed(b"(null)"));
                return Ok(());
            }
            if !m.at(p).is_ascii_hexdigit() {
                return Err(fail(4));
            }
            let decoded = if rest.starts_with(b"00") {
                unescape(&rest[2..]) // abstract socket name
            } else {
                let sp = m.chr(p, b' ').ok_or(fail(5))?;
                unescape(m.slice(p, sp))
            };
            Cow::Owned(decoded.ok_or(fail(7))?)
        };
        let relative = name.first() == Some(&b'.') && matches!(name.get(1), Some(b'.' | b'/'));
        let name = match (self.s.cwd.as_deref(), relative) {
            (Some(cwd), true) => {
                let mut joined = Vec::with_capacity(cwd.len() + 1 + name.len());
                joined.extend_from_slice(cwd);
                joined.push(b'/');
                joined.extend_from_slice(&name);
                joined.truncate(PATH_MAX - 1);
                Cow::Owned(joined)
            }
            _ => name,
        };
        self.s.filenames.get_or_insert_with(Vec::new).push(name);
        Ok(())
    }

    /// A quoted value after `p` (Err(rc) when the quote is not closed), else a
    /// hex-encoded one. Returns the value and the closing quote's position.
    fn quoted_or_hex(m: &Msg<'a>, p: usize, rc: i32) -> Found<'a, Option<usize>> {
        if m.at(p) == b'"' {
            let q = m.chr(p + 1, b'"').ok_or(fail(rc))?;
            Ok((Some(m.val(p + 1, q)), Some(q)))
        } else {
            Ok((unescape(m.tail(p)).map(Cow::Owned), None))
        }
    }

    /// User-space style value at `p`: quoted (Err(rc) if unclosed), else up to the
    /// next space, hex-decoded when it is all hex digits and taken as is otherwise.
    /// Returns the value and the new search position.
    fn quoted_or_legacy(m: &Msg<'a>, p: usize, rc: i32) -> Found<'a, usize> {
        if m.at(p) == b'"' {
            let q = m.chr(p + 1, b'"').ok_or(fail(rc))?;
            Ok((Some(m.val(p + 1, q)), q))
        } else {
            let end = m.chr(p, b' ').unwrap_or(m.len());
            let word = m.slice(p, end);
            let v = if word.iter().all(u8::is_ascii_hexdigit) {
                unescape(m.tail(p)).map(Cow::Owned)
            } else {
                Some(m.val(p, end))
            };
            Ok((v, end))
        }
    }

    // ----- record parsers ---------------------------------------------------

    /// ausearch's `parse_task_info` (SYSCALL, FEATURE_CHANGE, ANOM_LINK).
    fn task_info(&mut self, m: &mut Msg<'a>) -> Res {
        let w = self.w;
        let mut term = 0usize;
        if w.ppid {
            if let Some(s) = m.find(term, b"ppid=") {
                let p = s + 5;
                term = m.chr(p, b' ').ok_or(fail(14))?;
                self.s.ppid = m.ul(p, term).ok_or(fail_at(15, term))? as i32;
            }
        }
        if w.pid {
            let s = m.find(term, b" pid=").ok_or(fail(16))?;
            let p = s + 5;
            term = m.chr(p, b' ').ok_or(fail(17))?;
            self.s.pid = m.ul(p, term).ok_or(fail_at(18, term))? as i32;
        }
        if w.auid {
            let p = match m.find(term, b"auid=") {
                Some(s) => s + 5,
                None => m.find(term, b"loginuid=").ok_or(fail(19))? + 9,
            };
            term = m.chr(p, b' ').ok_or(fail(20))?;
            self.s.loginuid = m.ul(p, term).ok_or(fail_at(21, term))? as u32;
            self.set_tauid();
        }
        if w.uid {
            let s = loop {
                let s = m.find(term, b"uid=").ok_or(fail(22))?;
                if s > 0 && m.at(s - 1) == b'a' {
                    term = s + 1;
                    continue;
                }
                break s;
            };
            let p = s + 4;
            term = m.chr(p, b' ').ok_or(fail(23))?;
            self.s.uid = m.ul(p, term).ok_or(fail_at(24, term))? as u32;
            self.set_tuid();
        }
        if w.gid {
            let p = m.find(term, b"gid=").ok_or(fail(25))? + 4;
            term = m.chr(p, b' ').ok_or(fail(26))?;
            self.s.gid = m.ul(p, term).ok_or(fail_at(27, term))? as u32;
        }
        if w.euid {
            let p = m.find(term, b"euid=").ok_or(fail(28))? + 5;
            term = m.chr(p, b' ').ok_or(fail(29))?;
            self.s.euid = m.ul(p, term).ok_or(fail_at(30, term))? as u32;
            self.set_teuid();
        }
        if w.egid {
            let p = m.find(term, b"egid=").ok_or(fail(31))? + 5;
            term = m.chr(p, b' ').ok_or(fail(32))?;
            self.s.egid = m.ul(p, term).ok_or(fail_at(33, term))? as u32;
        }
        if w.terminal {
            if let Some(s) = m.find(term, b"tty=") {
                let p = s + 4;
                term = m.chr(p, b' ').ok_or(fail(34))?;
                self.s.terminal = Some(m.val(p, term));
            }
        }
        if w.ses {
            if let Some(s) = m.find(term, b"ses=") {
                let p = s + 4;
                term = m.chr(p, b' ').ok_or(fail(35))?;
                self.s.session_id = m.ul(p, term).ok_or(fail_at(36, term))? as u32;
            }
        }
        if w.comm {
            let s = m.find(term, b"comm=").ok_or(fail(38))?;
            // The SYSCALL value replaces any earlier one.
            self.s.comm = None;
            let (v, q) = Self::quoted_or_hex(m, s + 5, 37)?;
            self.s.comm = v;
            if let Some(q) = q {
                term = q;
            }
        }
        if w.exe {
            // Searched from the start of the record.
            let s = m.find(0, b"exe=").ok_or(fail(40))?;
            let (v, q) = Self::quoted_or_hex(m, s + 4, 39)?;
            self.s.exe = v;
            if let Some(q) = q {
                term = q;
            }
        }
        if w.subj {
            if let Some(s) = m.find(term, b"subj=") {
                let p = s + 5;
                term = m.chr(p, b' ').ok_or(fail(41))?;
                self.push_subject(m.val(p, term));
            }
        }
        if w.success {
            if let Some(s) = m.find(term, b"res=") {
                let p = s + 4;
                let end = m.chr(p, b' ');
                let c = strtoul(m.slice(p, end.unwrap_or(m.len())), 10);
                if c.overflow {
                    return Err(Fail { rc: 43, cut: end });
                }
                self.s.success = c.value as i32;
            }
        }
        Ok(())
    }

    /// ausearch's `parse_syscall`.
    fn syscall(&mut self, m: &mut Msg<'a>) -> Res {
        let w = self.w;
        let mut term = 0usize;
        if w.arch {
            let p = m.find(term, b"arch=").ok_or(fail(1))? + 5;
            term = m.chr(p, b' ').ok_or(fail(2))?;
            let c = strtoul(m.slice(p, term), 16);
            if c.overflow {
                return Err(fail_at(3, term));
            }
            self.s.arch = c.value as i32;
        }
        let p = m.find(term, b"syscall=").ok_or(fail(4))? + 8;
        term = m.chr(p, b' ').ok_or(fail(5))?;
        self.s.syscall = m.ul(p, term).ok_or(fail_at(6, term))? as i32;
        if w.success {
            // exit_group has no success field.
            if let Some(s) = m.find(term, b"success=") {
                let p = s + 8;
                term = m.chr(p, b' ').ok_or(fail(7))?;
                self.s.success = if m.slice(p, term) == b"yes" {
                    SUCCESS_YES
                } else {
                    SUCCESS_FAILED
                };
            }
        }
        if w.exit {
            let p = m.find(term, b"exit=").ok_or(fail(8))? + 5;
            term = m.chr(p, b' ').ok_or(fail(9))?;
            let c = strtol(m.slice(p, term), 0);
            if c.overflow {
                return Err(fail_at(10, term));
            }
            self.s.exit = c.value;
            self.s.exit_is_set = true;
        }
        for arg in [&b"a0="[..], b"a1="] {
            let p = m.find(term, arg).ok_or(fail(11))? + 3;
            term = m.chr(p, b' ').ok_or(fail(12))?;
            if strtoul(m.slice(p, term), 16).overflow {
                return Err(fail_at(13, term));
            }
        }
        self.task_info(m)?;
        if w.key {
            if let Some(s) = m.find(term, b"key=") {
                self.keys(m, s + 4, 44, 45)?;
            }
        }
        Ok(())
    }

    /// ausearch's `parse_dir` (CWD).
    fn dir(&mut self, m: &mut Msg<'a>) -> Res {
        if self.w.file {
            if let Some(s) = m.find(NAME_OFFSET, b" cwd=") {
                let p = s + 5;
                if m.at(p) == b'"' {
                    let q = m.chr(p + 1, b'"').ok_or(fail(1))?;
                    if self.s.cwd.is_none() {
                        self.s.cwd = Some(m.val(p + 1, q));
                    }
                } else if self.s.cwd.is_none() {
                    self.s.cwd = unescape(m.tail(p)).map(Cow::Owned);
                }
            }
        }
        Ok(())
    }

    /// ausearch's `avc_parse_path` (AVC_PATH, and CONFIG_CHANGE's path).
    fn avc_path(&mut self, m: &mut Msg<'a>) -> Res {
        if self.w.file {
            let s = m.find(0, b" path=").ok_or(fail(1))?;
            return self.path_value(m, s + 6);
        }
        Ok(())
    }

    /// ausearch's `parse_path` (PATH).
    fn path(&mut self, m: &mut Msg<'a>) -> Res {
        let mut term = NAME_OFFSET;
        if self.w.file {
            if let Some(s) = m.find(term, b" name=") {
                let p = s + 6;
                self.path_value(m, p)?;
                term = p;
                // The name's key: everything after the next `type=`.
                if let Some(tp) = m.find(p, b"type=") {
                    if m.tail(tp + 5) == b"PARENT" {
                        let n = self.s.filenames.as_ref().map_or(0, Vec::len);
                        if n > 0 {
                            self.s.parent_names.push(n - 1);
                        }
                    }
                }
            }
        }
        if self.w.obj {
            if let Some(s) = m.find(term, b"obj=") {
                let p = s + 4;
                let end = m.chr(p, b' ').unwrap_or(m.len());
                self.push_object(m.val(p, end));
            }
        }
        Ok(())
    }

    /// ausearch's `parse_obj` (IPC, OBJ_PID).
    fn obj(&mut self, m: &mut Msg<'a>) -> Res {
        if self.w.obj {
            if let Some(s) = m.find(0, b"obj=") {
                let p = s + 4;
                let end = m.chr(p, b' ').unwrap_or(m.len());
                self.push_object(m.val(p, end));
            }
        }
        Ok(())
    }

    /// ausearch's `parse_user` (user-space records; also USER_AVC with `avc`).
    fn user(&mut self, m: &mut Msg<'a>, mut avc: Option<&mut AvcEntry<'a>>) -> Res {
        let w = self.w;
        let mut term = 0usize;
        if w.pid {
            let p = m.find(term, b"pid=").ok_or(fail(1))? + 4;
            term = m.chr(p, b' ').ok_or(fail(2))?;
            self.s.pid = m.ul(p, term).ok_or(fail_at(3, term))? as i32;
        }
        if w.uid {
            let p = m.find(term, b"uid=").ok_or(fail(4))? + 4;
            term = m.chr(p, b' ').ok_or(fail(5))?;
            self.s.uid = m.ul(p, term).ok_or(fail_at(6, term))? as u32;
            self.set_tuid();
        }
        if w.auid {
            let p = match m.find(term, b"auid=") {
                Some(s) => s + 5,
                None => m.find(term, b"loginuid=").ok_or(fail(7))? + 9,
            };
            term = m.chr(p, b' ').ok_or(fail(8))?;
            self.s.loginuid = m.ul(p, term).ok_or(fail_at(9, term))? as u32;
            self.set_tauid();
        }
        if w.ses {
            if let Some(s) = m.find(term, b"ses=") {
                let p = s + 4;
                term = m.chr(p, b' ').ok_or(fail(10))?;
                self.s.session_id = m.ul(p, term).ok_or(fail_at(11, term))? as u32;
            }
        }
        if w.subj {
            if let Some(s) = m.find(term, b"subj=") {
                let p = s + 5;
                term = m.chr(p, b' ').ok_or(fail(12))?;
                let v = m.val(p, term);
                match avc.as_deref_mut() {
                    Some(a) => a.scontext = Some(v),
                    None => self.push_subject(v),
                }
            }
        }
        if let (Some(a), true) = (avc, w.obj) {
            if let Some(s) = m.find(term, b"tcontext=") {
                let p = s + 9;
                match m.chr(p, b' ') {
                    Some(e) => {
                        a.tcontext = Some(m.val(p, e));
                        term = e;
                    }
                    None => term = p,
                }
            }
            if let Some(s) = m.find(term, b"tclass=") {
                let p = s + 7;
                match m.chr(p, b' ') {
                    Some(e) => {
                        a.class = Some(m.val(p, e));
                        term = e;
                    }
                    None => term = p,
                }
            }
        }
        if w.gid && matches!(m.rtype, t::ADD_GROUP | t::DEL_GROUP | t::GRP_MGMT) {
            let mut s = m.find(term, b" id=");
            if s.is_none() && m.rtype == t::GRP_MGMT {
                s = m.find(term, b"gid=");
            }
            if let Some(s) = s {
                let p = s + 4;
                term = m.chr(p, b' ').ok_or(fail(31))?;
                self.s.gid = m.ul(p, term).ok_or(fail_at(32, term))? as u32;
            }
        }
        if w.vm {
            if let Some(s) = m.find(term, b"vm=") {
                let (v, q) = Self::quoted_or_hex(m, s + 3, 23)?;
                self.s.vmname = v;
                if let Some(q) = q {
                    term = q;
                }
            }
        }
        if w.uuid {
            if let Some(s) = m.find(term, b"uuid=") {
                let p = s + 5;
                let end = m
                    .tail(p)
                    .iter()
                    .position(|&c| c == b' ' || c == b':')
                    .map_or(m.len(), |i| p + i);
                if end == p {
                    return Err(fail(24));
                }
                self.s.uuid = Some(m.val(p, end));
                term = end;
            }
        }
        if m.rtype == t::VIRT_MACHINE_ID {
            if w.subj {
                if let Some(s) = m.find(term, b"vm-ctx=") {
                    let p = s + 7;
                    term = m.chr(p, b' ').ok_or(fail(27))?;
                    self.push_subject(m.val(p, term));
                }
            }
            if w.obj {
                if let Some(s) = m.find(term, b"img-ctx=") {
                    let p = s + 8;
                    term = m.chr(p, b' ').ok_or(fail(29))?;
                    self.push_object(m.val(p, term));
                }
            }
        } else if m.rtype == t::VIRT_RESOURCE && w.file {
            let found = match m.find(term, b" path=") {
                Some(s) => Some(s + 6),
                None => m.find(term, b" new-disk=").map(|s| s + 10),
            };
            if let Some(p) = found {
                self.path_value(m, p)?;
                term = p;
            }
        }
        // Some records (USER_LOGIN) carry the interesting uid second.
        if w.uid {
            'search: loop {
                let Some(s) = m.find(term, b"uid=") else {
                    break 'search;
                };
                let prev = if s > 0 { m.at(s - 1) } else { 0 };
                if prev == b'a' {
                    term = s + 1;
                    continue;
                }
                if prev == b's' || prev == b'u' {
                    break 'search;
                }
                if prev != b'\'' && prev != b' ' {
                    return Err(fail(25));
                }
                let p = s + 4;
                let digits = m.tail(p).iter().take_while(|c| c.is_ascii_digit()).count();
                if digits == 0 {
                    return Err(fail(14));
                }
                term = p + digits;
                self.s.uid = m.ul(p, term).ok_or(fail_at(15, term))? as u32;
                self.set_tuid();
                break 'search;
            }
        }
        let mut mptr = term;
        if w.comm {
            if let Some(s) = m.find(mptr, b"comm=") {
                let (v, q) = Self::quoted_or_hex(m, s + 5, 16)?;
                self.s.comm = v;
                if let Some(q) = q {
                    term = q;
                }
            }
        }
        // acct is always extracted (aureport-style account reports use it).
        if let Some(s) = m.find(mptr, b"acct=") {
            let p = s + 5;
            if m.at(p) == b'"' {
                let end = m.chr(p + 1, b'"').unwrap_or(m.len());
                self.s.acct = Some(m.val(p + 1, end));
                term = end;
            } else {
                let end = m
                    .tail(p)
                    .iter()
                    .position(|&c| c == b' ')
                    .map_or(m.len(), |i| p + i);
                let legacy = !m.slice(p, end).iter().all(u8::is_ascii_hexdigit);
                self.s.acct = if legacy {
                    Some(m.val(p, end))
                } else {
                    unescape(m.tail(p)).map(Cow::Owned)
                };
                term = end;
            }
        }
        mptr = term;
        if w.host {
            if let Some(s) = m.find(mptr, b"hostname=") {
                let p = s + 9;
                let e = m.chr(p, b',').or_else(|| m.chr(p, b' ')).ok_or(fail(17))?;
                self.s.hostname = Some(m.val(p, e));
                // An unknown host name: the address says more.
                if m.slice(p, e) == b"?" {
                    if let Some(s) = m.find(e + 1, b"addr=") {
                        let p = s + 5;
                        let e = m.chr(p, b',').or_else(|| m.chr(p, b' ')).ok_or(fail(18))?;
                        self.s.hostname = Some(m.val(p, e));
                    }
                }
            }
        }
        if w.file {
            if let Some(s) = m.find(mptr, b"cwd=") {
                let (v, _) = Self::quoted_or_legacy(m, s + 4, 20)?;
                self.s.cwd = v;
            }
        }
        if w.terminal {
            if let Some(s) = m.find(mptr, b"terminal=") {
                let p = s + 9;
                let e = m.chr(p, b' ').or_else(|| m.chr(p, b')')).ok_or(fail(19))?;
                self.s.terminal = Some(m.val(p, e));
                // ausearch writes a space back, even over a ')'.
                m.poke(e, b' ', &mut self.s.patches);
            }
        }
        if w.exe {
            if let Some(s) = m.find(mptr, b"exe=") {
                let (v, _) = Self::quoted_or_legacy(m, s + 4, 26)?;
                self.s.exe = v;
            }
        }
        if w.success {
            if let Some(s) = m.find(mptr, b"res=") {
                let p = s + 4;
                let e = m.chr(p, b'\'').ok_or(fail(21))?;
                self.s.success = if m.slice(p, e).starts_with(b"failed") {
                    SUCCESS_FAILED
                } else {
                    SUCCESS_YES
                };
            } else if let Some(s) = m.find(mptr, b"result=") {
                let p = s + 7;
                let e = m.chr(p, b')').ok_or(fail(22))?;
                self.s.success = if m.slice(p, e).eq_ignore_ascii_case(b"success") {
                    SUCCESS_YES
                } else {
                    SUCCESS_FAILED
                };
            }
        }
        Ok(())
    }

    /// ausearch's `parse_login` (LOGIN).
    fn login(&mut self, m: &mut Msg<'a>) -> Res {
        let w = self.w;
        // `None` stands for the C code's NULL position (reset to the start).
        let mut term: Option<usize> = Some(0);
        if w.pid {
            let p = m.find(0, b"pid=").ok_or(fail(1))? + 4;
            let e = m.chr(p, b' ').ok_or(fail(2))?;
            self.s.pid = m.ul(p, e).ok_or(fail_at(3, e))? as i32;
            term = Some(e);
        }
        if w.uid {
            let from = term.unwrap_or(0);
            let p = m.find(from, b"uid=").ok_or(fail(4))? + 4;
            let e = m.chr(p, b' ').ok_or(fail(5))?;
            self.s.uid = m.ul(p, e).ok_or(fail_at(6, e))? as u32;
            term = Some(e);
            self.set_tuid();
        }
        if w.subj {
            let from = term.unwrap_or(0);
            if let Some(s) = m.find(from, b"subj=") {
                let e = m.chr(s + 5, b' ').ok_or(fail(12))?;
                // ausearch keeps the field name with the value here.
                self.push_subject(m.val(s, e));
                term = Some(e);
            }
        }
        if w.auid {
            let from = term.unwrap_or(0);
            let p = if let Some(s) = m.find(from, b"new auid=") {
                s + 9
            } else if let Some(s) = m.find(from, b" auid=") {
                s + 6
            } else {
                m.find(from, b"new loginuid=").ok_or(fail(7))? + 13
            };
            term = m.chr(p, b' ');
            let c = strtoul(m.slice(p, term.unwrap_or(m.len())), 10);
            if c.overflow {
                return Err(Fail { rc: 8, cut: term });
            }
            self.s.loginuid = c.value as u32;
            self.set_tauid();
        }
        if w.success {
            let from = term.unwrap_or(0);
            if let Some(s) = m.find(from, b"res=") {
                let p = s + 4;
                term = m.chr(p, b' ');
                let c = strtoul(m.slice(p, term.unwrap_or(m.len())), 10);
                if c.overflow {
                    return Err(Fail { rc: 9, cut: term });
                }
                self.s.success = c.value as i32;
            } else {
                // Older kernels: always successful.
                self.s.success = SUCCESS_YES;
            }
        }
        if w.ses {
            let from = term.unwrap_or(0);
            let p = if let Some(s) = m.find(from, b"new ses=") {
                s + 8
            } else {
                m.find(from, b" ses=").ok_or(fail(14))? + 5
            };
            let e = m.chr(p, b' ');
            let c = strtoul(m.slice(p, e.unwrap_or(m.len())), 10);
            if c.overflow {
                return Err(Fail { rc: 11, cut: e });
            }
            self.s.session_id = c.value as u32;
        }
        Ok(())
    }

    /// ausearch's `parse_daemon1` (DAEMON_START, _END, _ABORT, _CONFIG, _ROTATE, _RESUME).
    fn daemon1(&mut self, m: &mut Msg<'a>) -> Res {
        let w = self.w;
        // Not all of them have a ')': start after it when there is one.
        let mptr = m.chr(0, b')').unwrap_or(0);
        let mut term = mptr;
        if w.auid {
            let p = m.find(mptr, b"auid=").ok_or(fail(1))? + 5;
            term = m.chr(p, b' ').ok_or(fail(2))?;
            self.s.loginuid = m.ul(p, term).ok_or(fail_at(3, term))? as u32;
            self.set_tauid();
        }
        if w.pid {
            let p = m.find(term, b"pid=").ok_or(fail(4))? + 4;
            term = m.chr(p, b' ').ok_or(fail(5))?;
            self.s.pid = m.ul(p, term).ok_or(fail_at(6, term))? as i32;
        }
        if w.uid_num {
            if let Some(s) = m.find(term, b" uid=") {
                let p = s + 5;
                term = m.chr(p, b' ').ok_or(fail(7))?;
                self.s.uid = m.ul(p, term).ok_or(fail_at(8, term))? as u32;
            }
        }
        if w.ses {
            if let Some(s) = m.find(term, b"ses=") {
                let p = s + 4;
                term = m.chr(p, b' ').ok_or(fail(9))?;
                self.s.session_id = m.ul(p, term).ok_or(fail_at(10, term))? as u32;
            }
        }
        if w.subj {
            if let Some(s) = m.find(term, b"subj=") {
                let p = s + 5;
                let e = m.chr(p, b' ').unwrap_or(m.len());
                self.push_subject(m.val(p, e));
            }
        }
        if w.success {
            if let Some(s) = m.find(mptr, b"res=") {
                let p = s + 4;
                let n = m
                    .tail(p)
                    .iter()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .count();
                if n == 0 {
                    return Err(fail(12));
                }
                self.s.success = if m.slice(p, p + n).starts_with(b"failed") {
                    SUCCESS_FAILED
                } else {
                    SUCCESS_YES
                };
            }
        }
        Ok(())
    }

    /// ausearch's `parse_daemon2` (DAEMON_ACCEPT, DAEMON_CLOSE).
    fn daemon2(&mut self, m: &mut Msg<'a>) -> Res {
        let mut term = 0usize;
        if self.w.host {
            if let Some(s) = m.find(term, b"addr=") {
                let p = s + 5;
                term = m.chr(p, b':').or_else(|| m.chr(p, b' ')).ok_or(fail(1))?;
                self.s.hostname = Some(m.val(p, term));
            }
        }
        if self.w.success {
            if let Some(s) = m.find(term, b"res=") {
                let p = s + 4;
                let n = m
                    .tail(p)
                    .iter()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .count();
                if n == 0 {
                    return Err(fail(2));
                }
                self.s.success = if m.slice(p, p + n).starts_with(b"failed") {
                    SUCCESS_FAILED
                } else {
                    SUCCESS_YES
                };
            }
        }
        Ok(())
    }

    /// ausearch's `parse_sockaddr` (SOCKADDR).
    fn sockaddr(&mut self, m: &mut Msg<'a>) -> Res {
        let w = self.w;
        if !(w.host || w.file) {
            return Ok(());
        }
        let Some(s) = m.find(0, b"saddr=") else {
            return Ok(());
        };
        let p = s + 6;
        let rest = m.tail(p);
        let len = if rest.first() == Some(&b'(') {
            memchr::memchr(b')', rest).map_or(0, |i| i + 1)
        } else {
            rest.iter().take_while(|c| c.is_ascii_hexdigit()).count() / 2
        };
        let raw = unhex_raw(rest).ok_or(fail(4))?;
        // The decoded buffer is followed by a NUL, as the C one is.
        let byte = |i: usize| raw.get(i).copied().unwrap_or(0);
        let family = u16::from_ne_bytes([byte(0), byte(1)]);
        self.s.hostname = None;
        match family {
            2 => {
                if len < 16 {
                    let _ = self.diag.write_all(b"sockaddr len too short\n");
                    return Err(fail(1));
                }
                if w.host {
                    let a = Ipv4Addr::new(byte(4), byte(5), byte(6), byte(7));
                    self.s.hostname = Some(Cow::Owned(a.to_string().into_bytes()));
                }
            }
            10 => {
                if len < 28 {
                    let _ = self.diag.write_all(b"sockaddr6 len too short\n");
                    return Err(fail(2));
                }
                if w.host {
                    let mut a = [0u8; 16];
                    a.copy_from_slice(&raw[8..24]);
                    let scope = u32::from_ne_bytes([raw[24], raw[25], raw[26], raw[27]]);
                    self.s.hostname = Some(Cow::Owned(numeric_host6(&a, scope)));
                }
            }
            1 => {
                if len < 4 {
                    let _ = self.diag.write_all(b"sun_path len too short\n");
                    return Err(fail(3));
                }
                if w.file {
                    let path = if byte(2) != 0 { &raw[2..] } else { &raw[3..] };
                    let list = self.s.filenames.get_or_insert_with(Vec::new);
                    list.push(Cow::Owned(c_str(path).to_vec()));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// ausearch's `parse_integrity` (INTEGRITY_DATA … INTEGRITY_RULE).
    fn integrity(&mut self, m: &mut Msg<'a>) -> Res {
        let w = self.w;
        let mut term = 0usize;
        if let Some(s) = m.find(term, b"pid=") {
            let p = s + 4;
            term = m.chr(p, b' ').ok_or(fail(1))?;
            self.s.pid = m.ul(p, term).ok_or(fail_at(2, term))? as i32;
        }
        if w.uid {
            if let Some(s) = m.find(term, b" uid=") {
                // ausearch starts the number at the '=', so it always reads 0.
                let p = s + 4;
                term = m.chr(p, b' ').ok_or(fail(3))?;
                self.s.uid = m.ul(p, term).ok_or(fail_at(4, term))? as u32;
                self.set_tuid();
            }
        }
        if w.auid {
            if let Some(s) = m.find(0, b"auid=") {
                let p = s + 5;
                term = m.chr(p, b' ').ok_or(fail(5))?;
                self.s.loginuid = m.ul(p, term).ok_or(fail_at(6, term))? as u32;
                self.set_tauid();
            }
        }
        if w.ses {
            if let Some(s) = m.find(term, b"ses=") {
                let p = s + 4;
                term = m.chr(p, b' ').ok_or(fail(10))?;
                self.s.session_id = m.ul(p, term).ok_or(fail_at(11, term))? as u32;
            }
        }
        if w.subj {
            if let Some(s) = m.find(term, b"subj=") {
                let p = s + 5;
                term = m.chr(p, b' ').ok_or(fail(12))?;
                self.push_subject(m.val(p, term));
            }
        }
        if w.comm {
            if let Some(s) = m.find(term, b"comm=") {
                let (v, q) = Self::quoted_or_hex(m, s + 5, 7)?;
                self.s.comm = v;
                if let Some(q) = q {
                    term = q;
                }
            }
        }
        if w.file {
            if let Some(s) = m.find(term, b" name=") {
                self.path_value(m, s + 6).map_err(|_| fail(8))?;
            }
        }
        if w.success {
            if let Some(s) = m.find(term, b"res=") {
                let p = s + 4;
                let e = m.chr(p, b' ');
                let c = strtoul(m.slice(p, e.unwrap_or(m.len())), 10);
                if c.overflow {
                    return Err(Fail { rc: 9, cut: e });
                }
                self.s.success = c.value as i32;
            }
        }
        Ok(())
    }

    /// ausearch's `parse_avc` (AVC, USER_AVC). Only the first AVC of a record counts.
    fn avc(&mut self, m: &mut Msg<'a>) -> Res {
        let w = self.w;
        let mut an = AvcEntry::default();
        let mut term = 0usize;
        if let Some(s) = m.find(0, b"avc: ") {
            let s = s + 5;
            match m.chr(s, b'{') {
                None => term = 0,
                Some(brace) => {
                    if w.success {
                        if memchr::memmem::find(m.slice(s, brace), b"denied").is_some() {
                            self.s.success = SUCCESS_FAILED;
                            an.result = AvcResult::Denied;
                        } else {
                            self.s.success = SUCCESS_YES;
                            an.result = AvcResult::Granted;
                        }
                    }
                    let mut p = brace + 1;
                    while m.at(p) == b' ' {
                        p += 1;
                    }
                    let mut e = m.chr(p, b'}').ok_or(fail(2))?;
                    while e > 0 && m.at(e - 1) == b' ' {
                        e -= 1;
                    }
                    // When the list is empty the end lands before the start and the
                    // C string runs on to the end of the record.
                    an.perm = Some(if e >= p { m.val(p, e) } else { m.rest(p) });
                    // ausearch writes a space back, even over the '}'.
                    m.poke(e, b' ', &mut self.s.patches);
                    term = e;
                }
            }
        }
        if m.rtype == t::USER_AVC {
            let rc = match self.user(m, Some(&mut an)) {
                Ok(()) => Ok(()),
                Err(f) if f.rc > 20 => Ok(()),
                Err(f) => Err(f),
            };
            self.s.avc.push(an);
            return rc;
        }
        if w.pid {
            if let Some(s) = m.find(term, b"pid=") {
                let p = s + 4;
                term = m.chr(p, b' ').ok_or(fail(3))?;
                self.s.pid = m.ul(p, term).ok_or(fail_at(4, term))? as i32;
            }
        }
        if w.comm && self.s.comm.is_none() {
            let s = m.find(term, b"comm=").ok_or(fail(5))? + 5;
            if m.at(s) == b'"' {
                let q = m.chr(s + 1, b'"').ok_or(fail(6))?;
                self.s.comm = Some(m.val(s + 1, q));
                term = q;
            } else {
                self.s.comm = Some(Cow::Owned(unescape(m.tail(s)).ok_or(fail(11))?));
                term = s + 6;
            }
        }
        if w.file {
            let found = m.find(term, b" path=").or_else(|| m.find(term, b" name="));
            if let Some(s) = found {
                self.path_value(m, s + 6)?;
                term += 7;
            }
        }
        if w.subj {
            if let Some(s) = m.find(term, b"scontext=") {
                let p = s + 9;
                term = m.chr(p, b' ').ok_or(fail(7))?;
                an.scontext = Some(m.val(p, term));
            }
        }
        if w.obj {
            if let Some(s) = m.find(term, b"tcontext=") {
                let p = s + 9;
                term = m.chr(p, b' ').ok_or(fail(8))?;
                an.tcontext = Some(m.val(p, term));
            }
        }
        // The class is required.
        let p = m.find(term, b"tclass=").ok_or(fail(9))? + 7;
        let e = m.chr(p, b' ').unwrap_or(m.len());
        an.class = Some(m.val(p, e));
        self.s.avc.push(an);
        Ok(())
    }

    /// ausearch's `parse_kernel_anom` (SECCOMP, ANOM_PROMISCUOUS, ANOM_ABEND).
    fn kernel_anom(&mut self, m: &mut Msg<'a>) -> Res {
        let w = self.w;
        let mut term = 0usize;
        if w.auid {
            let p = m.find(term, b"auid=").ok_or(fail(1))? + 5;
            let e = m.chr(p, b' ');
            let c = strtoul(m.slice(p, e.unwrap_or(m.len())), 10);
            if c.overflow {
                return Err(Fail { rc: 2, cut: e });
            }
            self.s.loginuid = c.value as u32;
            term = e.unwrap_or(p);
            self.set_tauid();
        }
        if w.uid {
            if let Some(s) = m.find(term, b"uid=") {
                let p = s + 4;
                term = m.chr(p, b' ').ok_or(fail(3))?;
                self.s.uid = m.ul(p, term).ok_or(fail_at(4, term))? as u32;
                self.set_tuid();
            }
        }
        if w.gid {
            if let Some(s) = m.find(term, b"gid=") {
                let p = s + 4;
                term = m.chr(p, b' ').ok_or(fail(5))?;
                self.s.gid = m.ul(p, term).ok_or(fail_at(6, term))? as u32;
            }
        }
        if w.ses {
            if let Some(s) = m.find(term, b"ses=") {
                let p = s + 4;
                let e = m.chr(p, b' ');
                let c = strtoul(m.slice(p, e.unwrap_or(m.len())), 10);
                if c.overflow {
                    return Err(Fail { rc: 7, cut: e });
                }
                self.s.session_id = c.value as u32;
                term = e.unwrap_or(p);
            }
        }
        if m.rtype == t::ANOM_PROMISCUOUS {
            return Ok(());
        }
        if w.subj {
            if let Some(s) = m.find(term, b"subj=") {
                let p = s + 5;
                term = m.chr(p, b' ').ok_or(fail(8))?;
                self.push_subject(m.val(p, term));
            }
        }
        if w.pid {
            if let Some(s) = m.find(term, b"pid=") {
                let p = s + 4;
                term = m.chr(p, b' ').ok_or(fail(10))?;
                self.s.pid = m.ul(p, term).ok_or(fail_at(11, term))? as i32;
            }
        }
        if w.comm {
            if let Some(s) = m.find(term, b"comm=") {
                let (v, q) = Self::quoted_or_hex(m, s + 5, 12)?;
                self.s.comm = v;
                if let Some(q) = q {
                    term = q;
                }
            }
        }
        if w.exe {
            if let Some(s) = m.find(term, b"exe=") {
                let (v, q) = Self::quoted_or_hex(m, s + 4, 13)?;
                self.s.exe = v;
                if let Some(q) = q {
                    term = q;
                }
            } else if m.rtype != t::ANOM_ABEND {
                return Err(fail(14));
            }
        }
        if m.rtype == t::SECCOMP {
            // A few kernel versions have no arch here.
            let Some(s) = m.find(term, b"arch=") else {
                return Ok(());
            };
            let p = s + 5;
            term = m.chr(p, b' ').ok_or(fail(15))?;
            let c = strtoul(m.slice(p, term), 16);
            if c.overflow {
                return Err(fail_at(16, term));
            }
            self.s.arch = c.value as i32;
            let p = m.find(term, b"syscall=").ok_or(fail(17))? + 8;
            term = m.chr(p, b' ').ok_or(fail(18))?;
            self.s.syscall = m.ul(p, term).ok_or(fail_at(19, term))? as i32;
        }
        if w.success {
            if let Some(s) = m.find(term, b"res=") {
                let p = s + 4;
                let e = m.chr(p, b' ');
                let c = strtoul(m.slice(p, e.unwrap_or(m.len())), 10);
                if c.overflow {
                    return Err(Fail { rc: 68, cut: e });
                }
                self.s.success = c.value as i32;
            }
        }
        Ok(())
    }

    /// ausearch's `parse_simple_message` (CONFIG_CHANGE, MAC_* records).
    fn simple_message(&mut self, m: &mut Msg<'a>) -> Res {
        let w = self.w;
        let mut term = 0usize;
        if w.auid {
            // Old kernels leave auid out of CONFIG_CHANGE.
            match m.find(term, b"auid=") {
                None if m.rtype != t::CONFIG_CHANGE => return Err(fail(1)),
                None => {}
                Some(s) => {
                    let p = s + 5;
                    let e = m.chr(p, b' ');
                    let c = strtoul(m.slice(p, e.unwrap_or(m.len())), 10);
                    if c.overflow {
                        return Err(Fail { rc: 2, cut: e });
                    }
                    self.s.loginuid = c.value as u32;
                    term = e.unwrap_or(p);
                    self.set_tauid();
                }
            }
        }
        if w.ses {
            if let Some(s) = m.find(term, b"ses=") {
                let p = s + 4;
                let e = m.chr(p, b' ');
                let c = strtoul(m.slice(p, e.unwrap_or(m.len())), 10);
                if c.overflow {
                    return Err(Fail { rc: 3, cut: e });
                }
                self.s.session_id = c.value as u32;
                term = e.unwrap_or(p);
            }
        }
        if w.subj {
            if let Some(s) = m.find(term, b"subj=") {
                let p = s + 5;
                let e = m.chr(p, b' ');
                self.push_subject(m.val(p, e.unwrap_or(m.len())));
                term = e.unwrap_or(p);
            }
        }
        if w.key {
            if let Some(s) = m.find(term, b"key=") {
                if let Some(q) = self.keys(m, s + 4, 6, 8)? {
                    term = q;
                }
            }
        }
        // The kernel rarely logs res for these; it can only be success.
        if m.rtype == t::CONFIG_CHANGE {
            self.s.success = SUCCESS_YES;
        }
        if w.success {
            if let Some(s) = m.find(term, b"res=") {
                let p = s + 4;
                let e = m.chr(p, b' ');
                let c = strtoul(m.slice(p, e.unwrap_or(m.len())), 10);
                if c.overflow {
                    return Err(Fail { rc: 7, cut: e });
                }
                self.s.success = c.value as i32;
            }
        }
        Ok(())
    }

    /// ausearch's `parse_tty` (TTY).
    fn tty(&mut self, m: &mut Msg<'a>) -> Res {
        let w = self.w;
        let mut term = 0usize;
        if w.pid {
            if let Some(s) = m.find(0, b"pid=") {
                let p = s + 4;
                term = m.chr(p, b' ').ok_or(fail(1))?;
                self.s.pid = m.ul(p, term).ok_or(fail_at(2, term))? as i32;
            }
        }
        if w.uid {
            if let Some(s) = m.find(term, b" uid=") {
                // Starts at the '=': always reads 0, as ausearch does.
                let p = s + 4;
                term = m.chr(p, b' ').ok_or(fail(3))?;
                self.s.uid = m.ul(p, term).ok_or(fail_at(4, term))? as u32;
                self.set_tuid();
            }
        }
        if w.auid {
            let p = m.find(term, b"auid=").ok_or(fail(5))? + 5;
            let e = m.chr(p, b' ');
            let c = strtoul(m.slice(p, e.unwrap_or(m.len())), 10);
            if c.overflow {
                return Err(Fail { rc: 6, cut: e });
            }
            self.s.loginuid = c.value as u32;
            term = e.unwrap_or(p);
            self.set_tauid();
        }
        if w.ses {
            if let Some(s) = m.find(term, b"ses=") {
                let p = s + 4;
                term = m.chr(p, b' ').ok_or(fail(7))?;
                self.s.session_id = m.ul(p, term).ok_or(fail_at(8, term))? as u32;
            }
        }
        if w.comm {
            if let Some(s) = m.find(term, b"comm=") {
                let (v, _) = Self::quoted_or_hex(m, s + 5, 11)?;
                self.s.comm = v;
            }
        }
        Ok(())
    }

    /// ausearch's `parse_pkt` (NETFILTER_PKT).
    fn pkt(&mut self, m: &mut Msg<'a>) -> Res {
        let mut term = 0usize;
        if self.w.host {
            if let Some(s) = m.find(0, b"saddr=") {
                let p = s + 6;
                term = m.chr(p, b' ').ok_or(fail(1))?;
                self.s.hostname = Some(m.val(p, term));
            }
        }
        if self.w.obj {
            if let Some(s) = m.find(term, b"obj=") {
                let p = s + 4;
                let e = m.chr(p, b' ').unwrap_or(m.len());
                self.push_object(m.val(p, e));
            }
        }
        Ok(())
    }

    /// ausearch's `parse_kernel` (NETFILTER_CFG, EVENT_LISTENER): fills in only
    /// what earlier records left unset.
    fn kernel(&mut self, m: &mut Msg<'a>) -> Res {
        let w = self.w;
        let mut term = 0usize;
        if w.pid && self.s.pid == -1 {
            let p = m.find(term, b" pid=").ok_or(fail(54))? + 5;
            term = m.chr(p, b' ').ok_or(fail(52))?;
            self.s.pid = m.ul(p, term).ok_or(fail_at(53, term))? as i32;
        }
        if w.uid && self.s.uid == u32::MAX && !self.has_name(false) {
            match m.find(term, b"uid=") {
                Some(s) => {
                    let p = s + 4;
                    term = m.chr(p, b' ').ok_or(fail(55))?;
                    self.s.uid = m.ul(p, term).ok_or(fail_at(56, term))? as u32;
                }
                None => self.s.uid = 0,
            }
            self.set_tuid();
        }
        if w.auid && self.s.loginuid == (-2i32) as u32 && !self.has_name(true) {
            match m.find(term, b"auid=") {
                Some(s) => {
                    let p = s + 5;
                    term = m.chr(p, b' ').ok_or(fail(57))?;
                    self.s.loginuid = m.ul(p, term).ok_or(fail_at(58, term))? as u32;
                }
                None => self.s.loginuid = u32::MAX,
            }
            self.set_tauid();
        }
        if w.terminal && self.s.terminal.is_none() {
            match m.find(term, b"tty=") {
                Some(s) => {
                    let p = s + 4;
                    term = m.chr(p, b' ').ok_or(fail(59))?;
                    self.s.terminal = Some(m.val(p, term));
                }
                None => self.s.terminal = Some(Cow::Borrowed(b"(none)")),
            }
        }
        if w.ses && self.s.session_id == (-2i32) as u32 {
            match m.find(term, b"ses=") {
                Some(s) => {
                    let p = s + 4;
                    term = m.chr(p, b' ').ok_or(fail(60))?;
                    self.s.session_id = m.ul(p, term).ok_or(fail_at(61, term))? as u32;
                }
                None => self.s.session_id = u32::MAX,
            }
        }
        if w.subj && self.s.avc.is_empty() {
            let p = m.find(term, b"subj=").ok_or(fail(64))? + 5;
            term = m.chr(p, b' ').ok_or(fail(62))?;
            self.push_subject(m.val(p, term));
        }
        if w.comm && self.s.comm.is_none() {
            let s = m.find(term, b"comm=").ok_or(fail(66))?;
            let (v, q) = Self::quoted_or_hex(m, s + 5, 65)?;
            self.s.comm = v;
            if let Some(q) = q {
                term = q;
            }
        }
        if w.exe && self.s.exe.is_none() {
            match m.find(0, b"exe=") {
                Some(s) => {
                    let (v, q) = Self::quoted_or_hex(m, s + 4, 67)?;
                    self.s.exe = v;
                    if let Some(q) = q {
                        term = q;
                    }
                }
                None => self.s.exe = Some(Cow::Borrowed(b"(null)")),
            }
        }
        if w.success {
            if let Some(s) = m.find(term, b"res=") {
                let p = s + 4;
                let e = m.chr(p, b' ');
                let c = strtoul(m.slice(p, e.unwrap_or(m.len())), 10);
                if c.overflow {
                    return Err(Fail { rc: 69, cut: e });
                }
                self.s.success = c.value as i32;
            }
        }
        Ok(())
    }
}

/// `getnameinfo(…, NI_NUMERICHOST)` for an IPv6 socket address: glibc's
/// `inet_ntop` text, plus `%scope` when a scope id is set (an interface name for
/// link-local addresses when the interface exists).
fn numeric_host6(a: &[u8; 16], scope: u32) -> Vec<u8> {
    let mut out = inet_ntop6(a);
    if scope != 0 {
        out.push(b'%');
        let link_local =
            (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) || (a[0] == 0xff && (a[1] & 0x0f) == 0x02);
        let name = if link_local {
            interface_name(scope)
        } else {
            None
        };
        match name {
            Some(n) => out.extend_from_slice(&n),
            None => out.extend_from_slice(scope.to_string().as_bytes()),
        }
    }
    out
}

fn interface_name(index: u32) -> Option<Vec<u8>> {
    let list = nix::net::if_::if_nameindex().ok()?;
    list.iter()
        .find(|i| i.index() == index)
        .map(|i| i.name().to_bytes().to_vec())
}

/// glibc's `inet_ntop` for IPv6: the longest run (first on ties) of two or more
/// zero groups becomes `::`, groups in lower-case hex, and the last 32 bits as a
/// dotted quad for IPv4-compatible and IPv4-mapped addresses.
fn inet_ntop6(a: &[u8; 16]) -> Vec<u8> {
    let words: [u16; 8] = std::array::from_fn(|i| u16::from_be_bytes([a[2 * i], a[2 * i + 1]]));
    // Longest run of zero words.
    let (mut best_base, mut best_len) = (None::<usize>, 0usize);
    let mut i = 0;
    while i < 8 {
        if words[i] == 0 {
            let start = i;
            while i < 8 && words[i] == 0 {
                i += 1;
            }
            if i - start > best_len {
                best_base = Some(start);
                best_len = i - start;
            }
        } else {
            i += 1;
        }
    }
    if best_len < 2 {
        best_base = None;
    }
    let mut out = Vec::with_capacity(40);
    let mut i = 0;
    while i < 8 {
        if let Some(b) = best_base {
            if i >= b && i < b + best_len {
                if i == b {
                    out.push(b':');
                }
                i += 1;
                continue;
            }
        }
        if i != 0 {
            out.push(b':');
        }
        if i == 6
            && best_base == Some(0)
            && (best_len == 6 || (best_len == 5 && words[5] == 0xffff))
        {
            let v4 = Ipv4Addr::new(a[12], a[13], a[14], a[15]);
            out.extend_from_slice(v4.to_string().as_bytes());
            break;
        }
        out.extend_from_slice(format!("{:x}", words[i]).as_bytes());
        i += 1;
    }
    if let Some(b) = best_base {
        if b + best_len == 8 {
            out.push(b':');
        }
    }
    out
}

#[cfg(test)]
mod tests;
