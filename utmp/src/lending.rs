//! One way to take records one at a time, borrowed, whatever holds them: a
//! stream's buffer ([`Reader`]), a mapped file ([`MappedEntries`]) or a
//! slice ([`SliceEntries`]).

use crate::entry::EntryRef;
use crate::error::Result;
use crate::mapped::MappedEntries;
use crate::reader::{Reader, SliceEntries};

/// Records lent one at a time: each borrowed until the next call, so a
/// streaming reader can lend from its buffer as a mapped file lends from the
/// page cache. Write a loop over records once, for every kind of input.
///
/// ```
/// # fn main() -> utmp::Result<()> {
/// use utmp::{EntryBuilder, EntryType, LendingRecords, Reader};
///
/// /// How many user processes, from any input.
/// fn users(records: &mut impl LendingRecords) -> utmp::Result<usize> {
///     let mut n = 0;
///     while let Some(entry) = records.next_ref() {
///         n += usize::from(entry?.is_user_process());
///     }
///     Ok(n)
/// }
///
/// let bytes = EntryBuilder::new(EntryType::UserProcess).user("alice").build()?;
/// let bytes = bytes.as_bytes().repeat(3);
/// assert_eq!(users(&mut utmp::entries(&bytes))?, 3);
/// assert_eq!(users(&mut Reader::new(&bytes[..]))?, 3);
/// # Ok(()) }
/// ```
pub trait LendingRecords {
    /// The next record, borrowed until the next call; `None` at the end.
    ///
    /// # Errors
    ///
    /// What the input's own iteration reports: an I/O error, a trailing
    /// partial record ([`Error::TrailingBytes`](crate::Error::TrailingBytes)),
    /// a mapped file that shrank. After an error there is nothing more.
    fn next_ref(&mut self) -> Option<Result<EntryRef<'_>>>;
}

impl<R: std::io::Read> LendingRecords for Reader<R> {
    #[inline]
    fn next_ref(&mut self) -> Option<Result<EntryRef<'_>>> {
        Reader::next_ref(self)
    }
}

impl LendingRecords for MappedEntries<'_> {
    #[inline]
    fn next_ref(&mut self) -> Option<Result<EntryRef<'_>>> {
        self.next()
    }
}

impl LendingRecords for SliceEntries<'_> {
    #[inline]
    fn next_ref(&mut self) -> Option<Result<EntryRef<'_>>> {
        self.next()
    }
}
