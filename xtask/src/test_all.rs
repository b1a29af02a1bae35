//! `cargo xtask test-all`: every check the project has, in one run.
//!
//! Each step prints `==> name` and the command before it runs. A failed step is
//! named when it fails and the run goes on; a step whose tools are missing is
//! printed as `skipped: <what> (install <package>)`. A step that runs past
//! [`STEP_TIMEOUT`] is killed with all its processes and fails. The run ends
//! with a summary table and exits non-zero if any step failed. Skipped steps
//! never count as passed.
//!
//! Test steps run with `--show-output`, so that what passing tests print is
//! seen: the `skipped: ...` lines of checks that could not run inside a
//! passing test binary (a missing fixture folder or reference tool, a
//! foreign record size under qemu) are collected and listed again under the
//! summary, per step, and so are the conformance tests' own counts
//! (`10 sections of last-nodns match`).
//!
//! With `UTMP_STRICT=1` (`.ci/run` sets it) a skip is a failure in every
//! step this machine can run whole: the step's own skip (a tool missing)
//! fails it, and its tests get `UTMP_STRICT=1`, which makes each of their
//! skip lines a failure. Steps whose skips are legitimate here are
//! [`Step::lenient`], each with its reason; they run without `UTMP_STRICT`.

use std::collections::HashSet;
use std::env;
use std::fs;
use std::io;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::bindgen_cmd;

/// The crates that are published (and tested alone, and packaged).
const PUBLISHED: [&str; 3] = ["utmp-sys", "utmp", "utmp-cli"];

/// A step that runs longer has hung (a whole cold run takes well under that).
const STEP_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// The cross matrix. Linker and runner must match `.cargo/config.toml`; the
/// packages are Debian 12's (the same list as `.ci/run`).
const CROSS: &[Cross] = &[
    Cross {
        target: "i686-unknown-linux-gnu",
        linker: "i686-linux-gnu-gcc",
        // Runs natively: an x86_64 kernel runs i386 programs (see
        // `.cargo/config.toml` for why not under qemu-i386).
        runner: None,
        packages: "gcc-i686-linux-gnu libc6-dev-i386-cross",
        // 384-byte little-endian records like the host's: every check runs.
        strict: true,
    },
    Cross {
        target: "aarch64-unknown-linux-gnu",
        linker: "aarch64-linux-gnu-gcc",
        runner: Some("qemu-aarch64-static -L /usr/aarch64-linux-gnu"),
        packages: "gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static",
        // 400-byte records: the 384-byte fixtures and the host's x86_64
        // who/last/utmpdump do not apply here, and say so in skip lines.
        strict: false,
    },
    Cross {
        target: "s390x-unknown-linux-gnu",
        linker: "s390x-linux-gnu-gcc",
        runner: Some("qemu-s390x-static -L /usr/s390x-linux-gnu"),
        packages: "gcc-s390x-linux-gnu libc6-dev-s390x-cross qemu-user-static",
        // 400-byte big-endian records: as aarch64.
        strict: false,
    },
    Cross {
        // Runs natively on an x86_64 host. Links with the host's cc and the C
        // runtime rustup ships for the target (musl-tools is for the headers
        // that `bindgen --check` reads).
        target: "x86_64-unknown-linux-musl",
        linker: "cc",
        runner: None,
        packages: "gcc",
        // 400-byte records, as aarch64; and musl's utmpx functions are
        // stubs, so the C API tests skip.
        strict: false,
    },
];

struct Cross {
    target: &'static str,
    linker: &'static str,
    /// The command that runs the target's programs (its first word is the
    /// tool looked for), `None` when they run natively.
    runner: Option<&'static str>,
    packages: &'static str,
    /// Whether `UTMP_STRICT=1` applies to its step (else why not).
    strict: bool,
}

struct Step {
    name: String,
    /// Whether `UTMP_STRICT=1` applies (see the module docs).
    strict: bool,
    /// Runs first; an error fails the step.
    before: Option<Prepare>,
    action: Action,
}

type Prepare = fn(&Path) -> Result<(), String>;

