//! `cargo xtask fuzz [--seconds N]`: every target of the `fuzz/` crate (its own
//! workspace, cargo-fuzz's layout) for N seconds each (default 60), with seed
//! corpora made first. Needs the nightly toolchain; installs cargo-fuzz
//! (`cargo install cargo-fuzz --locked`) when it is missing.
//!
//! Seeds go to `fuzz/corpus/<target>/` (git-ignored): the files of
//! `fixtures/` and of the optional fixtures (`../shared/fixtures`, or
//! `$UTMP_FIXTURES`) that suit the target, and records and text made with the
//! library's own encoder and dumpers (`cargo run --example seeds` in `fuzz/`).
//! A crash leaves its input in `fuzz/artifacts/<target>/` and fails the run;
//! turn it into a regression test in the normal suite.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// What `cargo fuzz` needs, and how to get it, as one skip message.
pub const INSTALL_HINT: &str =
    "install nightly: rustup toolchain install nightly; cargo install cargo-fuzz";

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let seconds = match args {
        [] => 60,
        [flag, n] if flag == "--seconds" => n
            .parse::<u64>()
            .map_err(|e| format!("--seconds {n}: {e}"))?,
        _ => return Err("fuzz takes only --seconds N".to_owned()),
    };
    if !has_nightly() {
        return Err(format!("fuzz needs the nightly toolchain ({INSTALL_HINT})"));
    }
    if !has_cargo_fuzz() {
        println!("$ cargo install cargo-fuzz --locked");
        let status = Command::new(crate::cargo())
            .args(["install", "cargo-fuzz", "--locked"])
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!(
                "`cargo install cargo-fuzz --locked` failed ({status})"
            ));
        }
    }
    let report = run_all(root, seconds, true)?;
    println!("\n==> fuzz summary ({seconds} s per target)");
    for line in &report.lines {
        println!("{line}");
    }
    if report.failed.is_empty() {
        Ok(())
    } else {
        Err(format!("fuzz targets failed: {}", report.failed.join(", ")))
    }
}

/// The short run of `cargo xtask test-all`: every target for `seconds` each,
/// when nightly and cargo-fuzz are both here (nothing is installed).
pub fn smoke(root: &Path, seconds: u64) -> Result<Option<String>, String> {
    if !has_nightly() || !has_cargo_fuzz() {
        return Ok(Some(format!("fuzz smoke ({INSTALL_HINT})")));
    }
    // Fixture seeds only: building the encoder's seed maker costs minutes.
    let report = run_all(root, seconds, false)?;
    for line in &report.lines {
        println!("{line}");
    }
    if report.failed.is_empty() {
        Ok(None)
    } else {
        Err(format!("fuzz targets failed: {}", report.failed.join(", ")))
    }
}

struct Report {
    lines: Vec<String>,
    failed: Vec<String>,
}

fn run_all(root: &Path, seconds: u64, encoder_seeds: bool) -> Result<Report, String> {
    let fuzz_dir = root.join("fuzz");
    let targets = targets(&fuzz_dir)?;
    seed(root, &fuzz_dir, &targets, encoder_seeds)?;
    let mut report = Report {
        lines: Vec::new(),
        failed: Vec::new(),
    };
    for target in &targets {
        let max_time = format!("-max_total_time={seconds}");
        let args = ["fuzz", "run", target.as_str(), "--", max_time.as_str()];
        println!("$ cargo +nightly {}", args.join(" "));
        let start = Instant::now();
        let status = nightly_cargo()
            .args(args)
            .current_dir(&fuzz_dir)
            .status()
            .map_err(|e| format!("cannot run cargo +nightly fuzz: {e}"))?;
        let took = start.elapsed().as_secs_f64();
        if status.success() {
            report
                .lines
                .push(format!("{target:16} passed  {took:7.1} s (with build)"));
        } else {
            report.lines.push(format!(
                "{target:16} FAILED  {took:7.1} s: {status}; input in {}",
                fuzz_dir.join("artifacts").join(target).display()
            ));
            report.failed.push(target.clone());
        }
    }
    Ok(report)
}

