//! A `who` row written in place the way `utmpdump` text is
//! (`layouts::utmpdump`'s `Line`): every text as 16-byte blocks padded with
//! spaces by vector operations, the pid as one word of digits, the blanks
//! at the end taken back, and the row copied out whole. What it does not
//! cover (see [`write_row`]) [`Who::push_row`] writes instead; the tests hold
//! the two to the same bytes.

use std::borrow::Borrow;

use super::{Idle, Kind, RowView, Who};
use crate::clock::two;
use crate::entry::Entry;
use crate::layout::{self, RecordBytes};
use crate::layouts::utmpdump::{eight_digits, leading_zero_digits, padded, short_block, Line};

/// The longest row written here: the string fields whole, and a bound on
/// the rest (the column widths, 72 in all, their 8 blanks, a time of 21
/// bytes, a pid of 11, an exit status of 23, `id=` or the parentheses, the
/// newline: 139).
const LONGEST_ROW: usize = layout::UT_USER.len + layout::UT_LINE.len + layout::UT_HOST.len + 160;

/// The room a row is written in: the longest row and the farthest a block
/// write reaches past the row's end (15 bytes), rounded up.
pub(super) const WINDOW: usize = (LONGEST_ROW + 48).next_multiple_of(64);

const _: () = assert!(LONGEST_ROW + 48 <= WINDOW);

/// Writes the row of `v` (newline included) into `w` and returns its length;
/// `None`, with `w` left in any state, for a row it does not cover, which
/// [`Who::push_row`] writes instead: a run level, a pid outside 0 to
/// 99,999,999 (where the column shows one), an idle time of 100 hours or
/// more, an exit status other than one digit each.
#[inline]
pub(super) fn write_row<B: Borrow<RecordBytes>>(
    who: &Who,
    v: &RowView<'_, B>,
    time: &[u8],
    w: &mut [u8; WINDOW],
) -> Option<usize> {
    let e = v.entry;
    let rec = e.as_bytes();
    let short = who.resolved().short;
    let mut line = Line::new(w);
    let mut comment = Comment::None;
    let mut exit = None;
    let mut idle = None;
    let mut state = b' ';
    let mut pid = Some(e.pid());
    match v.kind {
        Kind::User => {
            line.put_padded(layout::bytes(rec, layout::UT_USER), e.user_bytes().len(), 8);
            state = v.mesg.map_or(b'?', |m| m.as_char() as u8);
            idle = v.idle;
            if !e.host_bytes().is_empty() {
                comment = Comment::Host;
            }
        }
        Kind::BootTime | Kind::ClockChange => {
            line.put([b' '; 8], 8);
            pid = None;
        }
        Kind::RunLevel => return None,
        Kind::InitSpawn | Kind::Login | Kind::Dead => {
            match v.kind {
                Kind::Login => line.put(*b"LOGIN   ", 8),
                _ => line.put([b' '; 8], 8),
            }
            comment = Comment::Id;
            if v.kind == Kind::Dead {
                exit = e.exit_status();
            }
        }
    }
    if who.mesg {
        line.put([b' ', state], 2);
    }
    line.put([b' '], 1);
    match v.kind {
        Kind::BootTime => line.put(*b"system boot ", 12),
        Kind::ClockChange => line.put(*b"clock change", 12),
        _ => line.put_padded(
            layout::bytes(rec, layout::UT_LINE),
            e.line_bytes().len(),
            12,
        ),
    }
    line.put([b' '], 1);
    line.put_padded(time, time.len(), who.time_format.width());
    if who.idle && !short {
        line.put_idle(idle)?;
    }
    if !short {
        line.put_pid(pid)?;
    }
    line.put_comment(comment, e);
    if who.exit {
        line.put_exit(exit)?;
    }
    line.trim_blanks();
    line.put([b'\n'], 1);
    let len = line.len();
    debug_assert!(len.is_some(), "the window holds the longest row");
    len
}

/// What the `COMMENT` column holds.
#[derive(Clone, Copy)]
enum Comment {
    None,
    /// `(host)`.
    Host,
    /// `id=ID`.
    Id,
}

