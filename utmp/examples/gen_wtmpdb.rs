//! Writes a synthetic wtmpdb database for benchmarks:
//! `gen_wtmpdb OUT [ROWS]` (Linux).
//!
//! Deterministic (a fixed-seed SplitMix64), wtmpdb's schema and a realistic
//! mix: boots (kernel release as host, most with a shutdown time), logins
//! over ssh from IPv4 and IPv6 hosts and on local terminals with their PAM
//! service, most closed, a few left open; times only move forward, in
//! microseconds. An existing OUT is replaced.

#[cfg(target_os = "linux")]
fn main() -> std::process::ExitCode {
    use std::process::ExitCode;

    let mut args = std::env::args_os().skip(1);
    let Some(out) = args.next().map(std::path::PathBuf::from) else {
        eprintln!("usage: gen_wtmpdb OUT [ROWS]");
        return ExitCode::from(2);
    };
    let rows: u64 = match args.next().map(|a| a.to_string_lossy().parse()) {
        None => 1_000_000,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("gen_wtmpdb: ROWS: {e}");
            return ExitCode::from(2);
        }
    };
    match write(&out, rows) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_wtmpdb: {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}

/// SplitMix64: tiny, fast, and the same sequence everywhere.
#[cfg(target_os = "linux")]
struct Rng(u64);

#[cfg(target_os = "linux")]
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[cfg(target_os = "linux")]
fn write(out: &std::path::Path, rows: u64) -> rusqlite::Result<()> {
    let _ = std::fs::remove_file(out);
    let mut conn = rusqlite::Connection::open(out)?;
    conn.execute_batch(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
         CREATE TABLE wtmp(ID INTEGER PRIMARY KEY, Type INTEGER, User TEXT NOT NULL,
           Login INTEGER, Logout INTEGER, TTY TEXT, RemoteHost TEXT, Service TEXT);",
    )?;
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare("INSERT INTO wtmp VALUES(?1,?2,?3,?4,?5,?6,?7,?8)")?;
        let mut rng = Rng(0x7774_6d70_6462);
        let users = [
            "root", "alice", "bob", "carol", "deploy", "backup", "jenkins", "ève",
        ];
        let kernels = ["6.1.0-13-amd64", "6.1.0-14-amd64", "6.12.9-amd64"];
        // 2023-01-01, in microseconds.
        let mut now: i64 = 1_672_531_200_000_000;
        let mut id: i64 = 0;
        while (id as u64) < rows {
            id += 1;
            now += 1_000_000 * (1 + rng.below(600) as i64) + rng.below(1_000_000) as i64;
            if rng.below(200) == 0 {
                // A boot, with its shutdown unless it crashed.
                let up = 1_000_000 * (3_600 + rng.below(7 * 86_400) as i64);
                let logout = (rng.below(10) != 0).then_some(now + up);
                let kernel = kernels[rng.below(kernels.len() as u64) as usize];
                insert.execute(rusqlite::params![
                    id,
                    1,
                    "reboot",
                    now,
                    logout,
                    "~",
                    kernel,
                    None::<&str>
                ])?;
                continue;
            }
            let user = users[rng.below(users.len() as u64) as usize];
            let (tty, host, service) = match rng.below(10) {
                0 => (format!("tty{}", 1 + rng.below(6)), None, "login"),
                1..=3 => (
                    format!("pts/{}", rng.below(40)),
                    Some(format!(
                        "2001:db8:{:x}::{:x}",
                        rng.below(0x10000),
                        rng.below(0x10000)
                    )),
                    "sshd",
                ),
                _ => (
                    format!("pts/{}", rng.below(40)),
                    Some(format!(
                        "{}.{}.{}.{}",
                        10 + rng.below(200),
                        rng.below(256),
                        rng.below(256),
                        1 + rng.below(254)
                    )),
                    "sshd",
                ),
            };
            let length = 1_000_000 * rng.below(4 * 3_600) as i64 + rng.below(1_000_000) as i64;
            let logout = (rng.below(50) != 0).then_some(now + length);
            insert.execute(rusqlite::params![
                id, 3, user, now, logout, tty, host, service
            ])?;
        }
    }
    tx.commit()?;
    conn.execute_batch("PRAGMA journal_mode=DELETE;")?;
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("gen_wtmpdb: wtmpdb databases are Linux only");
}
