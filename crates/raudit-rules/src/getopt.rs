//! A faithful emulation of GNU `getopt_long` in its default (permuting)
//! mode with `opterr = 0`, because auditctl's behaviour depends on it: option
//! order, clustering (`-lk`), attached arguments (`-pwa`), abbreviated long
//! options (`--sig`), non-options moved to the end, and the `optind` values
//! auditctl inspects afterwards.

/// A long option: name, whether it takes a required argument, and the value
/// returned for it.
#[derive(Debug, Clone, Copy)]
pub struct LongOpt {
    /// Name without the leading `--`.
    pub name: &'static str,
    /// Takes a required argument.
    pub has_arg: bool,
    /// Value returned by `next`.
    pub val: i32,
}

/// What one call returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Got {
    /// A known option (short: its character; long: its `val`), with its
    /// argument if it takes one.
    Opt(i32, Option<Vec<u8>>),
    /// `?`: unknown option, missing argument, or ambiguous long option.
    Bad,
    /// No more options.
    End,
}

/// getopt state over an owned, permutable argument vector (`args[0]` is
/// the program name).
#[derive(Debug, Clone)]
pub struct Getopt {
    /// The (possibly permuted) arguments.
    pub args: Vec<Vec<u8>>,
    /// Index of the next argument to scan.
    pub optind: usize,
    nextchar: Option<(usize, usize)>,
    first_nonopt: usize,
    last_nonopt: usize,
    shorts: &'static [u8],
    longs: &'static [LongOpt],
}

impl Getopt {
    /// Start scanning `args` with the given short option string (letters,
    /// `:` after those taking an argument) and long options.
    pub fn new(args: Vec<Vec<u8>>, shorts: &'static [u8], longs: &'static [LongOpt]) -> Self {
        Getopt {
            args,
            optind: 1,
            nextchar: None,
            first_nonopt: 1,
            last_nonopt: 1,
            shorts,
            longs,
        }
    }

    fn argc(&self) -> usize {
        self.args.len()
    }

    fn is_nonoption(&self, i: usize) -> bool {
        let a = &self.args[i];
        a.first() != Some(&b'-') || a.len() == 1
    }

    /// Move the block of skipped non-options after the options scanned since.
    fn exchange(&mut self) {
        let (bottom, middle, top) = (self.first_nonopt, self.last_nonopt, self.optind);
        // Rotate [bottom, top) so that [middle, top) comes first.
        self.args[bottom..top].rotate_left(middle - bottom);
        self.first_nonopt += top - middle;
        self.last_nonopt = top;
    }

    /// The next option.
    pub fn next_opt(&mut self) -> Got {
        if self.nextchar.is_none() {
            if self.last_nonopt > self.optind {
                self.last_nonopt = self.optind;
            }
            if self.first_nonopt > self.optind {
                self.first_nonopt = self.optind;
            }
            if self.first_nonopt != self.last_nonopt && self.last_nonopt != self.optind {
                self.exchange();
            } else if self.last_nonopt != self.optind {
                self.first_nonopt = self.optind;
            }
            while self.optind < self.argc() && self.is_nonoption(self.optind) {
                self.optind += 1;
            }
            self.last_nonopt = self.optind;

            if self.optind != self.argc() && self.args[self.optind] == b"--" {
                self.optind += 1;
                if self.first_nonopt != self.last_nonopt && self.last_nonopt != self.optind {
                    self.exchange();
                } else if self.first_nonopt == self.last_nonopt {
                    self.first_nonopt = self.optind;
                }
                self.last_nonopt = self.argc();
                self.optind = self.argc();
            }
            if self.optind == self.argc() {
                if self.first_nonopt != self.last_nonopt {
                    self.optind = self.first_nonopt;
                }
                return Got::End;
            }
            let a = &self.args[self.optind];
            if a.len() > 2 && a[1] == b'-' {
                return self.long_opt();
            }
            self.nextchar = Some((self.optind, 1));
        }
        self.short_opt()
    }

    fn long_opt(&mut self) -> Got {
        let arg = self.args[self.optind].clone();
        let body = &arg[2..];
        let (name, value) = match body.iter().position(|&c| c == b'=') {
            Some(p) => (&body[..p], Some(body[p + 1..].to_vec())),
            None => (body, None),
        };
        let mut found: Option<&LongOpt> = None;
        let mut ambiguous = false;
        for o in self.longs {
            if o.name.as_bytes() == name {
                found = Some(o);
                ambiguous = false;
                break;
            }
            if o.name.as_bytes().starts_with(name) {
                match found {
                    None => found = Some(o),
                    Some(f) if f.has_arg != o.has_arg || f.val != o.val => ambiguous = true,
                    Some(_) => {}
                }
            }
        }
        self.optind += 1;
        self.nextchar = None;
        if ambiguous {
            return Got::Bad;
        }
        let Some(o) = found else {
            return Got::Bad;
        };
        match (o.has_arg, value) {
            (false, Some(_)) => Got::Bad,
            (false, None) => Got::Opt(o.val, None),
            (true, Some(v)) => Got::Opt(o.val, Some(v)),
            (true, None) => {
                if self.optind < self.argc() {
                    let v = self.args[self.optind].clone();
                    self.optind += 1;
                    Got::Opt(o.val, Some(v))
                } else {
                    Got::Bad
                }
            }
        }
    }

