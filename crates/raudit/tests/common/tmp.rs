//! Temporary directories that remove themselves: every integration test
//! makes its scratch directories with [`TempDir::new`], so nothing is left
//! under `$TMPDIR` after a run, also when the test fails (the directory is
//! removed when the value drops, during unwinding too). Set
//! `RAUDIT_KEEP_TMP=1` to keep them for a look after a failure.
//!
//! Order matters when a process writes into the directory: declare the
//! `TempDir` before whatever stops that process (a `KernelGuard`, a child
//! handle with a `Drop`), so that the process is stopped first (locals drop
//! in reverse order).

use std::ffi::OsStr;
use std::ops::Deref;
use std::path::{Path, PathBuf};

/// `$TMPDIR/raudit-TAG-PID`, created empty; removed with all its contents on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    /// A fresh, empty `$TMPDIR/raudit-TAG-PID` (a leftover of the same name is removed).
    pub fn new(tag: &str) -> TempDir {
        let d = std::env::temp_dir().join(format!("raudit-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("create temporary directory");
        TempDir(d)
    }

    /// A fresh directory with the given subdirectories made in it.
    pub fn with_subdirs(tag: &str, subs: &[&str]) -> TempDir {
        let d = TempDir::new(tag);
        for s in subs {
            std::fs::create_dir_all(d.join(s)).expect("create subdirectory");
        }
        d
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::env::var_os("RAUDIT_KEEP_TMP").is_some() {
            eprintln!("RAUDIT_KEEP_TMP: kept {}", self.0.display());
            return;
        }
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<OsStr> for TempDir {
    fn as_ref(&self) -> &OsStr {
        self.0.as_os_str()
    }
}

/// A tmpfs of `size` mounted on a directory for a test (mode 0700); lazily
/// unmounted on drop, so a test's full-disk or read-only case cannot outlive it.
pub struct Tmpfs(PathBuf);

impl Tmpfs {
    /// Mounts a tmpfs of `size` (`mount -o size=…`: `256k`, `4m`) on `dir`,
    /// created if missing; Err (for a loud skip) when mounting fails.
    pub fn mount(dir: &Path, size: &str) -> Result<Tmpfs, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let st = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0700")])
            .arg("raudit-test")
            .arg(dir)
            .status()
            .map_err(|e| format!("mount: {e}"))?;
        if !st.success() {
            return Err(format!("mount tmpfs on {} failed: {st}", dir.display()));
        }
        Ok(Tmpfs(dir.to_path_buf()))
    }

    /// `mount -o remount,OPT` (e.g. `ro`, `rw`); panics if it fails.
    pub fn remount(&self, opt: &str) {
        let st = std::process::Command::new("mount")
            .args(["-o", &format!("remount,{opt}")])
            .arg(&self.0)
            .status()
            .expect("mount");
        assert!(st.success(), "remount {opt}");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}
