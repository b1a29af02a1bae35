//! What the CLI test files share: the binary, the fixtures folder, and whether
//! the binary can run here.

#![allow(dead_code)] // each test file uses its own subset

use std::ffi::OsString;
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

/// What starts the binary: `BIN` itself, or, for a cross target tested
/// under qemu-user, the runner in `$UTMP_TEST_RUNNER` (words split at
/// spaces, say `qemu-s390x-static -L /usr/s390x-linux-gnu`) followed by
/// `BIN`. `cargo xtask test-all` sets it to the target's runner from
/// `.cargo/config.toml`; cargo itself runs only the test binaries through
/// the runner, not the programs they start.
pub fn argv() -> Vec<OsString> {
    let mut argv: Vec<OsString> = std::env::var("UTMP_TEST_RUNNER")
        .unwrap_or_default()
        .split_whitespace()
        .map(OsString::from)
        .collect();
    argv.push(BIN.into());
    argv
}

/// A command that runs the binary under test (see [`argv`]).
pub fn utmp() -> Command {
    let argv = argv();
    let (program, rest) = argv.split_first().expect("argv ends with BIN");
    let mut cmd = Command::new(program);
    cmd.args(rest);
    cmd
}

/// Whether the binary can be spawned here: not when cross-testing under
/// qemu-user without `UTMP_TEST_RUNNER` (or binfmt_misc), where only the
/// test itself runs emulated. Prints a skip line naming `what` otherwise.
pub fn runnable(what: &str) -> bool {
    match utmp().arg("--version").output() {
        Ok(o) if o.status.success() => true,
        Ok(o) => {
            println!(
                "skipped: {what} (cannot run {BIN} here: {}; for a cross target set \
                 UTMP_TEST_RUNNER to its runner, as `cargo xtask test-all` does)",
                o.status
            );
            false
        }
        Err(e) => {
            println!("skipped: {what} (cannot start {:?}: {e})", argv());
            false
        }
    }
}
