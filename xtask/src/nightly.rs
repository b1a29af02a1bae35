//! The checks that need the nightly toolchain, for `cargo xtask test-all`:
//! Miri over the library's byte-level unit tests, and ThreadSanitizer over the
//! concurrency test. Each returns `Ok(Some(why))` when it cannot run here (the
//! step is then shown as skipped, never as passed).

use std::path::Path;

use crate::fuzz::{has_components, has_nightly, nightly_cargo};

const MIRI_HINT: &str = "install: rustup toolchain install nightly --profile minimal \
                         --component miri,rust-src";

/// `cargo +nightly miri test -p utmp --lib`.
pub fn miri(root: &Path) -> Result<Option<String>, String> {
    if !has_nightly() || !has_components(&["miri", "rust-src"]) {
        return Ok(Some(format!("miri ({MIRI_HINT})")));
    }
    let args = ["miri", "test", "-p", "utmp", "--lib"];
    println!("$ cargo +nightly {}", args.join(" "));
    // Isolation stays on; a test that reaches for the file system or the
    // clock gets an error from it (as a missing file) instead of an abort.
    // Property tests run 8 cases each (Miri runs code about 1000x slower; the
    // native test steps run the full 256); the slowest are ignored under Miri.
    let flags = "-Zmiri-isolation-error=warn-nobacktrace -Zmiri-env-forward=PROPTEST_CASES";
    println!("  (MIRIFLAGS='{flags}' PROPTEST_CASES=8)");
    let status = nightly_cargo()
        .args(args)
        .env("MIRIFLAGS", flags)
        .env("PROPTEST_CASES", "8")
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo +nightly miri: {e}"))?;
    if status.success() {
        Ok(None)
    } else {
        Err(format!("miri: {status}"))
    }
}

/// The concurrency test under ThreadSanitizer (std rebuilt with it, in its own
/// target directory so the normal build is not invalidated).
pub fn tsan(root: &Path) -> Result<Option<String>, String> {
    const TARGET: &str = "x86_64-unknown-linux-gnu";
    if std::env::consts::ARCH != "x86_64" || std::env::consts::OS != "linux" {
        return Ok(Some(format!("tsan (runs on an {TARGET} host only)")));
    }
    if !has_nightly() || !has_components(&["rust-src"]) {
        return Ok(Some(
            "tsan (install: rustup toolchain install nightly --profile minimal --component rust-src)"
                .to_owned(),
        ));
    }
    let args = [
        "test",
        "-Zbuild-std",
        "--target",
        TARGET,
        "-p",
        "utmp",
        "--test",
        "concurrency",
    ];
    let target_dir = root.join("target/tsan");
    println!(
        "$ RUSTFLAGS=-Zsanitizer=thread CARGO_TARGET_DIR={} cargo +nightly {}",
        target_dir.display(),
        args.join(" ")
    );
    let status = nightly_cargo()
        .args(args)
        .env("RUSTFLAGS", "-Zsanitizer=thread")
        .env("RUSTDOCFLAGS", "-Zsanitizer=thread")
        .env("CARGO_TARGET_DIR", &target_dir)
        // Fail on the first report rather than printing and going on.
        .env("TSAN_OPTIONS", "halt_on_error=1")
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo +nightly test: {e}"))?;
    if status.success() {
        Ok(None)
    } else {
        Err(format!("tsan: {status}"))
    }
}
