//! The project's task runner, in the cargo-xtask manner: `cargo xtask <command>`
//! (the alias lives in `.cargo/config.toml`). Plain std, one module per command.

mod bench;
mod bindgen_cmd;
mod fuzz;
mod nightly;
mod platform_layout;
mod test_all;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  test-all [WORD..] run every check (fmt, clippy, doc, tests, package, bindings, cross matrix);
                    with WORDs, only the steps whose names contain one (say `cross`)
  bindgen [--check] regenerate utmp-sys/bindings/<target>.rs; --check only compares
                    (FreeBSD, macOS, illumos, NetBSD: --check builds them against libc's layout)
  bench [PART]      generate a 1M-record wtmp, time readers and commands side by side, and
                    the follow latency, write BENCHMARKS.md (PART `commands`: only the commands
                    against cat and their peers; `logind`: only `utmp who` over 10,000 logind
                    session files; `follow`: only the follow latency; `zones`: only
                    last/dump/who under TZ=Europe/Berlin and America/New_York against UTC;
                    printed)
  fuzz [--seconds N] run every fuzz target N seconds (default 60; nightly, cargo-fuzz)
  help              print this message";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => return Err(format!("no command given\n\n{USAGE}")),
    };
    let root = root()?;
    match command {
        "test-all" => test_all::run(&root, rest),
        "bindgen" => {
            let check = match rest {
                [] => false,
                [flag] if flag == "--check" => true,
                _ => return Err(format!("bindgen takes only --check\n\n{USAGE}")),
            };
            match bindgen_cmd::run(&root, check)? {
                bindgen_cmd::Outcome::Ok => Ok(()),
                bindgen_cmd::Outcome::Skipped(why) => {
                    println!("skipped: {why}");
                    Ok(())
                }
            }
        }
        "bench" => bench::run(&root, rest),
        "fuzz" => fuzz::run(&root, rest),
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    }
}

/// The workspace root: the parent of this crate's directory.
fn root() -> Result<PathBuf, String> {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| format!("{} has no parent directory", manifest_dir.display()))
}

/// The cargo that runs us (`$CARGO`), so nested runs use the same toolchain.
pub fn cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// The optional fixtures folder (util-linux's test suite, the wtmpdb
/// outputs), as the tests look for it: `$UTMP_FIXTURES` when set, else
/// `../shared/fixtures` next to the repository. The redistributable ones
/// are in the repository, in `fixtures/`.
pub fn optional_fixtures_dir(root: &Path) -> PathBuf {
    match std::env::var_os("UTMP_FIXTURES") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => root.join("../shared/fixtures"),
    }
}
