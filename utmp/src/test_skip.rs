//! Unit tests' skip lines, said and decided as the integration tests'
//! (`tests/common/skip.rs`): `skipped: <why>`, a failure under
//! `UTMP_STRICT=1`.

use std::fmt::Display;

/// Says that a check did not run: prints `skipped: <why>`, where `why`
/// names the check and what is missing (`(install X)`). Under
/// `UTMP_STRICT=1` the test fails with that line instead.
#[track_caller]
pub(crate) fn skip(why: impl Display) {
    let strict = std::env::var_os("UTMP_STRICT").is_some_and(|v| v == "1");
    assert!(!strict, "skipped under UTMP_STRICT=1: {why}");
    println!("skipped: {why}");
}