impl<const W: usize> Line<'_, W> {
    /// The `COMMENT` column with its blank, padded to 8.
    #[inline(always)]
    fn put_comment<B: Borrow<RecordBytes>>(&mut self, comment: Comment, e: &Entry<B>) {
        self.put([b' '], 1);
        match comment {
            Comment::None => self.put([b' '; 8], 8),
            Comment::Host => {
                let n = e.host_bytes().len();
                self.put([b'('], 1);
                self.put_padded(layout::bytes(e.as_bytes(), layout::UT_HOST), n, 0);
                self.put([b')'], 1);
                // `(host)` is n + 2 wide, the column 8.
                self.put([b' '; 8], 6usize.saturating_sub(n));
            }
            Comment::Id => {
                let id = e.id_bytes();
                self.put(*b"id=", 3);
                self.put_padded(id, id.len(), 5);
            }
        }
    }

    /// The first `n` bytes of `field`, then blanks up to `width` (`%-Ns`),
    /// as 16-byte blocks.
    #[inline(always)]
    fn put_padded(&mut self, field: &[u8], n: usize, width: usize) {
        let shown = n.max(width);
        let mut from = 0usize;
        while from < shown {
            let rest = field.get(from..).unwrap_or_default();
            let block = match rest.first_chunk::<16>() {
                Some(&b) => b,
                None => short_block(rest),
            };
            let keep = n.saturating_sub(from).min(16);
            // from < shown: the difference is positive.
            #[allow(clippy::arithmetic_side_effects)]
            let left = shown - from;
            self.put(padded(block, keep), left.min(16));
            from = from.saturating_add(16);
        }
    }

    /// The `IDLE` column with its blank: ` ` and the text padded to 6
    /// (`None` for 100 hours or more).
    #[inline(always)]
    fn put_idle(&mut self, idle: Option<Idle>) -> Option<()> {
        let text = match idle {
            None => *b"       ",
            Some(Idle::Active) => *b"   .   ",
            Some(Idle::Old) => *b"  old  ",
            Some(Idle::Unknown) => *b"   ?   ",
            Some(Idle::For(s)) => {
                let (hours, minutes) = (s / 3600, s % 3600 / 60);
                if hours >= 100 {
                    return None;
                }
                let ([h0, h1], [m0, m1]) = (two(hours), two(minutes));
                [b' ', h0, h1, b':', m0, m1, b' ']
            }
        };
        self.put(text, 7);
        Some(())
    }

    /// The `PID` column with its blank: the digits right-aligned in 10
    /// (`None`: blanks; `None` back for a pid outside 0 to 99,999,999).
    #[inline(always)]
    fn put_pid(&mut self, pid: Option<i32>) -> Option<()> {
        self.put([b' '; 3], 3);
        let Some(pid) = pid else {
            self.put([b' '; 8], 8);
            return Some(());
        };
        let n = u32::try_from(pid).ok().filter(|&n| n < 100_000_000)?;
        let digits = eight_digits(n);
        // The zeros before the first digit become blanks (0x30 ^ 0x10 is
        // a blank); the last digit stays, even `0`. lead <= 7: the shift
        // is at most 56.
        let lead = leading_zero_digits(digits).min(7) as u32;
        let mask = (1u64 << lead.wrapping_mul(8)).wrapping_sub(1) & 0x1010_1010_1010_1010;
        self.put((digits ^ mask).to_le_bytes(), 8);
        Some(())
    }

    /// The `EXIT` column with its blank: `term=T exit=E` (`None`: blanks;
    /// `None` back for a status other than one digit each).
    #[inline(always)]
    fn put_exit(&mut self, exit: Option<crate::entry::ExitStatus>) -> Option<()> {
        let Some(status) = exit else {
            self.put([b' '; 16], 13);
            return Some(());
        };
        let digit = |v: i16| u8::try_from(v).ok().filter(|d| *d < 10).map(|d| b'0' | d);
        let (t, x) = (digit(status.termination)?, digit(status.exit)?);
        let block = [
            b' ', b't', b'e', b'r', b'm', b'=', t, b' ', b'e', b'x', b'i', b't', b'=', x,
        ];
        self.put(block, 14);
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoder::EntryBuilder;
    use crate::entry::ExitStatus;
    use crate::entry_type::EntryType;
    use crate::layout::Span;
    use crate::layouts::who::{Mesg, TimeFormat};
    use proptest::prelude::*;

    /// The option sets whose rows differ in their columns.
    fn whos() -> Vec<Who> {
        let classic = Who::new().all().time_format(TimeFormat::Classic);
        vec![
            Who::new(),
            Who::new().all(),
            Who::new().users().mesg(),
            Who::new().dead(),
            Who::new().login().short(),
            Who::new().boot().clock_change().process(),
            classic,
        ]
    }

    /// `text` over the field `span` of `rec` (cut to the field).
    fn set(rec: &mut RecordBytes, span: Span, text: &[u8]) {
        let field = &mut rec[span.offset..span.offset + span.len];
        field.fill(0);
        let n = text.len().min(span.len);
        field[..n].copy_from_slice(&text[..n]);
    }

    /// The row through the fast writer, or `None` where it leaves it.
    fn fast_row(who: &Who, v: &RowView<'_, RecordBytes>, time: &[u8]) -> Option<Vec<u8>> {
        let mut w = [b'#'; WINDOW];
        let n = write_row(who, v, time, &mut w)?;
        Some(w[..n].to_vec())
    }

    fn slow_row(who: &Who, v: &RowView<'_, RecordBytes>, time: &[u8]) -> Vec<u8> {
        let mut out = b"before".to_vec();
        who.push_row(&mut out, v, time);
        out.split_off(6)
    }

    #[test]
    fn common_rows_are_written_here_as_push_row_writes_them() {
        let time = b"2013-08-28 10:00";
        let user = EntryBuilder::new(EntryType::UserProcess)
            .user("alice")
            .line("pts/0")
            .host("example.org")
            .pid(4242)
            .build()
            .unwrap();
        let dead = EntryBuilder::new(EntryType::DeadProcess)
            .line("pts/0")
            .id("ts/0")
            .pid(0)
            .exit_status(ExitStatus {
                termination: 0,
                exit: 9,
            })
            .build()
            .unwrap();
        let boot = EntryBuilder::new(EntryType::BootTime)
            .line("~")
            .build()
            .unwrap();
        for who in whos() {
            for (e, idle) in [
                (&user, Some(Idle::For(3_660))),
                (&user, Some(Idle::Active)),
                (&dead, None),
                (&boot, None),
            ] {
                let Some(kind) = who.kind_of(e) else { continue };
                let v = RowView {
                    kind,
                    entry: e,
                    mesg: Some(Mesg::Writable),
                    idle,
                };
                let fast = fast_row(&who, &v, time);
                assert_eq!(
                    fast.as_deref(),
                    Some(&slow_row(&who, &v, time)[..]),
                    "{who:?}"
                );
            }
        }
    }

    fn field() -> impl Strategy<Value = Vec<u8>> {
        let byte = prop_oneof![Just(b' '), Just(0u8), Just(0xffu8), b'a'..=b'c', Just(b'('),];
        prop_oneof![
            proptest::collection::vec(byte.clone(), 0..6),
            proptest::collection::vec(byte, 0..300),
        ]
    }

    fn idle() -> impl Strategy<Value = Option<Idle>> {
        prop_oneof![
            Just(None),
            Just(Some(Idle::Active)),
            Just(Some(Idle::Old)),
            Just(Some(Idle::Unknown)),
            any::<u32>().prop_map(|s| Some(Idle::For(s))),
            (0u32..86_400).prop_map(|s| Some(Idle::For(s))),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        // Any row the fast writer writes is push_row's, byte for byte.
        #[cfg_attr(miri, ignore = "safe code; slow under Miri")]
        #[test]
        fn rows_written_here_are_those_of_push_row(
            raw_type in prop_oneof![1i16..=8, Just(0), Just(99)],
            pid in prop_oneof![Just(0), 1i32..100, 99_999_990..100_000_010, any::<i32>()],
            status in prop_oneof![(0i16..12, 0i16..12), (any::<i16>(), any::<i16>())],
            [user, line, host, id] in [field(), field(), field(), field()],
            mesg in prop_oneof![Just(None), Just(Some(Mesg::NotWritable))],
            idle in idle(),
            time in prop_oneof![
                Just(b"2013-08-28 10:00".to_vec()),
                Just(b"Aug 28 10:00".to_vec()),
                Just(b"-9223372036854775808".to_vec()),
            ],
        ) {
            let (termination, exit) = status;
            let e = EntryBuilder::new(EntryType::UserProcess)
                .pid(pid)
                .exit_status(ExitStatus { termination, exit })
                .build()
                .unwrap();
            let mut rec = *e.as_bytes();
            set(&mut rec, layout::UT_TYPE, &raw_type.to_ne_bytes());
            set(&mut rec, layout::UT_USER, &user);
            set(&mut rec, layout::UT_LINE, &line);
            set(&mut rec, layout::UT_HOST, &host);
            set(&mut rec, layout::UT_ID, &id);
            let e = Entry::from_bytes(rec);
            for who in whos() {
                let Some(kind) = who.kind_of(&e) else { continue };
                let v = RowView { kind, entry: &e, mesg, idle };
                if let Some(fast) = fast_row(&who, &v, &time) {
                    let slow = slow_row(&who, &v, &time);
                    prop_assert!(
                        fast == slow,
                        "{:?} != {:?}",
                        String::from_utf8_lossy(&fast),
                        String::from_utf8_lossy(&slow)
                    );
                }
            }
        }
    }
}
