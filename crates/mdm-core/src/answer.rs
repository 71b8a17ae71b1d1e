//! The npm package's answer to JavaScript (its `__check`, read by
//! `pkg/src/validate.js`): three numbers per violation, its path's id, its
//! code's place in [`ViolationCode::ALL`] and its message's id, where an id
//! names a text JavaScript already holds.
//!
//! A violation's texts are sent once: the first answer that reports it
//! carries them, and every later one names them. One schema's violations
//! recur from check to check (a message is the rule's, as ajv's compiled
//! messages are constants), so an invalid body usually sends no text, and
//! JavaScript decodes none. Decoding and slicing the texts of every answer
//! was about a fifth of an invalid body's check in Node (BENCHMARKS.md 0n).
//! A violation is known by its key ([`Sink::violation_keyed`]: its place in
//! the schema and its message's parts), so a known one is not even written;
//! one without a key, by its texts.
//!
//! JavaScript says how many texts it holds when it asks ([`Answer::begin`]);
//! any other number than the table's, or a table grown past its bounds,
//! starts the ids again from zero, and the answer then carries every text it
//! uses. So the two sides cannot drift apart, and a stream of hostile bodies
//! (unknown keys are paths, up to [`MAX_TEXT`](crate::violation::MAX_TEXT)
//! characters each) holds a bounded table.

use crate::violation::{cut_tail, Part, Sink, Violation, ViolationCode, MAX_VIOLATIONS};

/// Violations kept from answer to answer, at most (more start the ids again).
const KEEP_KEYS: usize = 256;
/// Words of keys kept from answer to answer, at most (32 KiB).
const KEEP_WORDS: usize = 4 * 1024;
/// One answer adds at most one key per violation it reports (at most
/// `MAX_VIOLATIONS`, the "more violations" entry among them); two spare.
const ANSWER_KEYS: usize = MAX_VIOLATIONS + 2;
/// The hash table's slots: at least twice the most keys it can hold, so a
/// probe always ends at an empty slot.
const SLOTS: usize = 1024;
const _: () = assert!(2 * (KEEP_KEYS + ANSWER_KEYS) <= SLOTS && SLOTS.is_power_of_two());
/// A buffer larger than this after an answer is given back (as the walk's).
const KEEP_SCRATCH: usize = 4 * 1024;
/// The tag of a key made of a violation's texts: a kind of word no key of
/// the walk's starts with (its words' kinds are in their top 16 bits).
const BY_TEXTS: u64 = 0xFFF8 << 48;

/// The violations of one check, as numbers, and the texts new in it.
#[derive(Default)]
pub struct Answer {
    /// `header` numbers of the owner's, then three per violation: the path's
    /// id, the code's place in [`ViolationCode::ALL`], the message's id.
    pub numbers: Vec<u32>,
    /// The texts first used by this answer, in id order, one after another.
    pub fresh: String,
    /// Their lengths in UTF-16 units (what `String.prototype.slice` counts).
    pub fresh_lengths: Vec<u32>,
    /// The first new text's id: how many texts JavaScript must keep from
    /// earlier answers (0 after the ids started again).
    pub base: u32,
    /// Which run of ids this answer's are: one more each time they start
    /// again. The caller sends back the one it holds texts of.
    pub generation: u32,
    /// The keys of the violations sent so far: number `n`'s path is text
    /// `2n`, its message text `2n + 1`.
    keys: Keys,
    scratch: String,
    /// The key of a violation that has none of its own: its texts.
    text_key: Vec<u64>,
    header: usize,
}

impl Answer {
    pub const fn new(header: usize) -> Self {
        Answer {
            numbers: Vec::new(),
            fresh: String::new(),
            fresh_lengths: Vec::new(),
            base: 0,
            generation: 0,
            keys: Keys {
                words: Vec::new(),
                ends: Vec::new(),
                hashes: Vec::new(),
                slots: Vec::new(),
            },
            scratch: String::new(),
            text_key: Vec::new(),
            header,
        }
    }