enum Action {
    /// `cargo <args>` in the workspace root, with extra environment.
    Cargo {
        args: Vec<String>,
        env: Vec<(&'static str, &'static str)>,
    },
    /// A function of this binary; `shown` is the command it stands for.
    InProcess {
        shown: &'static str,
        run: fn(&Path) -> Outcome,
    },
    /// Cannot run on this machine: `<what> (install <package>)`.
    Skip(String),
}

enum Outcome {
    Passed,
    Failed(String),
    Skipped(String),
}

impl Step {
    fn cargo(name: &str, args: &[&str]) -> Step {
        Step {
            name: name.to_owned(),
            strict: true,
            before: None,
            action: Action::Cargo {
                args: args.iter().map(|&a| a.to_owned()).collect(),
                env: Vec::new(),
            },
        }
    }

    fn env(mut self, key: &'static str, value: &'static str) -> Step {
        if let Action::Cargo { env, .. } = &mut self.action {
            env.push((key, value));
        }
        self
    }

    /// A step whose skips are legitimate on a machine that runs everything
    /// else: `UTMP_STRICT=1` does not apply to it.
    fn lenient(mut self) -> Step {
        self.strict = false;
        self
    }

    fn in_process(name: &str, shown: &'static str, run: fn(&Path) -> Outcome) -> Step {
        Step {
            name: name.to_owned(),
            strict: true,
            before: None,
            action: Action::InProcess { shown, run },
        }
    }

    fn skip(name: &str, why: String) -> Step {
        Step {
            name: name.to_owned(),
            strict: true,
            before: None,
            action: Action::Skip(why),
        }
    }
}

/// Runs the steps of [`plan`], then prints the summary and the noted lines.
///
/// With `only` non-empty, runs just the steps whose names contain one of
/// its words (`cross`, `miri`, `test -p utmp`); none matching is an error.
pub fn run(root: &Path, only: &[String]) -> Result<(), String> {
    let start = Instant::now();
    // Read once, then given to each strict step's commands explicitly and
    // to no other (the in-process steps start cargo with our environment).
    let strict = env::var_os("UTMP_STRICT").is_some_and(|v| v == "1");
    env::remove_var("UTMP_STRICT");
    if strict {
        println!("UTMP_STRICT=1: a skip fails every step not marked lenient");
    }
    let mut results = Vec::new();
    let mut notes: Vec<(String, Vec<String>)> = Vec::new();
    let steps: Vec<Step> = plan()
        .into_iter()
        .filter(|step| only.is_empty() || only.iter().any(|w| step.name.contains(w.as_str())))
        .collect();
    if steps.is_empty() {
        return Err(format!(
            "no step's name contains any of: {}",
            only.join(", ")
        ));
    }
    for step in steps {
        println!("\n==> {}", step.name);
        let step_start = Instant::now();
        let outcome = match step.before.map_or(Ok(()), |before| before(root)) {
            Ok(()) => {
                let strict = strict && step.strict;
                let (outcome, lines) = execute(root, &step.action, strict);
                let outcome = match outcome {
                    Outcome::Skipped(why) if strict => {
                        Outcome::Failed(format!("skipped under UTMP_STRICT=1: {why}"))
                    }
                    other => other,
                };
                if !lines.is_empty() {
                    notes.push((step.name.clone(), lines));
                }
                outcome
            }
            Err(e) => Outcome::Failed(e),
        };
        match &outcome {
            Outcome::Passed => {}
            Outcome::Failed(why) => eprintln!("FAILED: {} ({why})", step.name),
            Outcome::Skipped(why) => println!("skipped: {why}"),
        }
        results.push((step.name, outcome, step_start.elapsed()));
    }
    summary(&results, start.elapsed());
    inner_notes(&notes);
    let failed: Vec<&str> = results
        .iter()
        .filter(|(_, outcome, _)| matches!(outcome, Outcome::Failed(_)))
        .map(|(name, _, _)| name.as_str())
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("failed steps: {}", failed.join(", ")))
    }
}

