//! Where the shared fixtures are, for the test files that read them.

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