    /// Starts an answer to a caller that holds the first `held` texts of
    /// run `generation`: the header's numbers zero, no violation, no new
    /// text. Ids start again when the caller holds anything else (both
    /// numbers must match: a count alone could match a run it never read),
    /// or when the table is past its bounds.
    pub fn begin(&mut self, held: usize, generation: u32) {
        let keys = &mut self.keys;
        let same = held == 2 * keys.len() && generation == self.generation;
        if !same || keys.len() > KEEP_KEYS || keys.words.len() > KEEP_WORDS {
            keys.clear();
            self.generation = self.generation.wrapping_add(1);
        }
        self.base = 2 * keys.len() as u32;
        if self.fresh.capacity() > KEEP_SCRATCH * 8 {
            self.fresh = String::new();
        }
        self.fresh.clear();
        self.fresh_lengths.clear();
        self.numbers.clear();
        self.numbers.resize(self.header, 0);
    }

    pub fn count(&self) -> usize {
        self.numbers.len().saturating_sub(self.header) / 3
    }

    /// How many texts the caller holds once it has read this answer.
    pub fn held(&self) -> usize {
        2 * self.keys.len()
    }

    /// What `pkg/src/validate.js` reads from this answer, given the texts
    /// it kept from earlier ones (`held`, which it updates): the violations.
    /// Strict, for the tests (the differential tests read every answer so):
    /// it panics on an id it does not hold, or lengths that do not add up.
    pub fn read_back(&self, held: &mut Vec<String>) -> Vec<Violation> {
        assert!(self.base as usize <= held.len(), "ids only ever start again");
        held.truncate(self.base as usize);
        let units: Vec<u16> = self.fresh.encode_utf16().collect();
        let mut at = 0;
        for &len in &self.fresh_lengths {
            held.push(String::from_utf16(&units[at..at + len as usize]).expect("whole characters"));
            at += len as usize;
        }
        assert_eq!(at, units.len(), "the lengths cover the new texts");
        assert_eq!(held.len(), self.held(), "the caller holds what the table names");
        self.numbers[self.header..]
            .chunks_exact(3)
            .map(|n| {
                let text = |id: u32| held[id as usize].clone();
                Violation::new(text(n[0]), ViolationCode::ALL[n[1] as usize], text(n[2]))
            })
            .collect()
    }

    /// Reports violation number `n` of the table.
    fn named(&mut self, n: usize, code: ViolationCode) {
        let n = n as u32;
        self.numbers.extend_from_slice(&[2 * n, code as u32, 2 * n + 1]);
    }

    /// Sends `path` and `message` (as the sink was given them: the walk's
    /// are cut) as the texts of a new violation in `slot` (from
    /// [`Keys::find`]) keyed `key`, and reports it.
    fn add(&mut self, key: &[u64], hash: u32, slot: usize, code: ViolationCode, texts: [&str; 2]) {
        for text in texts {
            self.fresh.push_str(text);
            self.fresh_lengths.push(utf16_len(text));
        }
        let n = self.keys.add(key, hash, slot);
        self.named(n, code);
    }

    /// Hands `then` a violation's path and message, written by `write` into
    /// one scratch buffer (no `String` per violation) and each cut there as
    /// [`capped`](crate::violation::capped) cuts it.
    fn with_texts(&mut self, write: &mut dyn FnMut(Part, &mut String), then: impl FnOnce(&mut Self, &str, &str)) {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        write(Part::Path, &mut scratch);
        cut_tail(&mut scratch, 0);
        let middle = scratch.len();
        write(Part::Message, &mut scratch);
        cut_tail(&mut scratch, middle);
        // `get`: `split_at` would link its panic message's formatting.
        let path = scratch.get(..middle).unwrap_or_default();
        then(self, path, scratch.get(middle..).unwrap_or_default());
        if scratch.capacity() <= KEEP_SCRATCH {
            self.scratch = scratch;
        }
    }

