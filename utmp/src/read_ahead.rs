//! Reading the next blocks of an input on a background thread while the
//! caller works on the current one.
//!
//! On a large wtmp file the copy out of the page cache costs about as much
//! as decoding and formatting the records; with a second thread doing the
//! reads the two overlap. The thread owns the input and fills buffers of a
//! fixed size; the consumer hands each buffer back when it is done with it,
//! so at most [`IN_FLIGHT`] queued blocks, the one being read and the one
//! being decoded exist at a time (memory stays constant, whatever the
//! input's size). The producer is woken only when the queue runs low, and
//! the consumer only when it waits for an empty queue: a hand-over is a
//! mutex taken without contention, a wake-up is rare.
//!
//! Dropping the consumer's side ends the thread at its next hand-over. A
//! thread blocked in `read` on a pipe ends when the pipe delivers or closes
//! (or with the process); nothing waits for it.

use std::collections::VecDeque;
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::layout::RECORD_SIZE;

/// Blocks read but not yet taken by the consumer, at most.
const IN_FLIGHT: usize = 6;

/// A producer waiting for room is woken when the queue is down to this many
/// blocks, so that it reads several blocks per wake-up (a wake-up between
/// two cores costs about as much as reading a block).
const LOW_WATER: usize = 2;

/// How long the consumer waits for the next block without sleeping.
const SPIN: Duration = Duration::from_micros(200);

/// A block of the input: `buf[..len]` holds data, `offset` is where it
/// starts in the input.
#[derive(Debug)]
pub(crate) struct Block {
    pub(crate) buf: Vec<u8>,
    pub(crate) len: usize,
    pub(crate) offset: u64,
}

impl Block {
    /// The bytes read.
    pub(crate) fn data(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }
}

/// What the two threads share.
#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    /// The consumer waits here for a block or the end.
    ready: Condvar,
    /// The producer waits here for room, or for the consumer to leave.
    room: Condvar,
}

#[derive(Default)]
struct State {
    queue: VecDeque<io::Result<Block>>,
    /// Buffers handed back, to be filled again.
    spare: Vec<Vec<u8>>,
    /// The producer is done: the input ended, or an error is queued.
    finished: bool,
    /// The consumer is gone.
    abandoned: bool,
    consumer_waiting: bool,
    producer_waiting: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A buffer to fill: a spare one, or a new one.
    fn buffer(&self, block_size: usize) -> Vec<u8> {
        self.lock()
            .spare
            .pop()
            .unwrap_or_else(|| vec![0; block_size])
    }

    /// Queues a block (or an error) once there is room. `false` when the
    /// consumer is gone.
    fn put(&self, item: io::Result<Block>) -> bool {
        let mut st = self.lock();
        while st.queue.len() >= IN_FLIGHT && !st.abandoned {
            st.producer_waiting = true;
            st = self.room.wait(st).unwrap_or_else(PoisonError::into_inner);
        }
        if st.abandoned {
            return false;
        }
        st.queue.push_back(item);
        if st.consumer_waiting {
            st.consumer_waiting = false;
            self.ready.notify_one();
        }
        true
    }

    /// The producer has nothing more to send.
    fn finish(&self) {
        let mut st = self.lock();
        st.finished = true;
        if st.consumer_waiting {
            st.consumer_waiting = false;
            self.ready.notify_one();
        }
    }
}

/// The consumer's side: blocks in reading order, then the end (or one
/// error, after which the thread has stopped).
pub(crate) struct ReadAhead {
    shared: Arc<Shared>,
    block_size: usize,
}

impl fmt::Debug for ReadAhead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadAhead")
            .field("block_size", &self.block_size)
            .finish_non_exhaustive()
    }
}

impl Drop for ReadAhead {
    fn drop(&mut self) {
        let mut st = self.shared.lock();
        st.abandoned = true;
        st.queue.clear();
        st.spare.clear();
        self.shared.room.notify_one();
    }
}

/// Ends the producer's side when its work returns, whatever way it does.
struct Finish(Arc<Shared>);

impl Drop for Finish {
    fn drop(&mut self) {
        self.0.finish();
    }
}

