//! `cargo xtask bindgen [--check]`: (re)generates `utmp-sys/bindings/<target>.rs`
//! for every supported target from that target's real headers. `--check`
//! generates in memory and fails on any difference from the checked-in files.
//! The bindings of FreeBSD, macOS, illumos and NetBSD, whose headers are not
//! on this machine, are not regenerated; `--check` builds them, which runs
//! their compile-time layout assertions (see `platform_layout`).

#[path = "../../utmp-sys/build/bindgen.rs"]
mod shared;

use std::fs;
use std::io;
use std::path::Path;

/// A target with checked-in bindings.
pub struct Target {
    pub triple: &'static str,
    /// The C headers bindgen reads for it.
    pub headers: &'static str,
    /// The Debian package that provides `headers`.
    pub package: &'static str,
}

/// Every target with checked-in bindings; the headers come from Debian's
/// cross packages (no gcc-multilib: it conflicts with the cross compilers).
pub const TARGETS: &[Target] = &[
    Target {
        triple: "x86_64-unknown-linux-gnu",
        headers: "/usr/include/x86_64-linux-gnu",
        package: "libc6-dev",
    },
    Target {
        triple: "i686-unknown-linux-gnu",
        headers: "/usr/i686-linux-gnu/include",
        package: "libc6-dev-i386-cross",
    },
    Target {
        triple: "aarch64-unknown-linux-gnu",
        headers: "/usr/aarch64-linux-gnu/include",
        package: "libc6-dev-arm64-cross",
    },
    Target {
        triple: "s390x-unknown-linux-gnu",
        headers: "/usr/s390x-linux-gnu/include",
        package: "libc6-dev-s390x-cross",
    },
    Target {
        triple: "x86_64-unknown-linux-musl",
        headers: "/usr/include/x86_64-linux-musl",
        package: "musl-dev",
    },
];

/// Must match `RUST_TARGET` in utmp-sys/build/main.rs (the MSRV).
const RUST_TARGET: (u64, u64) = (82, 0);

/// What a run did when it did not fail.
pub enum Outcome {
    Ok,
    /// `--check` could not look at some targets; the message says what to install.
    Skipped(String),
}

/// Generates the bindings of every target whose headers are installed, and
/// writes them (or, with `check`, compares them with the checked-in files).
///
/// # Errors
///
/// When bindgen fails, a file cannot be read or written, the checked-in
/// bindings differ (`check`), or some target's headers are missing (not `check`).
pub fn run(root: &Path, check: bool) -> Result<Outcome, String> {
    let wrapper = root.join("utmp-sys/wrapper.h");
    let mut missing = Vec::new();
    let mut drift = Vec::new();
    for target in TARGETS {
        if !Path::new(target.headers).exists() {
            missing.push(format!("{} (install {})", target.triple, target.package));
            continue;
        }
        let text = shared::generate(&wrapper, target.triple, RUST_TARGET)?;
        let path = root
            .join("utmp-sys/bindings")
            .join(format!("{}.rs", target.triple));
        if check {
            let old = match fs::read_to_string(&path) {
                Ok(old) => old,
                Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
                Err(e) => return Err(format!("{}: {e}", path.display())),
            };
            if old == text {
                println!("    up to date: {}", path.display());
            } else {
                println!("    differs:    {}", path.display());
                drift.push(path.display().to_string());
            }
        } else {
            fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
            println!("    wrote {}", path.display());
        }
    }
    if check {
        // Bindings written from headers that are not here: proved against
        // the libc crate's layout instead (see platform_layout).
        for skipped in crate::platform_layout::run(root)? {
            missing.push(skipped);
        }
    }
    if !drift.is_empty() {
        return Err(format!(
            "checked-in bindings differ from a fresh bindgen run: {}\n\
             run `cargo xtask bindgen` and commit the result",
            drift.join(", ")
        ));
    }
    if missing.is_empty() {
        Ok(Outcome::Ok)
    } else if check {
        Ok(Outcome::Skipped(format!(
            "bindings check for {}",
            missing.join(", ")
        )))
    } else {
        Err(format!(
            "cannot generate bindings for {}",
            missing.join(", ")
        ))
    }
}
