//! `raudit report --html FILE`: one self-contained HTML dashboard.
//!
//! Counted in the same pass as the report (the events that pass the report's
//! filters: time window, `--node`, `--failed`/`--success`, `--add`/`--delete`,
//! `-nc`): the main summary's counters (the same [`super::print::summary_event`]
//! code, printed by `wrap_up`), plus what the charts need. The charts are inline
//! SVG drawn here, the page has inline CSS and no script or network fetch.
//!
//! For each of the ten noisiest executables the page gives the `auditctl` rule
//! that would silence its syscall events: `-a never,exit -F arch=… -S … -F exe=…`
//! (one per architecture seen, listing the syscalls seen).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::tally::{FxMap, StrTally};
use super::{bit, Mask};
use crate::items::{SearchItems, SUCCESS_FAILED};
use crate::strings::c_str;

/// Chart palette (the first colour is also the "successful" one).
const PALETTE: &[&str] = &[
    "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
    "#17becf",
];
const OK_COLOR: &str = "#2ca02c";
const FAIL_COLOR: &str = "#d62728";
/// Keys drawn on their own in the per-time chart; the rest are "other".
const TOP_KEYS: usize = 8;

/// One executable's events.
#[derive(Default)]
struct Proc {
    events: u64,
    /// Syscall events by (audit arch, syscall number).
    syscalls: BTreeMap<(u32, i32), u64>,
}

/// What the dashboard counts.
#[derive(Default)]
pub(super) struct HtmlStats {
    first: Option<i64>,
    last: i64,
    keys: StrTally,
    /// Events by (minute, key index); key index `u32::MAX` for no key.
    per_minute_key: FxMap<(i64, u32), u64>,
    /// Syscall events by minute: (successful, failed).
    per_minute_sys: FxMap<i64, (u64, u64)>,
    exes: StrTally,
    users: StrTally,
    failed_logins: StrTally,
    procs: FxMap<Vec<u8>, Proc>,
}

fn opt<'x>(v: &'x Option<std::borrow::Cow<'_, [u8]>>) -> Option<&'x [u8]> {
    v.as_deref().map(c_str)
}

impl HtmlStats {
    /// Counts one event; `user` is the login uid as the report names it.
    pub(super) fn event(&mut self, sec: i64, s: &SearchItems<'_>, types: Mask, user: &[u8]) {
        if self.first.is_none() {
            self.first = Some(sec);
        }
        self.last = self.last.max(sec);
        let minute = sec.div_euclid(60);
        let key = s
            .keys
            .as_ref()
            .and_then(|k| k.first())
            .map(|k| c_str(k))
            .filter(|k| *k != b"(null)");
        let ki = match key {
            Some(k) => {
                self.keys.add(k);
                self.keys.index_of(k).unwrap_or(u32::MAX)
            }
            None => u32::MAX,
        };
        *self.per_minute_key.entry((minute, ki)).or_insert(0) += 1;
        if s.syscall > 0 {
            let e = self.per_minute_sys.entry(minute).or_insert((0, 0));
            if s.success == SUCCESS_FAILED {
                e.1 += 1;
            } else {
                e.0 += 1;
            }
        }
        let who = opt(&s.exe).or(opt(&s.comm));
        if let Some(exe) = opt(&s.exe) {
            self.exes.add(exe);
        }
        if let Some(w) = who {
            let p = match self.procs.get_mut(w) {
                Some(p) => p,
                None => self.procs.entry(w.to_vec()).or_default(),
            };
            p.events += 1;
            if s.syscall > 0 {
                *p.syscalls.entry((s.arch as u32, s.syscall)).or_insert(0) += 1;
            }
        }
        if s.loginuid != (-2i32) as u32 {
            self.users.add(user);
        }
        if types.has(bit::USER_LOGIN) && s.success == SUCCESS_FAILED {
            let acct = opt(&s.acct).unwrap_or(user);
            let mut k = acct.to_vec();
            if let Some(h) = opt(&s.hostname).filter(|h| *h != b"?") {
                k.extend_from_slice(b" from ");
                k.extend_from_slice(h);
            }
            self.failed_logins.add(&k);
        }
    }

    fn top_procs(&self, n: usize) -> Vec<(&[u8], &Proc)> {
        let mut v: Vec<(&[u8], &Proc)> = self.procs.iter().map(|(k, p)| (&k[..], p)).collect();
        v.sort_by(|a, b| b.1.events.cmp(&a.1.events).then(a.0.cmp(b.0)));
        v.truncate(n);
        v
    }
}

