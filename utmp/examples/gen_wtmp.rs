//! Writes a synthetic wtmp file for benchmarks: `gen_wtmp OUT [RECORDS
//! [FORMAT]]`, in this host's record format or in FORMAT (`glibc-400-be`...:
//! the same records, encoded in that format).
//!
//! Deterministic (a fixed-seed SplitMix64), with a realistic mix: boots with
//! their run-level records, `LOGIN` gettys, user sessions from IPv4 and IPv6
//! hosts (and local ones), each closed by a `DEAD_PROCESS` on the same line,
//! and an occasional shutdown. Times only move forward.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::process::ExitCode;

use utmp::{EntryBuilder, EntryType, ExitStatus, Format};

/// SplitMix64: tiny, fast, and the same sequence everywhere.
struct Rng(u64);

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

const USERS: &[&str] = &[
    "alice",
    "bob",
    "carol",
    "dave",
    "eve",
    "mallory",
    "root",
    "deploy",
    "backup",
    "ci-runner",
    "www-data",
    "postgres",
];
const KERNEL: &str = "6.1.0-18-amd64";

/// `ut_id` as login programs make it: the last four bytes of the line.
fn id_of(line: &str) -> &[u8] {
    let b = line.as_bytes();
    &b[b.len().saturating_sub(4)..]
}

struct Session {
    line: String,
    pid: i32,
}

struct Gen {
    rng: Rng,
    time: i64,
    pid: i32,
    open: Vec<Session>,
    free_pts: Vec<u32>,
    next_pts: u32,
}

impl Gen {
    fn tick(&mut self, max: u64) -> i64 {
        self.time += 1 + self.rng.below(max) as i64;
        self.time
    }

    fn pid(&mut self) -> i32 {
        self.pid = if self.pid > 4_000_000 {
            300
        } else {
            self.pid + 1 + self.rng.below(50) as i32
        };
        self.pid
    }

    fn host(&mut self) -> (String, Option<IpAddr>) {
        match self.rng.below(10) {
            0..=5 => {
                let a = Ipv4Addr::new(
                    [10, 172, 192, 203][self.rng.below(4) as usize],
                    self.rng.below(256) as u8,
                    self.rng.below(256) as u8,
                    1 + self.rng.below(254) as u8,
                );
                (a.to_string(), Some(IpAddr::V4(a)))
            }
            6..=8 => {
                let a = Ipv6Addr::new(
                    0x2001,
                    0xdb8,
                    self.rng.below(0x10000) as u16,
                    self.rng.below(0x10000) as u16,
                    0,
                    0,
                    self.rng.below(0x10000) as u16,
                    1 + self.rng.below(0xfffe) as u16,
                );
                (a.to_string(), Some(IpAddr::V6(a)))
            }
            _ => (String::new(), None),
        }
    }

    fn boot(&mut self, out: &mut Vec<EntryBuilder>) {
        let t = self.tick(600);
        out.push(
            EntryBuilder::new(EntryType::BootTime)
                .user("reboot")
                .line("~")
                .id("~~")
                .host(KERNEL)
                .seconds(t)
                .microseconds(self.rng.below(1_000_000) as i64),
        );
        out.push(
            EntryBuilder::new(EntryType::RunLevel)
                .user("runlevel")
                .line("~")
                .id("~~")
                .host(KERNEL)
                .pid(i32::from(b'N') * 256 + i32::from(b'5'))
                .seconds(self.tick(5)),
        );
        let pid = self.pid();
        out.push(
            EntryBuilder::new(EntryType::LoginProcess)
                .user("LOGIN")
                .line("tty1")
                .id("tty1")
                .pid(pid)
                .seconds(self.tick(5)),
        );
        self.open.clear();
        self.free_pts.clear();
        self.next_pts = 0;
    }

    fn login(&mut self, out: &mut Vec<EntryBuilder>) {
        let n = match self.free_pts.pop() {
            Some(n) => n,
            None => {
                self.next_pts += 1;
                self.next_pts - 1
            }
        };
        let line = format!("pts/{n}");
        let user = USERS[self.rng.below(USERS.len() as u64) as usize];
        let (host, addr) = self.host();
        let pid = self.pid();
        out.push(
            EntryBuilder::new(EntryType::UserProcess)
                .user(user)
                .line(&line)
                .id(id_of(&line))
                .host(&host)
                .address(addr)
                .pid(pid)
                .session(i64::from(pid))
                .seconds(self.tick(120))
                .microseconds(self.rng.below(1_000_000) as i64),
        );
        self.open.push(Session { line, pid });
    }

    fn logout(&mut self, out: &mut Vec<EntryBuilder>) {
        let i = self.rng.below(self.open.len() as u64) as usize;
        let s = self.open.swap_remove(i);
        let n: u32 = s.line.trim_start_matches("pts/").parse().unwrap_or(0);
        out.push(
            EntryBuilder::new(EntryType::DeadProcess)
                .line(&s.line)
                .id(id_of(&s.line))
                .pid(s.pid)
                .exit_status(ExitStatus::default())
                .seconds(self.tick(120))
                .microseconds(self.rng.below(1_000_000) as i64),
        );
        self.free_pts.push(n);
    }

    fn shutdown(&mut self, out: &mut Vec<EntryBuilder>) {
        out.push(
            EntryBuilder::new(EntryType::RunLevel)
                .user("shutdown")
                .line("~~")
                .id("~~")
                .host(KERNEL)
                .seconds(self.tick(60)),
        );
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (path, records, format) = match args.as_slice() {
        [path] => (path.clone(), 1_000_000, Format::HOST),
        [path, n, rest @ ..] if rest.len() <= 1 => {
            let format = match rest.first().map(|f| f.parse::<Format>()) {
                None => Format::HOST,
                Some(Ok(f)) => f,
                Some(Err(e)) => {
                    eprintln!("gen_wtmp: {e}");
                    return usage();
                }
            };
            match n.parse::<usize>() {
                Ok(n) => (path.clone(), n, format),
                Err(_) => return usage(),
            }
        }
        _ => return usage(),
    };
    match generate(&path, records, format) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_wtmp: {path}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("usage: gen_wtmp OUT [RECORDS [FORMAT]]");
    ExitCode::from(2)
}

fn generate(path: &str, records: usize, format: Format) -> Result<(), Box<dyn std::error::Error>> {
    let mut g = Gen {
        rng: Rng(SEED),
        time: 1_600_000_000,
        pid: 300,
        open: Vec::new(),
        free_pts: Vec::new(),
        next_pts: 0,
    };
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut written = 0;
    let mut batch = Vec::new();
    let mut encoded = Vec::new();
    g.boot(&mut batch);
    while written < records {
        for b in batch.drain(..) {
            if written == records {
                break;
            }
            encoded.clear();
            format.encode_into(&b.build()?, &mut encoded)?;
            out.write_all(&encoded)?;
            written += 1;
        }
        match g.rng.below(1000) {
            0 => {
                g.shutdown(&mut batch);
                g.boot(&mut batch);
            }
            r if g.open.is_empty() || (g.open.len() < 40 && r < 520) => g.login(&mut batch),
            _ => g.logout(&mut batch),
        }
    }
    out.flush()?;
    Ok(())
}

/// The seed: any fixed value; this one spells nothing in particular.
const SEED: u64 = 0x5eed_0f07_0e70_0001;
