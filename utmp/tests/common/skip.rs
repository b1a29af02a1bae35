//! Checks that did not run, and where the fixtures are. Shared by the test
//! crates of `utmp` and `utmp-cli` (the CLI's `common` includes this file
//! with `#[path]`), so both say and decide it the same way.

use std::fmt::Display;
use std::path::{Path, PathBuf};

/// Whether `UTMP_STRICT=1` is set: then every skip fails its test
/// (`.ci/run` sets it, through `cargo xtask test-all`, for the steps that
/// this machine can run whole).
pub fn strict() -> bool {
    std::env::var_os("UTMP_STRICT").is_some_and(|v| v == "1")
}

/// Says that a check did not run: prints `skipped: <why>`, where `why`
/// names the check and, in parentheses, what is missing (`(install X)`).
/// Under `UTMP_STRICT=1` the test fails with that line instead.
#[track_caller]
pub fn skip(why: impl Display) {
    assert!(!strict(), "skipped under UTMP_STRICT=1: {why}");
    println!("skipped: {why}");
}

/// Says that a check did not run for a reason CI can never remove, so that
/// `UTMP_STRICT=1` does not fail it: a tool that no Debian 12 package
/// provides (`wtmpdb`, packaged from Debian 13 on), or a file of the live
/// system that a test must not create (`/var/run/utmp` in a container).
/// Prints `skipped: <why>` as [`skip`] does; `cargo xtask test-all` lists
/// it under its summary like every skip line.
pub fn skip_not_on_ci(why: impl Display) {
    println!("skipped: {why}");
}

/// The fixtures kept in the repository (`fixtures/` at the top: the
/// utmp-rs samples and the s4 captures, MIT; see `fixtures/README.md`).
/// They are always there: a checkout without them is broken.
pub fn repo_fixtures() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    assert!(
        dir.join("README.md").is_file(),
        "{} is missing from the checkout",
        dir.display()
    );
    dir
}

/// The optional fixtures that may not be redistributed with the project
/// (`util-linux/`, util-linux's GPL test suite; `wtmpdb/`, what wtmpdb
/// printed): the folder `$UTMP_FIXTURES` names, else `../shared/fixtures`
/// next to the repository. `None`, after a skip line naming `what`, when
/// it is not there; that skip fails a strict run only when `$UTMP_FIXTURES`
/// named the folder (a clone on its own cannot have these files).
#[track_caller]
pub fn optional_fixtures(what: &str) -> Option<PathBuf> {
    let dir = match std::env::var_os("UTMP_FIXTURES") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures"),
    };
    if dir.is_dir() {
        Some(dir)
    } else if std::env::var_os("UTMP_FIXTURES").is_some_and(|d| !d.is_empty()) {
        // Named but absent: a mistake, which strict runs fail on.
        skip(format_args!("{what} ({NOT_FOUND})"));
        None
    } else {
        // Not named and not beside the repository: a clone on its own,
        // which cannot have them (their licence keeps them out of it).
        skip_not_on_ci(format_args!("{what} ({NOT_FOUND})"));
        None
    }
}

/// The fixture file `rel`, named as under the fixtures' top folder
/// (`s4/...`, `utmp-rs/...`, `util-linux/...`, `wtmpdb/...`): from the
/// repository's `fixtures/` when it is one of those, else from
/// [`optional_fixtures`] (`None` after a skip line when that is absent).
#[track_caller]
pub fn fixture(rel: &str) -> Option<PathBuf> {
    let repo = repo_fixtures();
    let top = rel.split('/').next().unwrap_or(rel);
    if repo.join(top).is_dir() {
        Some(repo.join(rel))
    } else {
        optional_fixtures(rel).map(|dir| dir.join(rel))
    }
}

/// Why [`optional_fixtures`] found nothing.
pub const NOT_FOUND: &str = "optional fixtures (util-linux, wtmpdb) not found: set \
     UTMP_FIXTURES to their folder, or put it at ../shared/fixtures next to the repository";
