//! What the examples share: a small UTC formatter (a real program would use
//! a date library and the local time zone).

use std::time::{SystemTime, UNIX_EPOCH};

/// `YYYY-MM-DD HH:MM` (with `:SS` when `seconds`) in UTC; `?` when there is
/// no valid time or it is before 1970.
pub fn utc(time: Option<SystemTime>, seconds: bool) -> String {
    let Some(secs) = time
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_secs())
    else {
        return "?".to_owned();
    };
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Days to a civil date: count 400-year eras from 0000-03-01.
    let z = days + 719_468;
    let (era, doe) = (z / 146_097, z % 146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    let hm = format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        rem / 3_600,
        rem / 60 % 60
    );
    if seconds {
        format!("{hm}:{:02}", rem % 60)
    } else {
        hm
    }
}
