//! Writes seed inputs made with the library's encoder into
//! `<corpus>/<target>/seed-*` (run by `cargo xtask fuzz`).

use std::fs;
use std::net::IpAddr;
use std::path::Path;

use utmp::{Entry, EntryBuilder, EntryType, ExitStatus};

fn records() -> Vec<Entry> {
    let mut out = Vec::new();
    for (i, t) in EntryType::ALL.iter().enumerate() {
        let addr: Option<IpAddr> = match i % 3 {
            0 => None,
            1 => "192.0.2.7".parse().ok(),
            _ => "2001:db8::1".parse().ok(),
        };
        let built = EntryBuilder::new(*t)
            .pid(1000 + i as i32)
            .user(format!("user{i}"))
            .line(format!("pts/{i}"))
            .id(format!("ts/{i}"))
            .host(format!("host{i}.example"))
            .session(i as i64)
            .seconds(1_700_000_000 + 3600 * i as i64)
            .microseconds(i as i64 * 1000)
            .exit_status(ExitStatus {
                termination: i as i16,
                exit: -(i as i16),
            })
            .address(addr)
            .build();
        if let Ok(e) = built {
            out.push(e);
        }
    }
    // Edges: full strings, odd bytes, unknown types, limits.
    let edges = [
        EntryBuilder::new(EntryType::UserProcess)
            .user([b'u'; 32])
            .line([b'l'; 32])
            .host([b'h'; 256])
            .id([b'i'; 4]),
        EntryBuilder::new(EntryType::from_raw(-1))
            .user(b"\xff\xfe\x1b[31m")
            .pid(-1)
            .microseconds(-1),
        EntryBuilder::new(EntryType::from_raw(i16::MAX))
            .seconds((1 << 31) - 1)
            .microseconds(1_000_000),
        EntryBuilder::new(EntryType::BootTime)
            .user("reboot")
            .line("~")
            .seconds((1 << 32) - 1),
        EntryBuilder::new(EntryType::RunLevel)
            .user("shutdown")
            .line("~")
            .seconds(0),
    ];
    out.extend(edges.into_iter().filter_map(|b| b.build().ok()));
    out
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    fs::write(dir.join(name), bytes)
}

fn main() -> std::io::Result<()> {
    let corpus = std::env::args_os()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "corpus".into());
    let recs = records();
    let all: Vec<u8> = recs.iter().flat_map(|e| e.as_bytes().to_vec()).collect();
    for target in ["reader", "sessions"] {
        let dir = corpus.join(target);
        if !dir.is_dir() {
            continue;
        }
        for (i, e) in recs.iter().enumerate() {
            write(&dir, &format!("seed-one-{i:02}"), e.as_bytes())?;
        }
        write(&dir, "seed-all", &all)?;
        let mut short = all.clone();
        short.truncate(all.len() - 100);
        write(&dir, "seed-short", &short)?;
    }
    let dir = corpus.join("utmpdump_text");
    if dir.is_dir() {
        let mut text = Vec::new();
        for (i, e) in recs.iter().enumerate() {
            let mut line = Vec::new();
            if utmp::layouts::utmpdump::push_utmpdump(e, &mut line) {
                write(&dir, &format!("seed-line-{i:02}"), &line)?;
                text.extend_from_slice(&line);
            }
        }
        write(&dir, "seed-all", &text)?;
    }
    let dir = corpus.join("json");
    if dir.is_dir() {
        let mut text = Vec::new();
        for (i, e) in recs.iter().enumerate() {
            let mut line = Vec::new();
            utmp::json::push_json(e, &mut line);
            write(&dir, &format!("seed-line-{i:02}"), &line)?;
            text.extend_from_slice(&line);
            write(&dir, &format!("seed-record-{i:02}"), e.as_bytes())?;
        }
        write(&dir, "seed-all", &text)?;
    }
    let dir = corpus.join("logind");
    if dir.is_dir() {
        let sessions: [&[u8]; 4] = [
            b"# This is private data. Do not parse.\nUID=1000\nUSER=alice\nACTIVE=1\n\
              IS_DISPLAY=0\nSTATE=active\nREMOTE=1\nTYPE=tty\nCLASS=user\nTTY=pts/0\n\
              REMOTE_HOST=192.0.2.7\nSERVICE=sshd\nLEADER=4242\nREALTIME=1700000000123456\n",
            b"UID=115\nUSER=gdm\nCLASS=greeter\nSEAT=seat0\nVTNR=1\nDISPLAY=:0\n",
            b"A='x y' \"z\\\"\" w\nB=a\\\nb\n#c\\\nC=1\n; d\nE=\"\\$\\`\"\n",
            b"USER=\"unterminated",
        ];
        for (i, s) in sessions.iter().enumerate() {
            write(&dir, &format!("seed-session-{i}"), s)?;
        }
    }
    Ok(())
}
