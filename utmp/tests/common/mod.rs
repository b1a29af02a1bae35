//! What the test files share: where the shared fixtures are, and running a
//! test of the same binary again as `nobody`.

#![allow(dead_code)] // each test file uses its own subset

use std::path::{Path, PathBuf};

/// The fixtures folder: `$UTMP_FIXTURES` when set, else `../shared/fixtures`
/// next to the repository; `None` when it is not a folder.
pub fn fixtures_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("UTMP_FIXTURES") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures"),
    };
    dir.is_dir().then_some(dir)
}

/// How a skip line says that the fixtures are missing.
pub const NOT_FOUND: &str =
    "fixtures folder not found: ../shared/fixtures next to the repository, or set UTMP_FIXTURES";

/// Runs the ignored test `child` of this test binary again as the user
/// `nobody` (root reads every file, so a permission test must drop it),
/// with `env` set; through the cross runner in `UTMP_TEST_RUNNER` when there
/// is one (`cargo xtask test-all` sets it under qemu-user). `Ok` when the
/// child passed and printed `marker`; `Err` with why it could not run (for a
/// skip line). A child that ran and failed fails the calling test.
pub fn run_as_nobody(child: &str, env: (&str, &Path), marker: &str) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("no test binary path: {e}"))?;
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
        // A directory on the binary's path that nobody may not enter, or a
        // cross target under qemu without UTMP_TEST_RUNNER.
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
