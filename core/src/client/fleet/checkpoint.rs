//! A fleet sync's checkpoint: the cursor of what a run has handed over, and the set of the cards
//! it has accounted for (delivered, or owed because a part of them failed), as JSON text.
//!
//! Why the set: the listing is paged by offset, so a fleet that changes between a crash and the
//! resume (cards added before others, cards moved) shifts cards already delivered onto pages not
//! yet listed. Only the keys of what was delivered tell them apart; a page number cannot, and a
//! Bloom filter would silently skip cards it wrongly thinks it has seen. So the set is exact.
//!
//! Why this representation: a key is a card's msisdn, or its iccid when it has none, and both
//! are digit strings (an iccid may carry letters: those few keys are kept as text). A digit
//! string is a number once its length is packed with it, so the set is a sorted sequence of
//! numbers, written as the differences between neighbours with each run of equal differences
//! collapsed to (difference, repeat) — LEB128 varints, base64. Operators buy cards in blocks of
//! consecutive (or evenly strided) numbers, so a fleet of any size is a handful of runs (the
//! sandbox's 100,000 cards take a few dozen bytes); a fleet of scattered numbers costs about 4
//! bytes a card (5 as base64), a third of the ids as JSON text. In memory the same numbers live in a
//! `BTreeSet<u128>` (about 30 bytes a card, read in order without sorting), shared by the
//! listing side (which drops repeated cards against it) and the checkpoint (which leaves out the
//! cards listed but not yet handed over: they are fetched again after a crash).
//! The varint and run coding are ours: a few lines, no crate does runs of equal differences.

use std::collections::{BTreeSet, HashSet, VecDeque};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::models::card_key;
use crate::models::Card;

/// Version of the checkpoint's JSON (1: page cursor only, without the set of cards).
const VERSION: u32 = 2;
/// More cards than any account holds: a checkpoint's set beyond it is damaged.
const MAX_CARDS: usize = 1 << 26;

/// What a checkpoint says: everything on pages before `next_page` was handed over, except the
/// pages and cards still owed; `seen` is every card accounted for, wherever it was listed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct Cursor {
    v: u32,
    /// Pages of the listing when the last page was handed over (0 before page 1 is known).
    pub pages: u32,
    pub next_page: u32,
    /// The run reached its end: nothing is left to list, only what is owed.
    #[serde(default)]
    pub end: bool,
    pub delivered: u64,
    pub owed_pages: Vec<u32>,
    pub owed_cards: Vec<OwedCard>,
    /// The numeric keys of `Seen`, coded as above.
    #[serde(default)]
    seen: String,
    /// The keys that are not digit strings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    seen_text: Vec<String>,
}

impl Cursor {
    /// A new run's cursor.
    pub fn start() -> Cursor {
        Cursor {
            v: VERSION,
            next_page: 1,
            ..Default::default()
        }
    }

    /// A checkpoint's cursor, and the cards it has accounted for.
    pub fn parse(text: &str) -> Result<(Cursor, Seen)> {
        let bad = |why: String| Error::invalid("checkpoint", why);
        let mut cursor: Cursor = serde_json::from_str(text)
            .map_err(|e| bad(format!("not a fleet sync checkpoint: {e}")))?;
        if cursor.v != VERSION || cursor.next_page == 0 {
            return Err(bad(format!("unsupported checkpoint version {}", cursor.v)));
        }
        let numbers = decode(&cursor.seen).ok_or_else(|| bad("its card set is damaged".into()))?;
        let seen = Seen {
            numbers,
            text: std::mem::take(&mut cursor.seen_text).into_iter().collect(),
            pending: VecDeque::new(),
        };
        cursor.seen.clear();
        Ok((cursor, seen))
    }

    /// The checkpoint's JSON text, with the cards `seen` has accounted for.
    pub fn to_json(&self, seen: &Seen) -> String {
        let (numbers, text) = seen.settled();
        let cursor = Cursor {
            seen: encode(numbers),
            seen_text: text,
            ..self.clone()
        };
        serde_json::to_string(&cursor).unwrap_or_default()
    }
}

/// A listed card still to deliver: its list fields, all a resumed run needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct OwedCard {
    msisdn: String,
    iccid: String,
    imsi: String,
    state: i64,
}