    /// A violation known by its texts (it has no key of its own).
    fn by_texts(&mut self, code: ViolationCode, path: &str, message: &str) {
        let mut key = std::mem::take(&mut self.text_key);
        key.clear();
        for text in [path, message] {
            key.push(BY_TEXTS);
            push_bytes(&mut key, text.as_bytes());
        }
        let hash = hash(&key);
        match self.keys.find(&key, hash) {
            Ok(n) => self.named(n, code),
            Err(slot) => self.add(&key, hash, slot, code, [path, message]),
        }
        if key.capacity() * 8 <= KEEP_SCRATCH {
            self.text_key = key;
        }
    }
}

impl Sink for Answer {
    fn violation(&mut self, path: &str, code: ViolationCode, message: &str) {
        self.by_texts(code, path, message);
    }

    fn violation_written(&mut self, code: ViolationCode, write: &mut dyn FnMut(Part, &mut String)) {
        self.with_texts(write, |a, path, message| a.by_texts(code, path, message));
    }

    fn takes_keys(&self) -> bool {
        true
    }

    /// A violation whose key was seen is named by the ids it had then, and
    /// nothing is written: most of an invalid body's violations, from the
    /// second check of a schema on.
    fn violation_keyed(&mut self, code: ViolationCode, key: &[u64], write: &mut dyn FnMut(Part, &mut String)) {
        let hash = hash(key);
        match self.keys.find(key, hash) {
            Ok(n) => self.named(n, code),
            Err(slot) => self.with_texts(write, |a, path, message| a.add(key, hash, slot, code, [path, message])),
        }
    }
}

/// Keys kept one after another, by number, and an open-addressing table of
/// their numbers by hash.
#[derive(Default)]
struct Keys {
    words: Vec<u64>,
    ends: Vec<u32>,
    hashes: Vec<u32>,
    /// A number plus one, or 0 for an empty slot; allocated on first use.
    slots: Vec<u32>,
}

impl Keys {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn clear(&mut self) {
        if self.words.capacity() > 2 * KEEP_WORDS {
            self.words = Vec::new(); // grown by one answer's long keys
        }
        self.words.clear();
        self.ends.clear();
        self.hashes.clear();
        self.slots.fill(0);
    }

    fn get(&self, n: usize) -> &[u64] {
        let start = if n == 0 { 0 } else { self.ends[n - 1] as usize };
        self.words.get(start..self.ends[n] as usize).unwrap_or_default()
    }

    /// `key`'s number, or the empty slot where it would go.
    fn find(&mut self, key: &[u64], hash: u32) -> Result<usize, usize> {
        if self.slots.is_empty() {
            self.slots = vec![0; SLOTS];
        }
        let mut slot = hash as usize & (SLOTS - 1);
        loop {
            let n = match self.slots[slot] {
                0 => return Err(slot),
                n => n as usize - 1,
            };
            // Word by word: `==` on slices calls `memcmp`, which the wasm
            // compares a byte at a time.
            let kept = self.get(n);
            if self.hashes[n] == hash && kept.len() == key.len() && kept.iter().zip(key).all(|(a, b)| a == b) {
                return Ok(n);
            }
            slot = (slot + 1) & (SLOTS - 1);
        }
    }

    /// Adds `key` in `slot` (from [`Keys::find`]); its number.
    fn add(&mut self, key: &[u64], hash: u32, slot: usize) -> usize {
        let n = self.ends.len();
        self.words.extend_from_slice(key);
        self.ends.push(self.words.len() as u32);
        self.hashes.push(hash);
        // Past the bounds `Answer::begin` keeps (which this cannot be, see
        // ANSWER_KEYS), a key still gets its number but is not found again:
        // the table never fills, so `find`'s probe always ends.
        if n < SLOTS / 2 {
            self.slots[slot] = n as u32 + 1;
        }
        n
    }
}

/// Appends `bytes` to a key: their length, then eight to a word (the last
/// one padded with zeros).
pub(crate) fn push_bytes(key: &mut Vec<u64>, bytes: &[u8]) {
    key.push(bytes.len() as u64);
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        key.push(crate::words::word(word));
    }
    if !words.remainder().is_empty() {
        key.push(crate::words::word(words.remainder()));
    }
}