/// Every step, in order; the tools each needs are looked for here.
fn plan() -> Vec<Step> {
    let mut steps = vec![
        // Lints and docs.
        Step::cargo("fmt", &["fmt", "--all", "--check"]),
        Step::cargo(
            "clippy",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--all-features",
                "--",
                "-D",
                "warnings",
            ],
        ),
        Step::cargo(
            "doc",
            &["doc", "--workspace", "--no-deps", "--all-features"],
        )
        .env("RUSTDOCFLAGS", "-D warnings"),
    ];

    // The workspace's tests, with each source of the bindings.
    let libclang = has_libclang();
    // --no-fail-fast: one crate's failure must not hide another's results.
    let test_workspace = &["test", "--no-fail-fast", "--workspace", "--all-features"];
    steps.push(if libclang {
        Step::cargo("test (bindgen)", test_workspace).env("UTMP_SYS_BINDINGS", "bindgen")
    } else {
        Step::skip(
            "test (bindgen)",
            "bindgen tests (install libclang-dev)".to_owned(),
        )
    });
    steps.push(
        Step::cargo("test (pregenerated)", test_workspace).env("UTMP_SYS_BINDINGS", "pregenerated"),
    );

    // Each crate alone, with its own features, and as it would be published.
    for krate in PUBLISHED {
        steps.push(Step::cargo(
            &format!("test -p {krate}"),
            &["test", "--no-fail-fast", "-p", krate],
        ));
    }
    // xtask is publish = false but `cargo package --workspace` would still
    // package it, and its verify build fails: it includes a file from utmp-sys.
    let mut package = Step::cargo(
        "package",
        &[
            "package",
            "--workspace",
            "--exclude",
            "xtask",
            "--allow-dirty",
        ],
    );
    package.before = Some(forget_earlier_packages);
    steps.push(package);

    steps.push(bindgen_check(libclang));
    steps.push(Step::in_process(
        "libclang fallback",
        "LIBCLANG_PATH=/nonexistent cargo build -p utmp-sys (auto, then UTMP_SYS_BINDINGS=bindgen)",
        libclang_fallback,
    ));
    steps.extend(cross_matrix());
    steps.extend(platform_steps());
    steps.extend(later_steps());
    steps
}

/// Without libclang, the default build falls back to the checked-in bindings
/// with a warning, and `UTMP_SYS_BINDINGS=bindgen` makes that a hard error that
/// says what to install. libclang is hidden by pointing `LIBCLANG_PATH` at a
/// directory without it (clang-sys then looks nowhere else).
fn libclang_fallback(root: &Path) -> Outcome {
    let build = |mode: &str| {
        println!("$ LIBCLANG_PATH=/nonexistent UTMP_SYS_BINDINGS={mode} cargo build -p utmp-sys");
        Command::new(crate::cargo())
            .args(["build", "-p", "utmp-sys"])
            .env("LIBCLANG_PATH", "/nonexistent")
            .env("UTMP_SYS_BINDINGS", mode)
            .env("CARGO_TARGET_DIR", root.join("target/no-libclang"))
            .current_dir(root)
            .output()
    };
    let auto = match build("auto") {
        Ok(out) => out,
        Err(e) => return Outcome::Failed(format!("cannot run cargo: {e}")),
    };
    let stderr = String::from_utf8_lossy(&auto.stderr);
    if !auto.status.success() || !stderr.contains("using the checked-in") {
        return Outcome::Failed(format!(
            "auto without libclang should build from the checked-in bindings with a warning:\n{stderr}"
        ));
    }
    let forced = match build("bindgen") {
        Ok(out) => out,
        Err(e) => return Outcome::Failed(format!("cannot run cargo: {e}")),
    };
    let stderr = String::from_utf8_lossy(&forced.stderr);
    if forced.status.success() || !stderr.contains("libclang-dev") {
        return Outcome::Failed(format!(
            "UTMP_SYS_BINDINGS=bindgen without libclang should fail naming libclang-dev:\n{stderr}"
        ));
    }
    println!("    auto: built with the checked-in bindings and a warning; bindgen: failed naming libclang-dev");
    Outcome::Passed
}