impl ReadAhead {
    /// Reads `input` from its current position to its end, in blocks of
    /// `block_size` bytes (a multiple of the record size). A block is handed
    /// over when full, or earlier when a short read (a pipe) leaves it
    /// holding whole records, so records arrive as soon as they are whole.
    ///
    /// # Errors
    ///
    /// The thread could not be started; `input` is given back with it (it
    /// is always there: the thread never ran).
    pub(crate) fn forward<R: Read + Send + 'static>(
        input: R,
        block_size: usize,
    ) -> Result<Self, (Option<R>, io::Error)> {
        let slot = Arc::new(Mutex::new(Some(input)));
        let theirs = Arc::clone(&slot);
        Self::spawn(block_size, move |shared| {
            let taken = theirs.lock().unwrap_or_else(PoisonError::into_inner).take();
            if let Some(mut input) = taken {
                pump_forward(&mut input, block_size, shared);
            }
        })
        .map_err(|e| {
            let input = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
            (input, e)
        })
    }

    /// Reads `file` backwards: the blocks before byte `end`, last first, each
    /// starting at `end` minus a multiple of `block_size` (so records stay
    /// aligned when `end` and `block_size` are multiples of the record size).
    ///
    /// # Errors
    ///
    /// The thread could not be started.
    pub(crate) fn backward(file: File, end: u64, block_size: usize) -> io::Result<Self> {
        Self::spawn(block_size, move |shared| {
            pump_backward(&file, end, block_size, shared);
        })
    }

    fn spawn(block_size: usize, work: impl FnOnce(&Shared) + Send + 'static) -> io::Result<Self> {
        let shared = Arc::new(Shared::default());
        let theirs = Finish(Arc::clone(&shared));
        std::thread::Builder::new()
            .name("utmp-read-ahead".into())
            .spawn(move || work(&theirs.0))?;
        Ok(ReadAhead { shared, block_size })
    }

    /// The next block; `None` at the end of the input (or after an error).
    pub(crate) fn next_block(&mut self) -> Option<io::Result<Block>> {
        let mut st = self.shared.lock();
        let mut spun_since: Option<Instant> = None;
        loop {
            if let Some(item) = st.queue.pop_front() {
                if st.producer_waiting && st.queue.len() <= LOW_WATER {
                    st.producer_waiting = false;
                    self.shared.room.notify_one();
                }
                return Some(item);
            }
            if st.finished {
                return None;
            }
            // The next block is usually a few microseconds away: wait for it
            // awake first, since being woken from sleep by another core can
            // cost more than reading a block (on virtual machines above all).
            let started = *spun_since.get_or_insert_with(Instant::now);
            if started.elapsed() < SPIN {
                drop(st);
                for _ in 0..64 {
                    std::hint::spin_loop();
                }
                st = self.shared.lock();
                continue;
            }
            st.consumer_waiting = true;
            st = self
                .shared
                .ready
                .wait(st)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Gives a buffer back to be filled again (buffers of another size are
    /// dropped).
    pub(crate) fn give_back(&self, buf: Vec<u8>) {
        if buf.len() == self.block_size {
            let mut st = self.shared.lock();
            if st.spare.len() < IN_FLIGHT {
                st.spare.push(buf);
            }
        }
    }
}

fn pump_forward<R: Read>(input: &mut R, block_size: usize, shared: &Shared) {
    let mut offset: u64 = 0;
    loop {
        let mut buf = shared.buffer(block_size);
        let mut len = 0;
        let mut at_end = false;
        while len < buf.len() {
            let Some(room) = buf.get_mut(len..) else {
                break;
            };
            let room_len = room.len();
            match input.read(room) {
                Ok(0) => {
                    at_end = true;
                    break;
                }
                Ok(n) if n <= room_len => {
                    len = len.saturating_add(n);
                    if len % RECORD_SIZE == 0 {
                        break;
                    }
                }
                Ok(n) => {
                    let msg = format!("read returned {n} bytes into a {room_len}-byte buffer");
                    shared.put(Err(io::Error::new(io::ErrorKind::InvalidData, msg)));
                    return;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    if len > 0 && !shared.put(Ok(Block { buf, len, offset })) {
                        return;
                    }
                    shared.put(Err(e));
                    return;
                }
            }
        }
        if len > 0 {
            if !shared.put(Ok(Block { buf, len, offset })) {
                return;
            }
            offset = offset.saturating_add(len as u64);
        }
        if at_end {
            return;
        }
    }
}

fn pump_backward(file: &File, mut end: u64, block_size: usize, shared: &Shared) {
    while end > 0 {
        let start = end.saturating_sub(block_size as u64);
        let len = usize::try_from(end.saturating_sub(start)).unwrap_or(0);
        let mut buf = shared.buffer(block_size);
        let read = match buf.get_mut(..len) {
            Some(dst) => file.read_exact_at(dst, start),
            None => Err(io::Error::other("read-ahead block smaller than asked")),
        };
        let item = read.map(|()| Block {
            buf,
            len,
            offset: start,
        });
        let failed = item.is_err();
        if !shared.put(item) || failed {
            return;
        }
        end = start;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A reader that hands out at most `step` bytes per call.
    pub(crate) struct Trickle(pub(crate) Vec<u8>, pub(crate) usize);
    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0.drain(..n);
            Ok(n)
        }
    }

    fn collect(mut a: ReadAhead) -> (Vec<u8>, Vec<u64>) {
        let (mut all, mut offsets) = (Vec::new(), Vec::new());
        while let Some(b) = a.next_block() {
            let b = b.unwrap();
            assert_eq!(b.offset, all.len() as u64);
            all.extend_from_slice(b.data());
            offsets.push(b.offset);
            a.give_back(b.buf);
        }
        (all, offsets)
    }

    #[test]
    fn forward_delivers_every_byte_in_order() {
        let n = if cfg!(miri) { 3 } else { 40 };
        let bytes: Vec<u8> = (0..n * RECORD_SIZE + 7).map(|i| (i % 253) as u8).collect();
        for step in [1, RECORD_SIZE - 1, RECORD_SIZE * 3, usize::MAX] {
            if cfg!(miri) && step == 1 {
                continue;
            }
            let a = ReadAhead::forward(Trickle(bytes.clone(), step), RECORD_SIZE * 4)
                .map_err(|(_, e)| e)
                .unwrap();
            let (all, _) = collect(a);
            assert_eq!(all, bytes, "step {step}");
        }
    }

    #[test]
    fn forward_passes_an_error_on_after_the_data() {
        struct Fails(usize);
        impl Read for Fails {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0 == 0 {
                    return Err(io::Error::other("disk on fire"));
                }
                let n = self.0.min(buf.len());
                buf[..n].fill(1);
                self.0 -= n;
                Ok(n)
            }
        }
        let mut a = ReadAhead::forward(Fails(RECORD_SIZE + 3), RECORD_SIZE * 4)
            .map_err(|(_, e)| e)
            .unwrap();
        assert_eq!(a.next_block().unwrap().unwrap().len, RECORD_SIZE + 3);
        let err = a.next_block().unwrap().unwrap_err();
        assert_eq!(err.to_string(), "disk on fire");
        assert!(a.next_block().is_none());
    }
}
