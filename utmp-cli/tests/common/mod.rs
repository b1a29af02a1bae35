//! What the CLI test files share: the binary, the fixtures folder, and whether
//! the binary can run here.

#![allow(dead_code)] // each test file uses its own subset

use std::path::{Path, PathBuf};
use std::process::Command;

/// The `utmp` binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_utmp");

/// The fixtures folder (`$UTMP_FIXTURES` when set, else `../shared/fixtures`
/// next to the repository), or `None` with a skip line naming what was
/// skipped.
pub fn fixtures(what: &str) -> Option<PathBuf> {
    let dir = match std::env::var_os("UTMP_FIXTURES") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures"),
    };
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "skipped: {what} (fixtures folder not found: ../shared/fixtures next to \
             the repository, or set UTMP_FIXTURES)"
        );
        None
    }
}

/// Whether the binary can be spawned here: not when cross-testing under
/// qemu-user without binfmt_misc, where only the test itself runs emulated.
/// Prints a skip line naming `what` otherwise.
pub fn runnable(what: &str) -> bool {
    match Command::new(BIN).arg("--version").output() {
        Ok(o) if o.status.success() => true,
        other => {
            println!("skipped: {what} (cannot run {BIN} here: {other:?})");
            false
        }
    }
}
