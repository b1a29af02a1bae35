//! Decides where the bindings come from, once, and copies them to
//! `OUT_DIR/bindings.rs`: bindgen on the host headers, or the checked-in
//! `bindings/<target>.rs` when bindgen cannot run.

#[path = "bindgen.rs"]
mod bindgen_run;

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

/// The MSRV (`rust-version` in Cargo.toml), which the bindings are written for.
const RUST_TARGET: (u64, u64) = (82, 0);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Auto,
    Bindgen,
    Pregenerated,
}

fn main() {
    println!("cargo:rerun-if-env-changed=UTMP_SYS_BINDINGS");
    println!("cargo:rerun-if-env-changed=LIBCLANG_PATH");
    println!("cargo:rerun-if-changed=wrapper.h");
    println!("cargo:rerun-if-changed=build/bindgen.rs");

    let manifest =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out =
        PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("bindings.rs");
    let target = env::var("TARGET").expect("cargo sets TARGET");
    let pregenerated = manifest.join("bindings").join(format!("{target}.rs"));
    println!("cargo:rerun-if-changed={}", pregenerated.display());

    let mode = match env::var("UTMP_SYS_BINDINGS").as_deref() {
        Err(_) | Ok("") | Ok("auto") => Mode::Auto,
        Ok("bindgen") => Mode::Bindgen,
        Ok("pregenerated") => Mode::Pregenerated,
        Ok(other) => fail(&format!(
            "UTMP_SYS_BINDINGS={other:?} is not one of auto, bindgen, pregenerated"
        )),
    };

    // Building for another operating system than the host's (checking the
    // FreeBSD crates on Linux): clang would read the host's own headers as
    // the target's, so the checked-in bindings are the only right answer.
    let foreign = !same_os(&env::var("HOST").unwrap_or_default(), &target);
    let text = match mode {
        Mode::Pregenerated => read_pregenerated(&pregenerated, &target),
        Mode::Auto if foreign && pregenerated.is_file() => {
            read_pregenerated(&pregenerated, &target)
        }
        Mode::Bindgen | Mode::Auto => {
            match bindgen_run::generate(&manifest.join("wrapper.h"), &target, RUST_TARGET) {
                Ok(text) => text,
                Err(why) if mode == Mode::Auto && pregenerated.is_file() => {
                    println!(
                        "cargo:warning=utmp-sys: bindgen failed ({}); using the checked-in {}",
                        first_line(&why),
                        pregenerated.display()
                    );
                    read_pregenerated(&pregenerated, &target)
                }
                Err(why) => fail(&install_hint(&why, &target, mode)),
            }
        }
    };
    if let Err(e) = fs::write(&out, text) {
        fail(&format!("cannot write {}: {e}", out.display()));
    }
}

fn read_pregenerated(path: &Path, target: &str) -> String {
    match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => fail(&format!(
            "UTMP_SYS_BINDINGS=pregenerated, but there are no checked-in bindings for {target} \
             ({}: {e}); unset it to run bindgen",
            path.display()
        )),
    }
}

/// Whether two target triples name the same operating system (and so the
/// host's headers are the target's, or a cross sysroot of it is installed).
fn same_os(host: &str, target: &str) -> bool {
    const SYSTEMS: &[&str] = &[
        "-linux", "-darwin", "-freebsd", "-netbsd", "-openbsd", "-illumos", "-solaris",
    ];
    let os = |triple: &str| SYSTEMS.iter().position(|os| triple.contains(os));
    os(host) == os(target)
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

fn install_hint(why: &str, target: &str, mode: Mode) -> String {
    let fallback = if mode == Mode::Bindgen {
        "UTMP_SYS_BINDINGS=bindgen forbids the checked-in fallback.".to_owned()
    } else {
        format!("There are no checked-in bindings for {target} to fall back to.")
    };
    format!(
        "could not generate bindings for <utmpx.h>: {why}\n\n{fallback}\n\
         bindgen needs libclang and the C library headers. Install them:\n\
         \x20 Debian/Ubuntu: apt-get install libclang-dev libc6-dev\n\
         \x20 Fedora:        dnf install clang-devel glibc-devel\n\
         \x20 macOS:         xcode-select --install\n\
         \x20 FreeBSD:       pkg install llvm\n\
         or point LIBCLANG_PATH at the directory that holds libclang.so."
    )
}

fn fail(msg: &str) -> ! {
    eprintln!("error: utmp-sys: {msg}");
    std::process::exit(1);
}
