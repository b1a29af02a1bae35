//! Unit tests' skip lines, said and decided as the integration tests'
//! (`tests/common/skip.rs`): `skipped: <why>`, a failure under
//! `UTMP_STRICT=1`.

use std::fmt::Display;
use std::path::{Path, PathBuf};

/// Says that a check did not run: prints `skipped: <why>`, where `why`
/// names the check and what is missing (`(install X)`). Under
/// `UTMP_STRICT=1` the test fails with that line instead.
#[track_caller]
pub(crate) fn skip(why: impl Display) {
    let strict = std::env::var_os("UTMP_STRICT").is_some_and(|v| v == "1");
    assert!(!strict, "skipped under UTMP_STRICT=1: {why}");
    println!("skipped: {why}");
}

/// A fixture file, named as under the fixtures' top folder: the MIT ones
/// (`s4/`, `utmp-rs/`) from the repository's `fixtures/`, the others
/// (util-linux's GPL suite, the wtmpdb outputs) from `$UTMP_FIXTURES` or
/// `../shared/fixtures`. `None`, after a skip line naming `what`, when that
/// folder is absent; the skip fails a strict run only when `UTMP_FIXTURES`
/// named it (a clone alone cannot have those files), as the integration
/// tests decide (`tests/common/skip.rs`).
#[track_caller]
pub(crate) fn fixture(rel: &str, what: &str) -> Option<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    if rel.starts_with("s4/") || rel.starts_with("utmp-rs/") {
        return Some(manifest.join("../fixtures").join(rel));
    }
    let named = std::env::var_os("UTMP_FIXTURES").filter(|d| !d.is_empty());
    let dir = match &named {
        Some(d) => PathBuf::from(d),
        None => manifest.join("../../shared/fixtures"),
    };
    if dir.is_dir() {
        return Some(dir.join(rel));
    }
    let why = format_args!("{what} on {rel} (optional fixtures not found: set UTMP_FIXTURES)");
    match named {
        Some(_) => skip(why),
        None => println!("skipped: {why}"),
    }
    None
}
