//! A table keyed by a record's terminal line: `last`'s logout table (the
//! time of each line's most recent record) and `who`'s terminal cache (each
//! line's device status). A wtmp names the same few lines again and again,
//! so both look a line up once per record: the key is the `ut_line` field
//! read a word at a time, hashed with one multiplication, in an
//! open-addressing table that is emptied without touching its places.

use crate::layout::{self, RecordBytes};

/// The number of 64-bit words that hold a line.
const LINE_WORDS: usize = layout::UT_LINE.len.div_ceil(8);

/// The terminal-line key: the line's bytes, zero-padded, as little-endian
/// words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LineKey([u64; LINE_WORDS]);

/// The key of the record's line, `len` bytes long (up to its first NUL):
/// the field read a word at a time, the bytes from the NUL on cleared.
#[inline]
pub(crate) fn line_key(rec: &RecordBytes, len: usize) -> LineKey {
    let field = layout::bytes(rec, layout::UT_LINE);
    let mut key = [0u64; LINE_WORDS];
    for (i, (k, chunk)) in key.iter_mut().zip(field.chunks(8)).enumerate() {
        // The bytes of this word that belong to the line.
        let keep = len.saturating_sub(i.saturating_mul(8));
        if keep == 0 {
            break;
        }
        let word = match <[u8; 8]>::try_from(chunk) {
            Ok(word) => word,
            Err(_) => {
                // The short last piece of a field whose size is not a
                // multiple of 8.
                let mut word = [0u8; 8];
                for (d, &b) in word.iter_mut().zip(chunk) {
                    *d = b;
                }
                word
            }
        };
        let word = u64::from_le_bytes(word);
        *k = if keep >= 8 {
            word
        } else {
            // The low `keep` bytes: keep < 8, so the shift is below 64.
            word & 1u64
                .wrapping_shl((keep as u32).wrapping_mul(8))
                .wrapping_sub(1)
        };
    }
    LineKey(key)
}

impl LineKey {
    /// One well-mixed word: the words folded together (each turned by a
    /// different amount, so equal words do not cancel), then one full
    /// 64 x 64 -> 128-bit multiplication whose halves are folded together
    /// (foldhash's and wyhash's mix): the high half depends on every bit of
    /// the input, so the low bits, which pick the place, do too (a plain
    /// 64-bit product's low bits see only the input's low bytes, which all
    /// `pts/N` lines share). No adversary to fear: the keys come from the
    /// file being read and a collision costs time only.
    #[inline]
    fn hash(&self) -> u64 {
        let mut folded: u64 = 0;
        for (i, &w) in self.0.iter().enumerate() {
            // i < LINE_WORDS (at most 32 / 8 = 4 on every host): i * 16 < 64.
            folded ^= w.rotate_left((i as u32).wrapping_mul(16));
        }
        // Both factors are below 2^64: the product fits 128 bits.
        let p = u128::from(folded).wrapping_mul(0x517c_c1b7_2722_0a95);
        (p as u64) ^ ((p >> 64) as u64)
    }
}

/// One place of the [`LineMap`]: in use when its generation is the map's.
#[derive(Debug, Clone, Copy)]
struct Slot<V> {
    generation: u32,
    key: LineKey,
    value: V,
}

/// A map from a record's line to a `V`: an open-addressing table (linear
/// probing, at most a quarter full: few probes) that is only ever added to and emptied:
/// emptying starts a new generation instead of touching every place.
#[derive(Debug)]
pub(crate) struct LineMap<V> {
    /// A power of two long.
    slots: Vec<Slot<V>>,
    used: usize,
    generation: u32,
}

/// The places a new table starts with.
const FIRST_SIZE: usize = 64;
const _: () = assert!(FIRST_SIZE.is_power_of_two());

impl<V: Copy + Default> Default for LineMap<V> {
    fn default() -> Self {
        LineMap {
            slots: vec![Self::free(); FIRST_SIZE],
            used: 0,
            generation: 1,
        }
    }
}

impl<V: Copy + Default> LineMap<V> {
    /// A place of no generation in use (the map's starts at 1); its key and
    /// value are never read.
    fn free() -> Slot<V> {
        Slot {
            generation: 0,
            key: LineKey([0; LINE_WORDS]),
            value: V::default(),
        }
    }

    /// How many lines it holds.
    pub(crate) fn len(&self) -> usize {
        self.used
    }

    /// The place of `key`: where it is, or the free place where it goes.
    #[inline]
    fn find(&self, key: &LineKey) -> usize {
        let mask = self.slots.len().wrapping_sub(1);
        let mut i = (key.hash() as usize) & mask;
        // At most a quarter full: a free place comes within the table's
        // length.
        for _ in 0..self.slots.len() {
            match self.slots.get(i) {
                Some(slot) if slot.generation == self.generation && slot.key != *key => {
                    i = i.wrapping_add(1) & mask;
                }
                _ => break,
            }
        }
        i
    }

    /// The value of the record's line (`len` bytes), if set.
    #[inline]
    pub(crate) fn get(&self, rec: &RecordBytes, len: usize) -> Option<V> {
        let key = line_key(rec, len);
        self.slots
            .get(self.find(&key))
            .filter(|s| s.generation == self.generation)
            .map(|s| s.value)
    }

    /// Sets the value of the record's line (`len` bytes); returns the value
    /// it replaces.
    #[inline]
    pub(crate) fn insert(&mut self, rec: &RecordBytes, len: usize, value: V) -> Option<V> {
        self.insert_key(line_key(rec, len), value)
    }