/// HTML text escaping.
fn esc(s: &[u8]) -> String {
    let s = String::from_utf8_lossy(s);
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// Shortens a label to `n` characters (keeping the end, where the program name is).
fn short(s: &[u8], n: usize) -> String {
    let t = String::from_utf8_lossy(s);
    let cs: Vec<char> = t.chars().collect();
    if cs.len() <= n {
        esc(t.as_bytes())
    } else {
        let tail: String = cs[cs.len() - (n - 1)..].iter().collect();
        format!("…{}", esc(tail.as_bytes()))
    }
}

/// A horizontal bar chart of (label, value).
fn hbar(id: &str, title: &str, rows: &[(Vec<u8>, u64)], color: &str) -> String {
    let mut o = String::new();
    let _ = write!(o, "<section><h2>{}</h2>", esc(title.as_bytes()));
    if rows.is_empty() {
        o.push_str("<p class=\"none\">none</p></section>\n");
        return o;
    }
    let (w, lw, bh) = (1100.0f64, 380.0f64, 22.0f64);
    let h = rows.len() as f64 * bh + 10.0;
    let max = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1) as f64;
    let _ = write!(
        o,
        "<svg id=\"{id}\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">"
    );
    for (i, (label, v)) in rows.iter().enumerate() {
        let y = 5.0 + i as f64 * bh;
        let bw = ((w - lw - 90.0) * (*v as f64) / max).max(1.0);
        let full = esc(label);
        let _ = write!(
            o,
            "<text x=\"{x}\" y=\"{ty}\" text-anchor=\"end\" class=\"label\">{t}<title>{full}</title></text>\
<rect class=\"bar\" x=\"{lw}\" y=\"{y}\" width=\"{bw:.1}\" height=\"{bhh}\" fill=\"{color}\"><title>{full}: {v}</title></rect>\
<text x=\"{vx:.1}\" y=\"{ty}\" class=\"value\">{v}</text>",
            x = lw - 8.0,
            ty = y + 15.0,
            t = short(label, 52),
            bhh = bh - 6.0,
            vx = lw + bw + 6.0,
        );
    }
    o.push_str("</svg></section>\n");
    o
}

/// Time buckets: the smallest of these (seconds) giving at most 60 buckets.
fn bucket_size(span: i64) -> (i64, &'static str) {
    for (s, name) in [
        (60, "minute"),
        (300, "5 minutes"),
        (900, "15 minutes"),
        (3600, "hour"),
        (6 * 3600, "6 hours"),
        (86400, "day"),
        (7 * 86400, "week"),
    ] {
        if span / s < 60 {
            return (s, name);
        }
    }
    (30 * 86400, "30 days")
}

fn fmt_time(sec: i64) -> String {
    match crate::ctime::localtime_opt(sec) {
        Some(tm) => crate::ctime::strftime(c"%Y-%m-%d %H:%M", &tm),
        None => sec.to_string(),
    }
}

/// A stacked bar chart over time: `series[s][b]` for buckets starting at `t0`.
fn stacked(
    id: &str,
    title: &str,
    t0: i64,
    step: i64,
    names: &[(String, &str)],
    series: &[Vec<u64>],
) -> String {
    let mut o = String::new();
    let _ = write!(o, "<section><h2>{}</h2>", esc(title.as_bytes()));
    let n = series.first().map_or(0, Vec::len);
    let totals: Vec<u64> = (0..n).map(|b| series.iter().map(|s| s[b]).sum()).collect();
    if totals.iter().all(|&t| t == 0) {
        o.push_str("<p class=\"none\">none</p></section>\n");
        return o;
    }
    let (w, h, left, bottom, top) = (1100.0f64, 300.0f64, 60.0f64, 40.0f64, 10.0f64);
    let max = totals.iter().copied().max().unwrap_or(1).max(1) as f64;
    let plot_h = h - bottom - top;
    let bw = (w - left - 10.0) / n.max(1) as f64;
    let _ = write!(
        o,
        "<svg id=\"{id}\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">"
    );
    // Axes and the maximum.
    let _ = write!(
        o,
        "<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{yb}\" stroke=\"#333\"/>\
<line x1=\"{left}\" y1=\"{yb}\" x2=\"{xr}\" y2=\"{yb}\" stroke=\"#333\"/>\
<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" class=\"value\">{m}</text>\
<text x=\"{lx}\" y=\"{yb}\" text-anchor=\"end\" class=\"value\">0</text>",
        yb = h - bottom,
        xr = w - 10.0,
        lx = left - 4.0,
        ty = top + 10.0,
        m = max as u64,
    );
    for b in 0..n {
        let x = left + b as f64 * bw;
        let mut y = h - bottom;
        for (si, s) in series.iter().enumerate() {
            if s[b] == 0 {
                continue;
            }
            let bh = plot_h * s[b] as f64 / max;
            y -= bh;
            let _ = write!(
                o,
                "<rect class=\"bar\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bw:.1}\" height=\"{bh:.1}\" fill=\"{c}\"><title>{t}: {name} {v}</title></rect>",
                bw = (bw - 1.0).max(1.0),
                c = names[si].1,
                t = fmt_time(t0 + b as i64 * step),
                name = esc(names[si].0.as_bytes()),
                v = s[b],
            );
        }
    }
    // Time labels: first, middle, last bucket.
    let mut marks = vec![0usize];
    if n > 2 {
        marks.push(n / 2);
    }
    if n > 1 {
        marks.push(n - 1);
    }
    for (i, b) in marks.iter().enumerate() {
        let anchor = match i {
            0 => "start",
            _ if *b == n - 1 => "end",
            _ => "middle",
        };
        let x = match anchor {
            "start" => left + *b as f64 * bw,
            "end" => left + (*b + 1) as f64 * bw,
            _ => left + (*b as f64 + 0.5) * bw,
        };
        let _ = write!(
            o,
            "<text x=\"{x:.1}\" y=\"{y}\" text-anchor=\"{anchor}\" class=\"value\">{t}</text>",
            y = h - bottom + 16.0,
            t = fmt_time(t0 + *b as i64 * step),
        );
    }
    o.push_str("</svg><div class=\"legend\">");
    for (name, c) in names {
        let _ = write!(
            o,
            "<span><i style=\"background:{c}\"></i>{}</span>",
            esc(name.as_bytes())
        );
    }
    o.push_str("</div></section>\n");
    o
}