/// Removes what earlier `cargo package` runs left of our own crates.
///
/// `cargo package --workspace` puts the crates it packages in a temporary local
/// registry; its verify build unpacks them to
/// `$CARGO_HOME/registry/src/-<hash>/<name>-<version>` and compiles them in the
/// workspace's target directory. Cargo takes a registry crate of the same
/// version as unchanged: it neither unpacks it again nor rebuilds it, so a
/// second run verifies against the first run's sources (`unresolved import
/// utmp::...` for anything added since). A fresh clone never sees this.
fn forget_earlier_packages(root: &Path) -> Result<(), String> {
    remove_stale_package_sources()?;
    let mut args = vec!["clean"];
    for krate in PUBLISHED {
        args.extend(["-p", krate]);
    }
    println!("$ cargo {}", args.join(" "));
    let status = Command::new(crate::cargo())
        .args(&args)
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo clean: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo clean: {status}"))
    }
}

/// The `-<hash>` directories are local registries'; ours are the only crates
/// of these names in them.
fn remove_stale_package_sources() -> Result<(), String> {
    let cargo_home = match env::var_os("CARGO_HOME") {
        Some(home) => PathBuf::from(home),
        None => match env::var_os("HOME") {
            Some(home) => Path::new(&home).join(".cargo"),
            None => return Ok(()),
        },
    };
    let Ok(registries) = fs::read_dir(cargo_home.join("registry/src")) else {
        return Ok(());
    };
    for registry in registries.filter_map(Result::ok) {
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        let Ok(crates) = fs::read_dir(registry.path()) else {
            continue;
        };
        for krate in crates.filter_map(Result::ok) {
            let name = krate.file_name();
            let name = name.to_string_lossy();
            let ours = PUBLISHED.iter().any(|p| {
                name.strip_prefix(p)
                    .and_then(|rest| rest.strip_prefix('-'))
                    .is_some_and(|version| version.starts_with(|c: char| c.is_ascii_digit()))
            });
            if ours {
                let path = krate.path();
                println!("    removing stale {}", path.display());
                fs::remove_dir_all(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
    }
    Ok(())
}

/// Hook points: checks that later engineers add, each as a function returning
/// its steps, collected here so they run last and appear in the summary.
///
/// - differential/conformance: `utmp who`/`utmp last` against who(1)/last(1)
///   and the fixtures (`fixtures/`, and the optional ones in `../shared/fixtures`).
///
/// A check whose tool is missing returns a `Step::skip` with the install hint.
fn later_steps() -> Vec<Step> {
    hardening_steps()
}

/// docs/robustness.md: the 5 GiB file in release, Miri, ThreadSanitizer and a
/// fuzz smoke run (the last three on nightly; `nightly.rs`, `fuzz.rs`).
fn hardening_steps() -> Vec<Step> {
    // Lenient: `.ci/run` goes on when nightly, Miri or cargo-fuzz cannot
    // be installed, and Miri's isolation hides files some tests read.
    fn nightly(name: &str, shown: &'static str, run: fn(&Path) -> Outcome) -> Step {
        Step::in_process(name, shown, run).lenient()
    }
    fn outcome(result: Result<Option<String>, String>) -> Outcome {
        match result {
            Ok(None) => Outcome::Passed,
            Ok(Some(why)) => Outcome::Skipped(why),
            Err(e) => Outcome::Failed(e),
        }
    }
    vec![
        Step::cargo(
            "huge file (release)",
            &[
                "test",
                "--release",
                "-p",
                "utmp",
                "-p",
                "utmp-cli",
                "--test",
                "bad_input",
                "--",
                "--ignored",
                "--nocapture",
                "5_gib",
            ],
        ),
        nightly("miri", "cargo +nightly miri test -p utmp --lib", |root| {
            outcome(crate::nightly::miri(root))
        }),
        nightly(
            "tsan",
            "RUSTFLAGS=-Zsanitizer=thread cargo +nightly test -Zbuild-std \
             --target x86_64-unknown-linux-gnu -p utmp --test concurrency",
            |root| outcome(crate::nightly::tsan(root)),
        ),
        nightly("fuzz smoke", "cargo xtask fuzz --seconds 20", |root| {
            outcome(crate::fuzz::smoke(root, 20))
        }),
    ]
}

/// `cargo xtask bindgen --check`, in process, when every target's headers are here.
fn bindgen_check(libclang: bool) -> Step {
    const NAME: &str = "bindgen --check";
    let missing: Vec<&str> = bindgen_cmd::TARGETS
        .iter()
        .filter(|t| !Path::new(t.headers).exists())
        .map(|t| t.package)
        .collect();
    if !libclang {
        Step::skip(NAME, format!("{NAME} (install libclang-dev)"))
    } else if !missing.is_empty() {
        Step::skip(NAME, format!("{NAME} (install {})", missing.join(" ")))
    } else {
        Step::in_process(
            NAME,
            "cargo xtask bindgen --check",
            |root| match bindgen_cmd::run(root, true) {
                Ok(bindgen_cmd::Outcome::Ok) => Outcome::Passed,
                Ok(bindgen_cmd::Outcome::Skipped(why)) => Outcome::Skipped(why),
                Err(e) => Outcome::Failed(e),
            },
        )
    }
}

/// One `cargo test --target` per cross target whose pieces are installed.
fn cross_matrix() -> Vec<Step> {
    let installed = installed_targets();
    CROSS
        .iter()
        .map(|cross| {
            let name = format!("cross {}", cross.target);
            let tools_missing = std::iter::once(cross.linker)
                .chain(cross.runner.and_then(|r| r.split_whitespace().next()))
                .any(|tool| !on_path(tool));
            let mut hints = Vec::new();
            if tools_missing {
                hints.push(format!("install {}", cross.packages));
            }
            if !installed.contains(cross.target) {
                hints.push(format!("rustup target add {}", cross.target));
            }
            if hints.is_empty() {
                // --all-features includes `bundled`: SQLite (for wtmpdb) is
                // compiled from source with the target's C compiler, since
                // no cross libsqlite3 is installed.
                let mut args = vec![
                    "test",
                    "--no-fail-fast",
                    "--workspace",
                    "--exclude",
                    "xtask",
                    "--all-features",
                    "--target",
                    cross.target,
                ];
                if cross.runner.is_some() {
                    // One test at a time under qemu-user: it emulates the
                    // vfork that starts a process as a fork of the whole
                    // emulator, which can deadlock when another thread
                    // holds one of its locks then.
                    args.extend(["--", "--test-threads=1"]);
                }
                let mut step = Step::cargo(&name, &args).env("UTMP_SYS_BINDINGS", "pregenerated");
                if cross.runner.is_some() {
                    // Under emulation each property test runs 8 cases, as
                    // under Miri: the native steps run the full counts, and
                    // a byte-order or layout fault shows in any case. The
                    // chunked-pairing properties alone took 4 of the
                    // emulated steps' minutes at full counts.
                    step = step.env("PROPTEST_CASES", "8");
                }
                step.strict = cross.strict;
                match cross.runner {
                    // The CLI tests start the target's `utmp` through it.
                    Some(runner) => step.env("UTMP_TEST_RUNNER", runner),
                    None => step,
                }
            } else {
                Step::skip(&name, format!("{} ({})", cross.target, hints.join("; ")))
            }
        })
        .collect()
}

/// FreeBSD, macOS, illumos and NetBSD: nothing links or runs here, so the
/// whole workspace (tests, examples and benches too) is checked, linted and
/// documented for each target with the checked-in bindings, whose layout
/// assertions run as part of the build. Needs only the target's standard
/// library (`rustup target add`).
fn platform_steps() -> Vec<Step> {
    let mut steps = Vec::new();
    for &target in crate::platform_layout::TARGETS {
        let name = |what: &str| format!("platform {target} {what}");
        if !crate::platform_layout::installed(target) {
            // Lenient: `.ci/run` goes on when rustup cannot add the target.
            steps.push(
                Step::skip(
                    &name("check, clippy, doc"),
                    format!("{target} check, clippy and doc (rustup target add {target})"),
                )
                .lenient(),
            );
            continue;
        }
        let all = [
            "--workspace",
            "--all-targets",
            "--all-features",
            "--target",
            target,
        ];
        let check: Vec<&str> = ["check"].into_iter().chain(all).collect();
        let clippy: Vec<&str> = ["clippy"]
            .into_iter()
            .chain(all)
            .chain(["--", "-D", "warnings"])
            .collect();
        // cargo doc has no --all-targets: the libraries and binaries.
        let doc = [
            "doc",
            "--workspace",
            "--no-deps",
            "--all-features",
            "--target",
            target,
        ];
        steps.push(Step::cargo(&name("check"), &check).env("UTMP_SYS_BINDINGS", "pregenerated"));
        steps.push(Step::cargo(&name("clippy"), &clippy).env("UTMP_SYS_BINDINGS", "pregenerated"));
        steps.push(
            Step::cargo(&name("doc"), &doc)
                .env("UTMP_SYS_BINDINGS", "pregenerated")
                .env("RUSTDOCFLAGS", "-D warnings"),
        );
    }
    steps
}

/// Runs a step: its outcome, and the lines worth repeating under the summary
/// (see [`noted`]).
/// With `strict`, its tests run with `UTMP_STRICT=1`.
fn execute(root: &Path, action: &Action, strict: bool) -> (Outcome, Vec<String>) {
    match action {
        Action::Skip(why) => (Outcome::Skipped(why.clone()), Vec::new()),
        Action::InProcess { shown, run } => {
            println!("$ {shown}");
            (run(root), Vec::new())
        }
        Action::Cargo { args, env } => {
            let mut args = args.clone();
            if args.first().is_some_and(|a| a == "test") {
                // After the test binaries' own `--` when there is one.
                if !args.iter().any(|a| a == "--") {
                    args.push("--".to_owned());
                }
                args.push("--show-output".to_owned());
            }
            let mut env = env.clone();
            if strict {
                env.push(("UTMP_STRICT", "1"));
            }
            println!("$ {}", shell_line(&env, &args));
            let child = Command::new(crate::cargo())
                .args(&args)
                .envs(env.iter().copied())
                .current_dir(root)
                .stdout(Stdio::piped())
                .spawn();
            let mut child = match child {
                Ok(c) => c,
                Err(e) => {
                    return (
                        Outcome::Failed(format!("cannot run cargo: {e}")),
                        Vec::new(),
                    )
                }
            };
            // Echo the output as it comes and keep the lines to note.
            let echo = child.stdout.take().map(|out| {
                thread::spawn(move || {
                    let mut kept = Vec::new();
                    for line in BufReader::new(out).lines().map_while(Result::ok) {
                        println!("{line}");
                        if noted(&line) && !kept.contains(&line) {
                            kept.push(line);
                        }
                    }
                    kept
                })
            });
            let outcome = match wait(child, STEP_TIMEOUT) {
                Ok(Waited::Exited(status)) if status.success() => Outcome::Passed,
                Ok(Waited::Exited(status)) => Outcome::Failed(status.to_string()),
                Ok(Waited::TimedOut(running)) => Outcome::Failed(format!(
                    "timed out after {} minutes; still running: {}",
                    STEP_TIMEOUT.as_secs() / 60,
                    if running.is_empty() {
                        "nothing below cargo".to_owned()
                    } else {
                        running.join("; ")
                    }
                )),
                Err(e) => Outcome::Failed(format!("cannot run cargo: {e}")),
            };
            let kept = echo
                .and_then(|h| h.join().ok())
                .unwrap_or_default()
                .into_iter()
                .map(|l| l.trim().to_owned())
                .collect();
            (outcome, kept)
        }
    }
}

/// A line a test printed that the summary repeats: a check it skipped, or
/// a conformance count.
fn noted(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with("skipped:") || (line.contains(" match") && !line.starts_with("test "))
}

/// The noted lines, per step, after the summary table.
fn inner_notes(notes: &[(String, Vec<String>)]) {
    if notes.is_empty() {
        return;
    }
    println!(
        "\n==> inside the test steps (skips are checks that did not run; the step still passed)"
    );
    for (step, lines) in notes {
        let skips = lines.iter().filter(|l| l.starts_with("skipped:")).count();
        println!("{step}: {skips} skip line(s)");
        for line in lines {
            println!("    {line}");
        }
    }
}

/// How a step's process ended.
enum Waited {
    Exited(ExitStatus),
    /// Killed at the timeout; what was still running then (the deepest
    /// processes' command lines: the test binary that hung, not cargo).
    TimedOut(Vec<String>),
}

/// Waits for `child`; after `timeout`, kills it and everything it started
/// (say a test hung under qemu) and says what was still running.
fn wait(mut child: Child, timeout: Duration) -> io::Result<Waited> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Waited::Exited(status));
        }
        if Instant::now() >= deadline {
            let tree = descendants(child.id());
            let pids: Vec<u32> = tree.iter().map(|p| p.0).collect();
            let running = tree
                .iter()
                .filter(|(pid, _)| !tree.iter().any(|(_, parent)| parent == pid))
                .map(|(pid, _)| command_line(*pid))
                .collect();
            if !pids.is_empty() {
                // Best effort: whatever is left is reported by the step failing.
                let _ = Command::new("kill")
                    .arg("-KILL")
                    .args(pids.iter().map(u32::to_string))
                    .status();
            }
            child.kill()?;
            child.wait()?;
            return Ok(Waited::TimedOut(running));
        }
        thread::sleep(Duration::from_millis(200));
    }
}