/// The `[[bin]]` names of `fuzz/Cargo.toml`: its targets.
fn targets(fuzz_dir: &Path) -> Result<Vec<String>, String> {
    let manifest = fuzz_dir.join("Cargo.toml");
    let text = fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    let mut in_bin = false;
    let mut names = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if in_bin {
            if let Some(value) = line.strip_prefix("name").map(str::trim_start) {
                if let Some(value) = value.strip_prefix('=') {
                    names.push(value.trim().trim_matches('"').to_owned());
                }
            }
        }
    }
    if names.is_empty() {
        return Err(format!("{} names no [[bin]] targets", manifest.display()));
    }
    Ok(names)
}

/// Which fixture files suit a target: binary records or text.
fn fixture_seeds(fixtures: &Path, target: &str) -> Vec<PathBuf> {
    let text = |p: &Path| {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
        let name = name.unwrap_or_default();
        name.starts_with("txt-")
            || name.ends_with(".utmpdump.txt")
            || name == "subsec"
            || name.starts_with("utmpdump-")
    };
    let mut files = Vec::new();
    let mut stack = vec![fixtures.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            if name.is_some_and(|n| n.starts_with("LICENSE") || n.starts_with("README")) {
                continue;
            }
            let is_text = text(&path);
            // Anything else but documentation and scripts: records of every
            // ABI, byte order and size make good seeds for the binary targets.
            let is_records = !is_text
                && path
                    .extension()
                    .is_none_or(|x| x != "md" && x != "txt" && x != "sh");
            let wanted = match target {
                "utmpdump_text" => is_text,
                "json" => is_records || is_text,
                // Session files are text of their own; seeds come from seeds.rs.
                "logind" => false,
                _ => is_records,
            };
            if wanted {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Fills `fuzz/corpus/<target>/` with fixture files and encoder-made seeds.
fn seed(
    root: &Path,
    fuzz_dir: &Path,
    targets: &[String],
    encoder_seeds: bool,
) -> Result<(), String> {
    let corpus = fuzz_dir.join("corpus");
    let optional = crate::optional_fixtures_dir(root);
    if !optional.is_dir() {
        println!(
            "skipped: seeds from the optional fixtures (util-linux, wtmpdb; not found at {}: \
             set UTMP_FIXTURES)",
            optional.display()
        );
    }
    let folders = [root.join("fixtures"), optional];
    for target in targets {
        let dir = corpus.join(target);
        fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let files = folders
            .iter()
            .filter(|f| f.is_dir())
            .flat_map(|f| fixture_seeds(f, target));
        for (i, file) in files.enumerate() {
            let to = dir.join(format!("fixture-{i:03}"));
            fs::copy(&file, &to).map_err(|e| format!("{}: {e}", file.display()))?;
        }
    }
    if !encoder_seeds {
        return Ok(());
    }
    let args = ["run", "--release", "--example", "seeds", "--"];
    println!("$ cargo +nightly {} {}", args.join(" "), corpus.display());
    let status = nightly_cargo()
        .args(args)
        .arg(&corpus)
        .current_dir(fuzz_dir)
        .status()
        .map_err(|e| format!("cannot run cargo +nightly: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("making the seed corpora failed ({status})"))
    }
}

/// rustup's `cargo` with `+nightly`: `$CARGO` is the running toolchain's own
/// cargo, which takes no `+toolchain`, and `RUSTUP_TOOLCHAIN` would override it.
pub fn nightly_cargo() -> Command {
    let mut cmd = Command::new("cargo");
    cmd.arg("+nightly")
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO")
        .env_remove("RUSTC")
        .env_remove("RUSTDOC")
        .env_remove("RUSTC_WRAPPER");
    cmd
}

/// `rustup toolchain list` names a nightly.
pub fn has_nightly() -> bool {
    Command::new("rustup")
        .args(["toolchain", "list"])
        .output()
        .is_ok_and(|out| {
            out.status.success()
                && String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .any(|l| l.starts_with("nightly"))
        })
}

/// The nightly toolchain has these components installed (`miri`, `rust-src`).
pub fn has_components(components: &[&str]) -> bool {
    Command::new("rustup")
        .args(["component", "list", "--installed", "--toolchain", "nightly"])
        .output()
        .is_ok_and(|out| {
            let text = String::from_utf8_lossy(&out.stdout);
            out.status.success()
                && components.iter().all(|c| {
                    text.lines()
                        .any(|l| l == *c || l.starts_with(&format!("{c}-")))
                })
        })
}

fn has_cargo_fuzz() -> bool {
    nightly_cargo()
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|out| out.status.success())
}