/// The exclusion rules that would silence an executable's syscall events.
pub(super) fn exclusion_rules(exe: &[u8], syscalls: &BTreeMap<(u32, i32), u64>) -> Vec<String> {
    let mut by_arch: BTreeMap<u32, Vec<(i32, u64)>> = BTreeMap::new();
    for (&(arch, nr), &n) in syscalls {
        by_arch.entry(arch).or_default().push((nr, n));
    }
    let mut rules = Vec::new();
    for (arch, mut calls) in by_arch {
        calls.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let m = crate::machine::from_elf(arch);
        let names: Vec<String> = calls
            .iter()
            .map(|&(nr, _)| {
                crate::machine::table(m)
                    .and_then(|t| raudit_tables::syscall_name(t, nr as u32))
                    .map_or_else(|| nr.to_string(), str::to_string)
            })
            .collect();
        let arch_name = if arch & 0x8000_0000 != 0 {
            "b64"
        } else {
            "b32"
        };
        let exe_s = String::from_utf8_lossy(exe);
        // auditctl takes the path as one word; quote it when it has spaces.
        let exe_arg = if exe_s.contains(' ') {
            format!("\"{exe_s}\"")
        } else {
            exe_s.into_owned()
        };
        rules.push(format!(
            "-a never,exit -F arch={arch_name} -S {} -F exe={exe_arg}",
            names.join(",")
        ));
    }
    rules
}