/// `pid`'s command line, shortened to what names it: each argument that is
/// a path by its file name.
fn command_line(pid: u32) -> String {
    let raw = fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let words: Vec<String> = raw
        .split(|&b| b == 0)
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = String::from_utf8_lossy(w);
            match w.rsplit_once('/') {
                Some((_, name)) if !w.starts_with('-') && !name.is_empty() => name.to_owned(),
                _ => w.into_owned(),
            }
        })
        .collect();
    if words.is_empty() {
        format!("pid {pid}")
    } else {
        words.join(" ")
    }
}

/// The processes below `root` with their parents, from Linux's /proc (none
/// elsewhere).
fn descendants(root: u32) -> Vec<(u32, u32)> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    // (pid, parent) from /proc/<pid>/stat: "pid (comm) state ppid ...";
    // comm may hold spaces and parentheses, so read from the last ')'.
    let parents: Vec<(u32, u32)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let pid = e.file_name().to_str()?.parse().ok()?;
            let stat = fs::read_to_string(e.path().join("stat")).ok()?;
            let (_, rest) = stat.rsplit_once(')')?;
            let ppid = rest.split_whitespace().nth(1)?.parse().ok()?;
            Some((pid, ppid))
        })
        .collect();
    let mut found = Vec::new();
    let mut unvisited = vec![root];
    while let Some(parent) = unvisited.pop() {
        for &(pid, ppid) in &parents {
            if ppid == parent {
                found.push((pid, ppid));
                unvisited.push(pid);
            }
        }
    }
    found
}