impl OwedCard {
    pub fn of(card: &Card) -> Self {
        OwedCard {
            msisdn: card.msisdn.clone(),
            iccid: card.iccid.clone(),
            imsi: card.imsi.clone(),
            state: card.state,
        }
    }

    pub fn card(self) -> Card {
        Card {
            msisdn: self.msisdn,
            iccid: self.iccid,
            imsi: self.imsi,
            state: self.state,
            ..Default::default()
        }
    }

    pub fn key(&self) -> &str {
        card_key(&self.msisdn, &self.iccid)
    }
}

/// A key as one number: its length in the top byte, its digits below (36 digits at most).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key {
    Number(u128),
    Text(String),
}

impl Key {
    fn of(key: &str) -> Key {
        let digits = !key.is_empty() && key.len() <= 36 && key.bytes().all(|b| b.is_ascii_digit());
        match key.parse::<u128>() {
            Ok(n) if digits => Key::Number(((key.len() as u128) << 120) | n),
            _ => Key::Text(key.to_string()),
        }
    }
}

/// The cards a run has accounted for, and those of the units listed but not yet handed over
/// (one entry per unit, oldest first: units are handed over in the order they were listed).
#[derive(Debug, Default)]
pub(super) struct Seen {
    numbers: BTreeSet<u128>,
    text: HashSet<String>,
    pending: VecDeque<Vec<Key>>,
}

impl Seen {
    /// Keeps the cards of a listed unit not seen before (in order, a repeat within the unit
    /// once), and remembers them as pending; says how many were dropped.
    pub fn admit(&mut self, cards: Vec<Card>) -> (Vec<Card>, u64) {
        let before = cards.len();
        let mut keys = Vec::new();
        let fresh: Vec<Card> = cards
            .into_iter()
            .filter(|c| {
                let key = Key::of(card_key(&c.msisdn, &c.iccid));
                let new = match &key {
                    Key::Number(n) => self.numbers.insert(*n),
                    Key::Text(t) => self.text.insert(t.clone()),
                };
                if new {
                    keys.push(key);
                }
                new
            })
            .collect();
        self.pending.push_back(keys);
        let dropped = (before - fresh.len()) as u64;
        (fresh, dropped)
    }

    /// A unit whose cards are accounted for already (owed by the checkpoint): nothing pending.
    pub fn admit_owed(&mut self) {
        self.pending.push_back(Vec::new());
    }

    /// The oldest pending unit was handed over.
    pub fn settle(&mut self) {
        self.pending.pop_front();
    }

    /// The keys accounted for, in order, without those still pending.
    fn settled(&self) -> (impl Iterator<Item = u128> + '_, Vec<String>) {
        let mut pending_numbers = Vec::new();
        let mut pending_text = HashSet::new();
        for key in self.pending.iter().flatten() {
            match key {
                Key::Number(n) => pending_numbers.push(*n),
                Key::Text(t) => {
                    pending_text.insert(t.as_str());
                }
            }
        }
        pending_numbers.sort_unstable();
        let mut skip = pending_numbers.into_iter().peekable();
        let numbers = self.numbers.iter().copied().filter(move |n| {
            while skip.next_if(|p| p < n).is_some() {}
            skip.next_if_eq(n).is_none()
        });
        let mut text: Vec<String> = self
            .text
            .iter()
            .filter(|t| !pending_text.contains(t.as_str()))
            .cloned()
            .collect();
        text.sort_unstable();
        (numbers, text)
    }
}

/// Increasing numbers as (difference, repeat - 1) pairs of LEB128 varints, base64.
fn encode(numbers: impl Iterator<Item = u128>) -> String {
    let mut out = Vec::new();
    let mut previous = 0u128;
    let mut run: Option<(u128, u128)> = None;
    for n in numbers {
        let delta = n - previous;
        previous = n;
        run = match run {
            Some((d, repeat)) if d == delta => Some((d, repeat + 1)),
            Some((d, repeat)) => {
                varint(&mut out, d);
                varint(&mut out, repeat - 1);
                Some((delta, 1))
            }
            None => Some((delta, 1)),
        };
    }
    if let Some((d, repeat)) = run {
        varint(&mut out, d);
        varint(&mut out, repeat - 1);
    }
    STANDARD.encode(out)
}