/// Writes the page. `summary` is the main summary's text (`wrap_up`'s lines).
pub(super) fn page(stats: &HtmlStats, summary: &[u8], source: &str) -> String {
    let mut o = String::new();
    o.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>raudit report</title><style>\
body{font:14px/1.4 system-ui,sans-serif;margin:20px;color:#222;background:#fff;max-width:1140px}\
h1{font-size:22px}h2{font-size:17px;margin:24px 0 6px}\
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}\
td.n{text-align:right;font-variant-numeric:tabular-nums}\
.chart text{font:12px system-ui,sans-serif;fill:#222}.chart .value{fill:#555}\
.legend span{margin-right:14px;white-space:nowrap}.legend i{display:inline-block;width:11px;height:11px;margin-right:4px;vertical-align:middle}\
code{font:12px ui-monospace,monospace;background:#f4f4f4;padding:1px 4px;word-break:break-all}\
.none{color:#777}</style></head><body>\n<h1>Audit report</h1>\n",
    );
    let _ = writeln!(o, "<p>Source: <code>{}</code></p>", esc(source.as_bytes()));
    // Summary table.
    o.push_str("<section><h2>Summary</h2><table id=\"summary\">\n");
    for line in summary.split(|&c| c == b'\n').filter(|l| !l.is_empty()) {
        let (k, v) = match memchr::memmem::find(line, b": ") {
            Some(i) => (&line[..i], &line[i + 2..]),
            None => (line, &b""[..]),
        };
        let _ = writeln!(
            o,
            "<tr><th>{}</th><td class=\"n\">{}</td></tr>",
            esc(k),
            esc(v)
        );
    }
    o.push_str("</table></section>\n");

    // Events over time by key, and syscalls over time.
    if let Some(first) = stats.first {
        let span = stats.last - first;
        let (step, unit) = bucket_size(span);
        let t0 = first.div_euclid(step) * step;
        let n = ((stats.last.div_euclid(step) * step - t0) / step + 1) as usize;
        let top: Vec<(&[u8], u32)> = stats.keys.sorted().into_iter().take(TOP_KEYS).collect();
        let mut slot: FxMap<u32, usize> = FxMap::default();
        let mut names: Vec<(String, &str)> = Vec::new();
        for (i, (k, _)) in top.iter().enumerate() {
            if let Some(ix) = stats.keys.index_of(k) {
                slot.insert(ix, i);
            }
            names.push((
                String::from_utf8_lossy(k).into_owned(),
                PALETTE[i % PALETTE.len()],
            ));
        }
        let other = names.len();
        names.push(("(other or no key)".to_string(), "#c7c7c7"));
        let mut series = vec![vec![0u64; n]; names.len()];
        for (&(minute, ki), &c) in &stats.per_minute_key {
            let b = ((minute * 60).div_euclid(step) * step - t0) / step;
            let s = slot.get(&ki).copied().unwrap_or(other);
            if let Some(v) = series[s].get_mut(b as usize) {
                *v += c;
            }
        }
        o.push_str(&stacked(
            "chart-keys",
            &format!("Events per {unit} by key"),
            t0,
            step,
            &names,
            &series,
        ));
        let mut sys = vec![vec![0u64; n]; 2];
        for (&minute, &(good, bad)) in &stats.per_minute_sys {
            let b = (((minute * 60).div_euclid(step) * step - t0) / step) as usize;
            if b < n {
                sys[0][b] += good;
                sys[1][b] += bad;
            }
        }
        o.push_str(&stacked(
            "chart-syscalls",
            &format!("Successful and failed syscalls per {unit}"),
            t0,
            step,
            &[
                ("successful".to_string(), OK_COLOR),
                ("failed".to_string(), FAIL_COLOR),
            ],
            &sys,
        ));
    } else {
        o.push_str("<p class=\"none\">No events.</p>\n");
    }

    let top = |t: &StrTally, n: usize| -> Vec<(Vec<u8>, u64)> {
        t.sorted()
            .into_iter()
            .take(n)
            .map(|(k, h)| (k.to_vec(), u64::from(h)))
            .collect()
    };
    o.push_str(&hbar(
        "chart-exes",
        "Top executables (events)",
        &top(&stats.exes, 15),
        PALETTE[0],
    ));
    o.push_str(&hbar(
        "chart-users",
        "Top users (events by login uid)",
        &top(&stats.users, 15),
        PALETTE[3],
    ));
    o.push_str(&hbar(
        "chart-failed-logins",
        "Failed logins (account and host)",
        &top(&stats.failed_logins, 15),
        FAIL_COLOR,
    ));

    // Noisiest processes, with the rules that would silence them.
    let procs = stats.top_procs(10);
    let rows: Vec<(Vec<u8>, u64)> = procs.iter().map(|(k, p)| (k.to_vec(), p.events)).collect();
    o.push_str(&hbar(
        "chart-noisy",
        "Top 10 noisiest processes (events by executable)",
        &rows,
        PALETTE[1],
    ));
    if !procs.is_empty() {
        o.push_str(
            "<section><h2>Exclusion rules for the noisiest processes</h2>\
<p>Each rule drops that program's syscall events at the kernel (<code>never</code> rules must \
come before the rules they override: put them first, or use <code>-A</code>). Events that are \
not syscall records (user-space messages) are not affected. Check that you do not need these \
events for compliance before excluding them.</p>\n<table id=\"exclusions\"><tr><th>events</th>\
<th>syscall events</th><th>executable</th><th>rule</th></tr>\n",
        );
        for (exe, p) in &procs {
            let sys: u64 = p.syscalls.values().sum();
            let rules = exclusion_rules(exe, &p.syscalls);
            let rules_html = if rules.is_empty() {
                "<span class=\"none\">no syscall events</span>".to_string()
            } else {
                rules
                    .iter()
                    .map(|r| format!("<code class=\"rule\">{}</code>", esc(r.as_bytes())))
                    .collect::<Vec<_>>()
                    .join("<br>")
            };
            let _ = writeln!(
                o,
                "<tr><td class=\"n\">{}</td><td class=\"n\">{sys}</td><td>{}</td><td>{rules_html}</td></tr>",
                p.events,
                esc(exe)
            );
        }
        o.push_str("</table></section>\n");
    }
    o.push_str("<p class=\"none\">Generated by raudit report.</p></body></html>\n");
    o
}
