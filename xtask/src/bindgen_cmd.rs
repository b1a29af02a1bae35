//! `cargo xtask bindgen [--check]`: (re)generates `utmp-sys/bindings/<target>.rs`
//! for every supported target from that target's real headers.

#[path = "../../utmp-sys/build/bindgen.rs"]
mod shared;

use std::fs;
use std::path::Path;

/// Targets with checked-in bindings, and the header directory each one needs
/// (from Debian's cross packages) with the package that provides it.
pub const TARGETS: &[(&str, &str, &str)] = &[
    ("x86_64-unknown-linux-gnu", "/usr/include/x86_64-linux-gnu", "libc6-dev"),
    ("i686-unknown-linux-gnu", "/usr/include/x86_64-linux-gnu/gnu/stubs-32.h", "gcc-multilib"),
    ("aarch64-unknown-linux-gnu", "/usr/aarch64-linux-gnu/include", "libc6-dev-arm64-cross"),
    ("s390x-unknown-linux-gnu", "/usr/s390x-linux-gnu/include", "libc6-dev-s390x-cross"),
    ("x86_64-unknown-linux-musl", "/usr/include/x86_64-linux-musl", "musl-dev"),
];

/// Must match `RUST_TARGET` in utmp-sys/build/main.rs (the MSRV).
const RUST_TARGET: (u64, u64) = (82, 0);

/// What a `--check` run found.
pub enum Outcome {
    Ok,
    /// Some pieces are missing; the message says what to install.
    Skipped(String),
}

pub fn run(root: &Path, check: bool) -> Result<Outcome, String> {
    let wrapper = root.join("utmp-sys/wrapper.h");
    let mut missing = Vec::new();
    let mut drift = Vec::new();
    for &(target, headers, package) in TARGETS {
        if !Path::new(headers).exists() {
            missing.push(format!("{target} (install {package})"));
            continue;
        }
        let text = shared::generate(&wrapper, target, RUST_TARGET)?;
        let path = root.join("utmp-sys/bindings").join(format!("{target}.rs"));
        if check {
            let old = fs::read_to_string(&path).unwrap_or_default();
            if old == text {
                println!("    up to date: {}", path.display());
            } else {
                drift.push(path.display().to_string());
            }
        } else {
            fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
            println!("    wrote {}", path.display());
        }
    }
    if !drift.is_empty() {
        return Err(format!(
            "checked-in bindings differ from a fresh bindgen run: {}\nrun `cargo xtask bindgen` and commit the result",
            drift.join(", ")
        ));
    }
    if missing.is_empty() {
        Ok(Outcome::Ok)
    } else {
        let why = format!("bindings for {}", missing.join(", "));
        if !check {
            return Err(format!("cannot generate {why}"));
        }
        Ok(Outcome::Skipped(why))
    }
}