/// The numbers of [`encode`]; `None` when the text is not such a sequence.
fn decode(text: &str) -> Option<BTreeSet<u128>> {
    let bytes = STANDARD.decode(text).ok()?;
    let mut at = 0;
    let mut numbers = BTreeSet::new();
    let mut n = 0u128;
    while at < bytes.len() {
        let delta = read_varint(&bytes, &mut at)?;
        let repeat = read_varint(&bytes, &mut at)?.checked_add(1)?;
        // A damaged or hostile text must not make a run allocate without end.
        if delta == 0 || repeat > (MAX_CARDS - numbers.len()) as u128 {
            return None;
        }
        for _ in 0..repeat {
            n = n.checked_add(delta)?;
            numbers.insert(n);
        }
    }
    Some(numbers)
}

fn varint(out: &mut Vec<u8>, mut n: u128) {
    loop {
        let low = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x80);
    }
}

fn read_varint(bytes: &[u8], at: &mut usize) -> Option<u128> {
    let mut n = 0u128;
    for shift in (0..128).step_by(7) {
        let b = *bytes.get(*at)?;
        *at += 1;
        n |= u128::from(b & 0x7f).checked_shl(shift)?;
        if b & 0x80 == 0 {
            return Some(n);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(msisdn: &str) -> Card {
        Card {
            msisdn: msisdn.into(),
            ..Default::default()
        }
    }

    fn seen_of(keys: &[String]) -> Seen {
        let mut seen = Seen::default();
        seen.admit(keys.iter().map(|k| card(k)).collect());
        seen.settle();
        seen
    }

    fn round_trip(seen: &Seen) -> (Cursor, Seen) {
        Cursor::parse(&Cursor::start().to_json(seen)).expect("its own checkpoint")
    }

    #[test]
    fn a_set_survives_the_round_trip_exactly() {
        let keys: Vec<String> = ["0012", "12", "1440000000001", "898600ABC0000000001", "7"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let (_, mut back) = round_trip(&seen_of(&keys));
        // Same digits, other length: another card.
        let (fresh, dropped) = back.admit(vec![card("012"), card("12"), card("0012")]);
        assert_eq!(dropped, 2);
        assert_eq!(fresh, vec![card("012")]);
        let again: Vec<Card> = keys.iter().map(|k| card(k)).collect();
        assert_eq!(back.admit(again).1, keys.len() as u64);
    }

    #[test]
    fn blocks_of_cards_cost_a_few_bytes_and_scattered_ones_about_four_a_card() {
        // Two interleaved blocks, as the sandbox numbers them.
        let blocks: Vec<String> = (0..100_000u64)
            .map(|i| {
                let prefix = if i % 2 == 0 { "1064" } else { "1440" };
                format!("{prefix}{:09}", 870_000_000 + i)
            })
            .collect();
        let text = Cursor::start().to_json(&seen_of(&blocks));
        assert!(text.len() < 200, "{} bytes: {text}", text.len());

        let mut x = 88172645463325252u64;
        let scattered: Vec<String> = (0..100_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                format!("14{:011}", x % 100_000_000_000)
            })
            .collect();
        let seen = seen_of(&scattered);
        let text = Cursor::start().to_json(&seen);
        assert!(text.len() < 6 * 100_000, "{} bytes", text.len());
        let (_, back) = round_trip(&seen);
        assert_eq!(back.numbers, seen.numbers);
    }

    #[test]
    fn cards_listed_but_not_handed_over_are_left_out() {
        let mut seen = Seen::default();
        seen.admit(vec![card("100"), card("101")]);
        seen.admit(vec![card("102"), card("abc")]);
        seen.settle();
        let (_, back) = round_trip(&seen);
        assert_eq!(back.numbers.len(), 2);
        assert!(back.text.is_empty());
        seen.settle();
        let (_, back) = round_trip(&seen);
        assert_eq!(back.numbers.len(), 3);
        assert_eq!(back.text.len(), 1);
    }

    #[test]
    fn a_damaged_set_is_refused() {
        let good = Cursor::start().to_json(&seen_of(&["5".to_string()]));
        let bad = good.replace("\"seen\":\"", "\"seen\":\"/w");
        assert!(Cursor::parse(&bad).is_err());
        assert!(decode("gA==").is_none(), "a varint cut short");
        assert!(decode("AAA=").is_none(), "a zero difference");
    }
}
