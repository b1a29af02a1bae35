//! A private mount namespace with a fresh tmpfs over `/run` (`unshare -m`, as
//! root), where a test puts session files and a utmp file where the tools
//! look for them. Shared by `utmp/tests/logind_oracle.rs` and, through
//! `#[path]`, `utmp-cli/tests/who_logind.rs`.

use std::process::{Command, Output};

/// The shell line that mounts a tmpfs over `/run` and binds the folder `$0`
/// over `/run/systemd/sessions`; a script goes on after it with `&&`.
pub const MOUNT_SESSIONS: &str = "mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/sessions && \
     mount --bind \"$0\" /run/systemd/sessions";

/// Why no such namespace can be made here (not root, no `unshare`, a
/// container that allows unshare but not mount), or `None` when it can:
/// the probe makes the same mount the tests make.
pub fn unavailable() -> Option<String> {
    match Command::new("id").arg("-u").output() {
        Ok(o) if String::from_utf8_lossy(&o.stdout).trim() == "0" => {}
        Ok(_) => return Some("not root, cannot mount over /run (run as root)".into()),
        Err(e) => return Some(format!("id: {e} (install coreutils)")),
    }
    let probe = Command::new("unshare")
        .args(["-m", "--propagation", "private"])
        .args(["mount", "-t", "tmpfs", "tmpfs", "/run"])
        .output();
    match probe {
        Ok(o) if o.status.success() => None,
        Ok(o) => Some(format!(
            "unshare -m failed: {} (run as root outside a restricted container)",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(e) => Some(format!("unshare: {e} (install util-linux)")),
    }
}

/// `sh -c script` inside a new private mount namespace, with `args` as
/// `$0`, `$1`, ...
pub fn sh(script: &str) -> Command {
    let mut cmd = Command::new("unshare");
    cmd.args(["-m", "--propagation", "private", "sh", "-c", script]);
    cmd
}

/// Runs `cmd`; panics with its stderr when it fails.
pub fn output(cmd: &mut Command, what: &str) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