/// The command as one would type it: `KEY='v a l' cargo arg ...`.
fn shell_line(env: &[(&str, &str)], args: &[String]) -> String {
    let quote = |s: &str| {
        if s.contains(' ') {
            format!("'{s}'")
        } else {
            s.to_owned()
        }
    };
    env.iter()
        .map(|(k, v)| format!("{k}={}", quote(v)))
        .chain(std::iter::once("cargo".to_owned()))
        .chain(args.iter().map(|a| quote(a)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn summary(results: &[(String, Outcome, Duration)], total: Duration) {
    let width = results
        .iter()
        .map(|(name, _, _)| name.len())
        .max()
        .unwrap_or(0)
        .max("step".len());
    println!("\n==> summary");
    println!("{:width$}  {:7}  {:>8}  note", "step", "result", "seconds");
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for (name, outcome, time) in results {
        let (result, note) = match outcome {
            Outcome::Passed => {
                passed += 1;
                ("passed", "")
            }
            Outcome::Failed(why) => {
                failed += 1;
                ("FAILED", why.as_str())
            }
            Outcome::Skipped(why) => {
                skipped += 1;
                ("skipped", why.as_str())
            }
        };
        let seconds = time.as_secs_f64();
        println!("{name:width$}  {result:7}  {seconds:>8.1}  {note}");
    }
    println!(
        "total: {:.1} s wall time; {passed} passed, {failed} failed, {skipped} skipped",
        total.as_secs_f64()
    );
}

/// libclang as Debian installs it, or wherever `LIBCLANG_PATH` points.
fn has_libclang() -> bool {
    if env::var_os("LIBCLANG_PATH").is_some_and(|p| !p.is_empty() && Path::new(&p).exists()) {
        return true;
    }
    let mut dirs = vec![format!("/usr/lib/{}-linux-gnu", env::consts::ARCH)];
    if let Ok(entries) = fs::read_dir("/usr/lib") {
        dirs.extend(
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().starts_with("llvm-"))
                .map(|e| e.path().join("lib").to_string_lossy().into_owned()),
        );
    }
    dirs.iter().any(|dir| {
        fs::read_dir(dir).is_ok_and(|entries| {
            entries.filter_map(Result::ok).any(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                // libclang.so, libclang-14.so.1, ...; not libclang-cpp.
                name.starts_with("libclang")
                    && !name.starts_with("libclang-cpp")
                    && name.contains(".so")
            })
        })
    })
}

/// The targets `rustup target list --installed` names (none without rustup).
fn installed_targets() -> HashSet<String> {
    match Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
    {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.trim().to_owned())
            .collect(),
        _ => HashSet::new(),
    }
}

