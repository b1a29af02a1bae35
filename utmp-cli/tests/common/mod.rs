//! What the CLI test files share: the binary, whether it can run here,
//! saying that a check did not run and where the fixtures are (the library's
//! `tests/common/skip.rs`), and the library tests' private mount namespace.

#![allow(dead_code)] // each test file uses its own subset

#[path = "../../../utmp/tests/common/namespace.rs"]
pub mod namespace;
#[path = "../../../utmp/tests/common/skip.rs"]
mod skip;

pub use skip::*;

use std::ffi::OsString;
use std::process::Command;

/// The `utmp` binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_utmp");

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
            skip(format_args!(
                "{what} (cannot run {BIN} here: {}; for a cross target set \
                 UTMP_TEST_RUNNER to its runner, as `cargo xtask test-all` does)",
                o.status
            ));
            false
        }
        Err(e) => {
            skip(format_args!("{what} (cannot start {:?}: {e})", argv()));
            false
        }
    }
}
