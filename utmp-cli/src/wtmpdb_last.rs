//! `utmp last` on a wtmpdb database: what `wtmpdb last` prints, byte for
//! byte (`-j`: the same values as valid JSON).

use std::io::{self, Write};
use std::path::PathBuf;

use utmp::sessions::{HostColumn, TimeFormat, TimeZone};
use utmp::wtmpdb::{Database, LastLayout, Pairing, Selection};

use crate::output::Outcome;

/// What `utmp last` was asked, for wtmpdb.
#[derive(Debug)]
pub struct Options {
    /// Each database, and the name its footer shows (the `-f` argument as
    /// given, or `wtmpdb` for the default database, as wtmpdb does).
    pub files: Vec<(PathBuf, Vec<u8>)>,
    pub selection: Selection,
    pub time_format: Option<TimeFormat>,
    pub full_times: bool,
    pub host: HostColumn,
    pub full_names: bool,
    pub service: bool,
    pub json: bool,
}

pub fn run(opts: &Options) -> Outcome {
    let mut layout = LastLayout::new(TimeZone::from_env())
        .host_column(opts.host)
        .full_names(opts.full_names)
        .service(opts.service);
    if let Some(t) = opts.time_format {
        layout = layout.time_format(t);
    }
    if opts.full_times {
        layout = layout.full_times();
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut buf = Vec::with_capacity(1 << 16);
    for (path, name) in &opts.files {
        // Opened (and every row read) before anything is printed: an error
        // is one line on stderr, not a half-written document.
        let rows = Database::open(path)?.rows()?;
        let mut pairing = Pairing::new(opts.selection.clone());
        if opts.json {
            layout.write_json_start(&mut buf);
        }
        for row in &rows {
            if pairing.is_full() {
                break;
            }
            let pushed = pairing.push(row);
            for s in [pushed.shutdown, pushed.session].into_iter().flatten() {
                if opts.json {
                    layout.write_json_session(&s, &mut buf);
                } else {
                    layout.write_session(&s, &mut buf);
                }
            }
            if buf.len() >= 1 << 16 {
                out.write_all(&buf)?;
                buf.clear();
            }
        }
        if opts.json {
            layout.write_json_end(pairing.begins_micros(), &mut buf);
        } else {
            layout.write_footer(name, pairing.begins_micros(), &mut buf);
        }
    }
    out.write_all(&buf)?;
    out.flush()?;
    Ok(())
}