/// A key's hash ([`crate::words::hash`]): keys are a few words, or a path
/// and a message of tens of bytes.
fn hash(words: &[u64]) -> u32 {
    (crate::words::hash(words.len() as u64, words.iter().copied()) >> 32) as u32
}

fn utf16_len(text: &str) -> u32 {
    if text.is_ascii() {
        text.len() as u32
    } else {
        text.chars().map(|c| c.len_utf16() as u32).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::{Answer, KEEP_KEYS, KEEP_WORDS};
    use crate::violation::{Part, Sink, Violation, ViolationCode};

    /// What `pkg/src/validate.js` keeps: the texts by id, and their run.
    #[derive(Default)]
    struct Reader {
        texts: Vec<String>,
        generation: u32,
    }

    impl Reader {
        fn read(&mut self, a: &Answer) -> Vec<Violation> {
            let got = a.read_back(&mut self.texts);
            self.generation = a.generation;
            got
        }
    }

    fn answer(a: &mut Answer, r: &mut Reader, write: impl FnOnce(&mut Answer)) -> Vec<Violation> {
        a.begin(r.texts.len(), r.generation);
        write(a);
        r.read(a)
    }

    #[test]
    fn texts_are_sent_once_and_named_after() {
        let (mut a, mut r) = (Answer::new(2), Reader::default());
        let one = |a: &mut Answer| {
            a.violation("tags[0]", ViolationCode::MaxLength, "must be at most 64 characters");
            a.violation("é.ü", ViolationCode::Type, "must be at most 64 characters");
        };
        let want = vec![
            Violation::new("tags[0]", ViolationCode::MaxLength, "must be at most 64 characters"),
            Violation::new("é.ü", ViolationCode::Type, "must be at most 64 characters"),
        ];
        assert_eq!(answer(&mut a, &mut r, one), want);
        assert_eq!((a.base, a.fresh_lengths.len()), (0, 4));
        assert_eq!(answer(&mut a, &mut r, one), want);
        assert_eq!((a.base, a.fresh.as_str()), (4, ""), "nothing new: no text");
        // A new text among known ones.
        let two = |a: &mut Answer| a.violation("tags[0]", ViolationCode::Min, "😀");
        assert_eq!(
            answer(&mut a, &mut r, two),
            vec![Violation::new("tags[0]", ViolationCode::Min, "😀")]
        );
        assert_eq!((a.base, a.fresh_lengths.as_slice()), (4, &[7, 2][..]), "UTF-16 units");
    }

    #[test]
    fn a_caller_that_holds_other_texts_gets_every_text_again() {
        let (mut a, mut r) = (Answer::new(0), Reader::default());
        let one = |a: &mut Answer| a.violation("p", ViolationCode::Min, "m");
        answer(&mut a, &mut r, one);
        // The caller missed an answer (or never read one): ids start again,
        // whether its count differs or only its run does.
        for (held, run) in [
            (0, r.generation),
            (1, r.generation),
            (5, r.generation),
            (2, r.generation + 7),
        ] {
            a.begin(held, run);
            one(&mut a);
            assert_eq!((a.base, a.fresh.as_str()), (0, "pm"), "held {held}");
            assert_ne!(a.generation, run);
        }
        r.texts.clear();
        assert_eq!(r.read(&a), vec![Violation::new("p", ViolationCode::Min, "m")]);
    }

    #[test]
    fn the_table_stays_bounded_under_ever_new_texts() {
        let (mut a, mut r) = (Answer::new(0), Reader::default());
        let mut restarts = 0;
        for i in 0..2000 {
            let path = format!("k{i}{}", "é".repeat(i % 150));
            let got = answer(&mut a, &mut r, |a| {
                a.violation_written(ViolationCode::UnknownField, &mut |part, out| match part {
                    Part::Path => out.push_str(&path),
                    Part::Message => out.push_str("is not a field"),
                })
            });
            let cut = Violation::written(ViolationCode::UnknownField, &mut |part, out| match part {
                Part::Path => out.push_str(&path),
                Part::Message => out.push_str("is not a field"),
            });
            assert_eq!(got, vec![cut]);
            restarts += usize::from(a.base == 0 && i > 0);
            assert!(a.held() <= 2 * (KEEP_KEYS + 1) && a.keys.words.len() <= KEEP_WORDS + 60);
        }
        assert!(restarts > 3, "{restarts}");
    }

    #[test]
    fn a_full_answer_of_new_texts_fits_after_a_full_table() {
        let (mut a, mut r) = (Answer::new(0), Reader::default());
        // Fill the table to its bound, then one answer of 100 new paths and
        // messages: every text found again, none lost.
        answer(&mut a, &mut r, |a| {
            for i in 0..KEEP_KEYS {
                a.violation(&format!("a{i}"), ViolationCode::Min, &format!("b{i}"));
            }
        });
        assert_eq!(a.held(), 2 * KEEP_KEYS);
        let many = |a: &mut Answer| {
            for i in 0..100 {
                a.violation(&format!("c{i}"), ViolationCode::Max, &format!("d{i}"));
            }
            for i in 0..KEEP_KEYS {
                a.violation(&format!("a{i}"), ViolationCode::Min, &format!("b{i}"));
            }
        };
        let got = answer(&mut a, &mut r, many);
        assert_eq!(a.base as usize, 2 * KEEP_KEYS, "kept: the bound is not passed yet");
        assert_eq!(got.len(), 100 + KEEP_KEYS);
        assert_eq!(got[99], Violation::new("c99", ViolationCode::Max, "d99"));
        assert_eq!(got[100], Violation::new("a0", ViolationCode::Min, "b0"));
        // Past the bound: the next answer starts the ids again.
        answer(&mut a, &mut r, many);
        assert_eq!(a.base, 0);
    }

    /// The catalog's validator writing into an answer reads back, through
    /// the texts kept from earlier answers, as the list it checks: first
    /// with every text new, then with every text known, then in turns.
    #[test]
    fn answers_read_back_as_the_checked_lists() {
        let device = crate::catalog::request_check("AospDeviceUpdate").unwrap();
        let many: String = (0..150).map(|i| format!("\"k{i}\":1,")).collect();
        let bodies = [
            r#"{"displayName":"","tags":["ok",""],"policyId":"x","segmentId":"1","ü\u00e9":1,"é":2}"#.to_owned(),
            format!("{{{many}\"displayName\":\"{}\"}}", "ü".repeat(300)),
            format!("{{\"{}\":1}}", "é".repeat(150)),
            format!("{{\"displayName\":1,\"{}\":1}}", "é".repeat(150)),
            r#"{"aosPolicyAssignments":[{"aosPolicyId":"65a1b2c3d4e5f60718293a4b","priority":"x"},{"zz":1,"aa":2}]}"#
                .to_owned(),
        ];
        let (mut a, mut r) = (Answer::new(5), Reader::default());
        for round in 0..3 {
            for body in &bodies {
                let want = device.check(body.as_bytes()).unwrap();
                assert!(!want.is_empty(), "{body}");
                let got = answer(&mut a, &mut r, |a| (device.write)(body.as_bytes(), a).unwrap());
                assert_eq!(got, want, "{body}");
                if round > 0 {
                    assert!(a.fresh.is_empty(), "round {round}: {body}");
                }
            }
        }
    }

    /// An unknown key longer than a key keeps is known by its cut texts:
    /// the table holds a few words for it, not the body's name.
    #[test]
    fn a_long_unknown_key_is_known_by_its_cut_texts() {
        let device = crate::catalog::request_check("AospDeviceUpdate").unwrap();
        let (mut a, mut r) = (Answer::new(0), Reader::default());
        let body = format!("{{\"{}\":1}}", "k".repeat(100_000));
        for round in 0..2 {
            let got = answer(&mut a, &mut r, |a| (device.write)(body.as_bytes(), a).unwrap());
            assert_eq!(got, device.check(body.as_bytes()).unwrap());
            assert!(a.keys.words.len() < 100, "{}", a.keys.words.len());
            assert_eq!(a.fresh.is_empty(), round == 1, "found again by its texts");
        }
    }
}
