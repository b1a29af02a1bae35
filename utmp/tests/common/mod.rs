//! What the test files share: saying that a check did not run, where the
//! fixtures are ([`skip`]), a private mount namespace ([`namespace`]), and
//! running a test of the same binary again as `nobody`.

#![allow(dead_code)] // each test file uses its own subset

pub mod namespace;
mod skip;

pub use skip::*;

use std::path::{Path, PathBuf};

/// A copy of the program `exe` in a fresh directory under the temporary
/// directory that everybody may enter, so that `nobody` can run it even when
/// the checkout sits under a directory that only its owner may enter (a
/// 0700 home directory). The copy and its directory are removed on drop.
pub struct ReachableCopy {
    dir: PathBuf,
    /// The copied program.
    pub path: PathBuf,
}

impl ReachableCopy {
    /// Copies `exe`; `Err` says why it could not be copied.
    pub fn of(exe: &Path) -> Result<ReachableCopy, String> {
        use std::os::unix::fs::PermissionsExt;
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "utmp-nobody-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let name = exe.file_name().ok_or("program path has no file name")?;
        let path = dir.join(name);
        let copy = || -> std::io::Result<()> {
            std::fs::create_dir_all(&dir)?;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))?;
            std::fs::copy(exe, &path)?;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
        };
        copy().map_err(|e| format!("cannot copy {} to {}: {e}", exe.display(), dir.display()))?;
        Ok(ReachableCopy { dir, path })
    }
}

impl Drop for ReachableCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs the ignored test `child` of this test binary again as the user
/// `nobody` (root reads every file, so a permission test must drop it),
/// with `env` set; through the cross runner in `UTMP_TEST_RUNNER` when there
/// is one (`cargo xtask test-all` sets it under qemu-user). The binary runs
/// from a copy that nobody can reach ([`ReachableCopy`]). `Ok` when the
/// child passed and printed `marker`; `Err` with why it could not run (for a
/// skip line). A child that ran and failed fails the calling test.
pub fn run_as_nobody(child: &str, env: (&str, &Path), marker: &str) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("no test binary path: {e}"))?;
    let copy = ReachableCopy::of(&exe)?;
    let exe = copy.path.clone();
    let runner = std::env::var("UTMP_TEST_RUNNER").unwrap_or_default();
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .args(runner.split_whitespace())
        .arg(&exe)
        .args(["--exact", child, "--ignored", "--nocapture"])
        .env(env.0, env.1)
        .output()
        .map_err(|e| format!("setpriv: {e}; install util-linux"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !stdout.contains("running 1 test") {
        // A cross target under qemu without UTMP_TEST_RUNNER, or no
        // setpriv.
        return Err(format!(
            "cannot run {} as nobody: {}",
            exe.display(),
            stderr.trim()
        ));
    }
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains(marker), "{stdout}");
    Ok(())
}