    /// Sets the value of `key`; returns the value it replaces.
    #[inline]
    fn insert_key(&mut self, key: LineKey, value: V) -> Option<V> {
        if self.used.saturating_mul(4) >= self.slots.len() {
            self.grow();
        }
        let i = self.find(&key);
        let generation = self.generation;
        let slot = self.slots.get_mut(i)?;
        if slot.generation == generation {
            return Some(std::mem::replace(&mut slot.value, value));
        }
        *slot = Slot {
            generation,
            key,
            value,
        };
        self.used = self.used.saturating_add(1);
        None
    }

    /// Twice the places, the lines in use placed again (rare: out of the
    /// per-record path).
    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        let size = self.slots.len().saturating_mul(2).max(FIRST_SIZE);
        let old = std::mem::replace(&mut self.slots, vec![Self::free(); size]);
        for slot in old.into_iter().filter(|s| s.generation == self.generation) {
            let i = self.find(&slot.key);
            if let Some(place) = self.slots.get_mut(i) {
                *place = slot;
            }
        }
    }

    /// Sets every line of `other` to its value there (those of `other`
    /// win).
    pub(crate) fn extend_from(&mut self, other: &LineMap<V>) {
        for slot in other
            .slots
            .iter()
            .filter(|s| s.generation == other.generation)
        {
            self.insert_key(slot.key, slot.value);
        }
    }

    /// Forgets every line.
    pub(crate) fn clear(&mut self) {
        self.used = 0;
        if let Some(next) = self.generation.checked_add(1) {
            self.generation = next;
        } else {
            self.slots.fill(Self::free());
            self.generation = 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Entry;

    /// A record whose line field holds `field`.
    fn record(field: &[u8]) -> Entry {
        let mut e = Entry::zeroed();
        layout::bytes_mut(e.bytes_mut(), layout::UT_LINE)
            .get_mut(..field.len())
            .expect("a line that fits the field")
            .copy_from_slice(field);
        e
    }

    #[test]
    fn lines_that_differ_in_one_high_byte_spread_over_the_places() {
        // `pts/10` to `pts/99` differ in their fifth and sixth bytes only: a
        // hash whose low bits see only the low bytes (a plain 64-bit
        // product) puts them all in one place of a 256-place table.
        let mask = 255usize;
        let homes: std::collections::HashSet<usize> = (10..100)
            .map(|n| {
                let text = format!("pts/{n}");
                let e = record(text.as_bytes());
                (line_key(e.as_bytes(), text.len()).hash() as usize) & mask
            })
            .collect();
        // 90 keys in 256 places: about 75 distinct places at random.
        assert!(homes.len() >= 60, "{} places for 90 lines", homes.len());
    }

    proptest::proptest! {
        // Two records share a key exactly when their lines (up to the first
        // NUL) are equal, whatever follows the NUL.
        #[cfg_attr(miri, ignore = "safe code; 10 s to minutes under Miri even with PROPTEST_CASES=8")]
        #[test]
        fn line_keys_are_equal_exactly_when_lines_are(
            a in proptest::collection::vec(proptest::prop_oneof![proptest::strategy::Just(0u8), 1u8..4, proptest::num::u8::ANY], layout::UT_LINE.len),
            b in proptest::collection::vec(proptest::prop_oneof![proptest::strategy::Just(0u8), 1u8..4, proptest::num::u8::ANY], layout::UT_LINE.len),
            copy_prefix in 0usize..=layout::UT_LINE.len,
        ) {
            let mut b = b;
            b[..copy_prefix].copy_from_slice(&a[..copy_prefix]);
            let (ra, rb) = (record(&a), record(&b));
            let (la, lb) = (ra.line_bytes(), rb.line_bytes());
            let ka = line_key(ra.as_bytes(), la.len());
            let kb = line_key(rb.as_bytes(), lb.len());
            proptest::prop_assert_eq!(ka == kb, la == lb);
            proptest::prop_assert_eq!(layout::c_str(ra.as_bytes(), layout::UT_LINE), la);
        }
    }

    proptest::proptest! {
        // The table against std's HashMap keyed by the line's bytes: inserts
        // and look-ups (short and long lines, enough to make it grow) and
        // clears.
        #[cfg_attr(miri, ignore = "safe code; 10 s to minutes under Miri even with PROPTEST_CASES=8")]
        #[test]
        fn line_map_behaves_like_a_hash_map(
            ops in proptest::collection::vec(
                proptest::option::of((0usize..200, 0usize..=layout::UT_LINE.len, proptest::num::i64::ANY, proptest::bool::ANY)),
                0..600,
            )
        ) {
            let mut map = LineMap::default();
            let mut model = std::collections::HashMap::new();
            for op in ops {
                match op {
                    None => {
                        map.clear();
                        model.clear();
                    }
                    Some((n, len, value, look)) => {
                        // A line of `len` bytes (at least 1) made from n.
                        let text: Vec<u8> = format!("{n:x}").bytes().cycle().take(len.max(1)).collect();
                        let e = record(&text);
                        if look {
                            proptest::prop_assert_eq!(map.get(e.as_bytes(), text.len()), model.get(&text).copied());
                        } else {
                            let got = map.insert(e.as_bytes(), text.len(), value);
                            proptest::prop_assert_eq!(got, model.insert(text, value));
                        }
                        proptest::prop_assert_eq!(map.len(), model.len());
                    }
                }
            }
        }
    }
}