    fn short_opt(&mut self) -> Got {
        let Some((ai, ci)) = self.nextchar else {
            return Got::End;
        };
        let arg = &self.args[ai];
        let c = arg[ci];
        let at_end = ci + 1 >= arg.len();
        self.nextchar = if at_end { None } else { Some((ai, ci + 1)) };
        if at_end {
            self.optind += 1;
        }
        let spec = self.shorts.iter().position(|&s| s == c);
        let Some(pos) = spec.filter(|_| c != b':' && c != b';') else {
            return Got::Bad;
        };
        let takes_arg = self.shorts.get(pos + 1) == Some(&b':');
        if !takes_arg {
            return Got::Opt(c as i32, None);
        }
        if !at_end {
            let v = arg[ci + 1..].to_vec();
            self.optind += 1;
            self.nextchar = None;
            return Got::Opt(c as i32, Some(v));
        }
        self.nextchar = None;
        if self.optind == self.argc() {
            return Got::Bad;
        }
        let v = self.args[self.optind].clone();
        self.optind += 1;
        Got::Opt(c as i32, Some(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONGS: &[LongOpt] = &[
        LongOpt {
            name: "reset-lost",
            has_arg: false,
            val: 3,
        },
        LongOpt {
            name: "reset_backlog_wait_time_actual",
            has_arg: false,
            val: 4,
        },
        LongOpt {
            name: "signal",
            has_arg: true,
            val: 5,
        },
    ];

    fn g(args: &[&str]) -> Getopt {
        Getopt::new(
            args.iter().map(|s| s.as_bytes().to_vec()).collect(),
            b"hilsp:k:",
            LONGS,
        )
    }

    fn all(go: &mut Getopt) -> Vec<Got> {
        let mut v = Vec::new();
        loop {
            let x = go.next_opt();
            if x == Got::End {
                break;
            }
            v.push(x);
        }
        v
    }

    #[test]
    fn clusters_and_attached() {
        let mut go = g(&["p", "-li", "-pwa", "-k", "key"]);
        assert_eq!(
            all(&mut go),
            vec![
                Got::Opt(b'l' as i32, None),
                Got::Opt(b'i' as i32, None),
                Got::Opt(b'p' as i32, Some(b"wa".to_vec())),
                Got::Opt(b'k' as i32, Some(b"key".to_vec())),
            ]
        );
        assert_eq!(go.optind, 5);
    }

    #[test]
    fn permutes_nonoptions() {
        let mut go = g(&["p", "x", "-l", "y", "-i"]);
        assert_eq!(
            all(&mut go),
            vec![Got::Opt(b'l' as i32, None), Got::Opt(b'i' as i32, None)]
        );
        assert_eq!(go.optind, 3);
        assert_eq!(go.args[3], b"x");
        assert_eq!(go.args[4], b"y");
    }

    #[test]
    fn long_options() {
        let mut go = g(&[
            "p",
            "--sig=TERM",
            "--reset-l",
            "--reset",
            "--signal",
            "HUP",
            "--signal",
        ]);
        assert_eq!(
            all(&mut go),
            vec![
                Got::Opt(5, Some(b"TERM".to_vec())),
                Got::Opt(3, None),
                Got::Bad,
                Got::Opt(5, Some(b"HUP".to_vec())),
                Got::Bad,
            ]
        );
    }

    #[test]
    fn missing_argument_and_unknown() {
        let mut go = g(&["p", "-z", "-k"]);
        assert_eq!(all(&mut go), vec![Got::Bad, Got::Bad]);
        assert_eq!(go.optind, 3);
    }

    #[test]
    fn double_dash_ends() {
        let mut go = g(&["p", "-l", "--", "-i"]);
        assert_eq!(all(&mut go), vec![Got::Opt(b'l' as i32, None)]);
        assert_eq!(go.optind, 3);
    }

    #[test]
    fn lone_dash_is_nonoption() {
        let mut go = g(&["p", "-", "-l"]);
        assert_eq!(all(&mut go), vec![Got::Opt(b'l' as i32, None)]);
        assert_eq!(go.optind, 2);
        assert_eq!(go.args[2], b"-");
    }
}
