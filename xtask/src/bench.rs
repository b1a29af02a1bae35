//! `cargo xtask bench`: a stub. It runs `cargo bench -p utmp` when the crate
//! has benchmarks, and still exits non-zero: the comparison it is meant to make
//! (the C API against the direct reader, against pyutmp and utmp-rs, with a
//! report) is not implemented yet.

use std::path::Path;
use std::process::Command;

pub fn run(root: &Path) -> Result<(), String> {
    let benches = root.join("utmp/benches");
    let has_benches = std::fs::read_dir(&benches)
        .map(|dir| {
            dir.filter_map(Result::ok)
                .any(|e| e.path().extension().is_some_and(|x| x == "rs"))
        })
        .unwrap_or(false);
    if !has_benches {
        return Err(format!(
            "bench: not implemented yet ({} holds no benchmarks)",
            benches.display()
        ));
    }
    println!("$ cargo bench -p utmp");
    let status = Command::new(crate::cargo())
        .args(["bench", "-p", "utmp"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("`cargo bench -p utmp` failed ({status})"));
    }
    Err(
        "bench: not implemented yet (ran `cargo bench -p utmp`; no comparison or report)"
            .to_owned(),
    )
}