fn on_path(program: &str) -> bool {
    env::var_os("PATH")
        .is_some_and(|path| env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_os = "linux")]
    fn a_hung_step_is_killed_with_its_children() {
        // The shell starts a grandchild that would outlive a plain kill.
        let child = Command::new("sh")
            .args(["-c", "sleep 61 & wait"])
            .spawn()
            .expect("sh runs");
        let pid = child.id();
        thread::sleep(Duration::from_millis(300));
        let grandchildren: Vec<u32> = descendants(pid).into_iter().map(|p| p.0).collect();
        assert_eq!(grandchildren.len(), 1, "sh should have started sleep");
        let start = Instant::now();
        match wait(child, Duration::from_millis(500)).expect("wait") {
            // The report names the hung process, not the shell above it.
            Waited::TimedOut(running) => assert_eq!(running, ["sleep 61"]),
            Waited::Exited(status) => panic!("sh exited on its own: {status}"),
        }
        assert!(start.elapsed() < Duration::from_secs(10));
        thread::sleep(Duration::from_millis(300));
        for pid in grandchildren {
            let state = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // Gone, or a zombie waiting for init to reap it.
            assert!(
                state.is_empty() || state.contains(") Z"),
                "{pid} still runs: {state}"
            );
        }
    }

    #[test]
    fn a_finished_step_returns_its_status() {
        let child = Command::new("sh")
            .args(["-c", "exit 3"])
            .spawn()
            .expect("sh runs");
        match wait(child, Duration::from_secs(60)).expect("wait") {
            Waited::Exited(status) => assert_eq!(status.code(), Some(3)),
            Waited::TimedOut(running) => panic!("timed out: {running:?}"),
        }
    }

    #[test]
    fn the_cross_matrix_matches_the_cargo_config() {
        let config =
            fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.cargo/config.toml"))
                .expect("read .cargo/config.toml");
        for cross in CROSS {
            // The target's table: from its header to the next one.
            let header = format!("[target.{}]", cross.target);
            let table = config.split_once(&header).map_or("", |(_, rest)| {
                rest.split_once("\n[").map_or(rest, |(table, _)| table)
            });
            let linker = format!("linker = \"{}\"", cross.linker);
            let runner = cross.runner.map(|r| format!("runner = \"{r}\""));
            if cross.linker == "cc" {
                assert!(!table.contains("linker ="), "{}: {table}", cross.target);
            } else {
                assert!(table.contains(&linker), "{}: no `{linker}`", cross.target);
            }
            match runner {
                Some(runner) => {
                    assert!(table.contains(&runner), "{}: no `{runner}`", cross.target);
                }
                None => assert!(!table.contains("runner ="), "{}: {table}", cross.target),
            }
        }
    }

    #[test]
    fn skip_lines_and_conformance_counts_are_noted() {
        assert!(noted(
            "skipped: last conformance (fixtures folder not found)"
        ));
        assert!(noted(
            "    skipped: utmp (the fixture holds 400-byte records)"
        ));
        assert!(noted("10 sections of last-nodns match"));
        assert!(!noted("test util_linux_last_nodns ... ok"));
        assert!(!noted("running 12 tests"));
    }

    #[test]
    fn commands_are_shown_as_typed() {
        let args = ["doc".to_owned(), "--no-deps".to_owned()];
        assert_eq!(
            shell_line(&[("RUSTDOCFLAGS", "-D warnings")], &args),
            "RUSTDOCFLAGS='-D warnings' cargo doc --no-deps"
        );
    }
}
