//! The checked-in bindings of the systems whose headers are not on this
//! machine (FreeBSD, macOS, illumos, NetBSD): `cargo xtask bindgen --check`
//! cannot regenerate them, so it checks them the way they are proved, by
//! building utmp-sys for each target (`utmp-sys/src/libc_layout.rs` asserts
//! at compile time that their `struct utmpx` is the `libc` crate's), and it
//! shows once that those assertions bite: a copy of utmp-sys whose FreeBSD
//! bindings have one field moved must fail to build, naming the field.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Targets with checked-in bindings written from their system's headers.
pub const TARGETS: &[&str] = &[
    "x86_64-unknown-freebsd",
    "aarch64-apple-darwin",
    "x86_64-apple-darwin",
    "x86_64-unknown-illumos",
    "x86_64-unknown-netbsd",
];

/// The target whose bindings the mutation check breaks.
const MUTATED: &str = "x86_64-unknown-freebsd";

/// What the mutated build must say.
const EXPECTED: &str = "utmp-sys: utmpx::ut_pid: offset differs from libc::utmpx";

/// Whether rustup has installed the standard library of `target`.
pub fn installed(target: &str) -> bool {
    let out = Command::new("rustc").args(["--print", "sysroot"]).output();
    let Ok(out) = out else { return false };
    let sysroot = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    Path::new(&sysroot)
        .join("lib/rustlib")
        .join(target)
        .join("lib")
        .is_dir()
}

/// The target directory of nested builds (the caller's, so they are cached).
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// `cargo check -p utmp-sys --target <target>` with the checked-in bindings.
fn check(manifest_dir: &Path, target: &str, target_dir: &Path) -> Result<(bool, String), String> {
    let out = Command::new(crate::cargo())
        .current_dir(manifest_dir)
        .env("UTMP_SYS_BINDINGS", "pregenerated")
        .env("CARGO_TARGET_DIR", target_dir)
        .args(["check", "--offline", "-p", "utmp-sys", "--target", target])
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    Ok((
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

/// Checks every installed target's bindings, then the mutation. Returns the
/// targets that could not be checked (their standard library is missing).
///
/// # Errors
///
/// A target whose bindings fail their layout assertions, or a mutated copy
/// that builds (or fails for another reason than the moved field).
pub fn run(root: &Path) -> Result<Vec<String>, String> {
    let mut missing = Vec::new();
    let mut failed = Vec::new();
    let tdir = target_dir(root);
    for &target in TARGETS {
        if !installed(target) {
            missing.push(format!("{target} (rustup target add {target})"));
            continue;
        }
        let (ok, stderr) = check(root, target, &tdir)?;
        if ok {
            println!("    layout equals libc's: utmp-sys/bindings/{target}.rs");
        } else {
            println!("    layout check failed:  utmp-sys/bindings/{target}.rs\n{stderr}");
            failed.push(target);
        }
    }
    if !failed.is_empty() {
        return Err(format!(
            "checked-in bindings differ from the libc crate's utmpx: {}",
            failed.join(", ")
        ));
    }
    if installed(MUTATED) {
        mutation(root, &tdir)?;
    }
    Ok(missing)
}

/// Builds a copy of utmp-sys whose FreeBSD bindings have a byte inserted
/// before `ut_pid`; the build must fail with [`EXPECTED`].
fn mutation(root: &Path, tdir: &Path) -> Result<(), String> {
    let copy = tdir.join("layout-mutation");
    let _ = fs::remove_dir_all(&copy);
    copy_dir(&root.join("utmp-sys"), &copy.join("utmp-sys"))?;
    let manifest = fs::read_to_string(root.join("Cargo.toml")).map_err(|e| e.to_string())?;
    write(&copy.join("Cargo.toml"), &only_utmp_sys(&manifest))?;
    if let Ok(lock) = fs::read(root.join("Cargo.lock")) {
        fs::write(copy.join("Cargo.lock"), lock).map_err(|e| e.to_string())?;
    }
    let bindings = copy.join(format!("utmp-sys/bindings/{MUTATED}.rs"));
    let text = fs::read_to_string(&bindings).map_err(|e| e.to_string())?;
    let mutated = mutate(&text).ok_or("no `pub ut_pid:` field in the FreeBSD bindings")?;
    write(&bindings, &mutated)?;
    let (ok, stderr) = check(&copy, MUTATED, &tdir.join("layout-mutation-target"))?;
    let _ = fs::remove_dir_all(&copy);
    if ok {
        return Err(format!(
            "a copy of the {MUTATED} bindings with a byte inserted before ut_pid builds: \
             the layout assertions do not catch a moved field"
        ));
    }
    if !stderr.contains(EXPECTED) {
        return Err(format!(
            "the mutated {MUTATED} bindings failed to build, but not with `{EXPECTED}`:\n{stderr}"
        ));
    }
    println!("    a byte inserted before ut_pid stops the build: `{EXPECTED}`");
    Ok(())
}

/// The workspace manifest with utmp-sys as its only member.
fn only_utmp_sys(manifest: &str) -> String {
    manifest
        .lines()
        .map(|line| {
            if line.starts_with("members =") {
                "members = [\"utmp-sys\"]"
            } else if line.starts_with("default-members =") {
                "default-members = [\"utmp-sys\"]"
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The bindings with a one-byte field inserted before `ut_pid` (which moves
/// it, and every field after it).
fn mutate(bindings: &str) -> Option<String> {
    const FIELD: &str = "    pub ut_pid: ";
    let at = bindings.find(FIELD)?;
    let mut out = bindings.to_owned();
    out.insert_str(at, "    pub mutation: u8,\n");
    Some(out)
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type().map_err(|e| e.to_string())?.is_dir() {
            copy_dir(&src, &dst)?;
        } else {
            fs::copy(&src, &dst).map_err(|e| format!("{}: {e}", src.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutation_moves_ut_pid_of_the_freebsd_bindings() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let text =
            fs::read_to_string(root.join(format!("utmp-sys/bindings/{MUTATED}.rs"))).unwrap();
        let mutated = mutate(&text).unwrap();
        assert_eq!(mutated.len(), text.len() + "    pub mutation: u8,\n".len());
        assert!(mutated.contains("    pub mutation: u8,\n    pub ut_pid: pid_t,"));
        assert_eq!(mutate("struct without the field"), None);
    }

    #[test]
    fn the_copy_has_utmp_sys_as_its_only_member() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let manifest = fs::read_to_string(root.join("Cargo.toml")).unwrap();
        let only = only_utmp_sys(&manifest);
        assert!(only.contains("\nmembers = [\"utmp-sys\"]\n"), "{only}");
        assert!(
            only.contains("\ndefault-members = [\"utmp-sys\"]\n"),
            "{only}"
        );
        assert!(!only.contains("\"utmp-cli\""), "{only}");
    }

    #[test]
    fn every_target_has_checked_in_bindings() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for target in TARGETS {
            let path = root.join(format!("utmp-sys/bindings/{target}.rs"));
            let text = fs::read_to_string(&path).unwrap();
            assert!(text.contains(&format!("// target: {target}\n")), "{path:?}");
        }
    }
}
