//! Writing answers: JSON straight into the bytes sent (no `serde_json::Value` tree on the hot
//! paths), and per-card fragments that are rendered once and kept until the card changes.
//!
//! Why: `card/detail` for 100 cards is an 80 kB answer. Built as a `Value` tree (a BTreeMap per
//! card, a String per field) it cost more than everything else of a request together. Here an
//! object is written field by field with serde (`Obj::field`, typed values, serde_json's own
//! escaping), so each response style keeps its field names in one place; and the per-card
//! objects of `card/detail` and `card/usage/current` are kept in the fleet's [`RenderCache`]:
//! a request copies 100 fragments into one buffer. A fragment depends on the card, the response
//! style and the business day (package validity); it is dropped when the card is changed (every
//! change goes through `Fleet::card_mut`), and all are dropped when the style or the day
//! changes (`Sandbox::catch_up`, before each request).
//! Memory: about 1 kB per card that was read (detail and usage), kept for the sandbox's life.

use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::Serialize;

use crate::Style;

/// A JSON object being written into `out`.
pub struct Obj<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> Obj<'a> {
    pub fn new(out: &'a mut Vec<u8>) -> Obj<'a> {
        out.push(b'{');
        Obj { out, first: true }
    }

    fn key(&mut self, k: &str) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        write_json(self.out, k);
        self.out.push(b':');
    }

    pub fn field<T: Serialize + ?Sized>(&mut self, k: &str, v: &T) -> &mut Self {
        self.key(k);
        write_json(self.out, v);
        self
    }

    /// A field whose value is JSON already written by `f`.
    pub fn raw(&mut self, k: &str, f: impl FnOnce(&mut Vec<u8>)) -> &mut Self {
        self.key(k);
        f(self.out);
        self
    }

    pub fn end(&mut self) {
        self.out.push(b'}');
    }
}

/// Serialising plain data into a Vec cannot fail (no maps with non-string keys here).
fn write_json<T: Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) {
    if serde_json::to_writer(&mut *out, v).is_err() {
        out.extend_from_slice(b"null");
    }
}

/// `[a,b,…]` of the parts `f` writes, one call per item.
pub fn array<I>(out: &mut Vec<u8>, items: I, mut f: impl FnMut(&mut Vec<u8>, I::Item))
where
    I: IntoIterator,
{
    out.push(b'[');
    for (n, item) in items.into_iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        f(out, item);
    }
    out.push(b']');
}

/// The success envelope `{"code":"0","msg":"成功","detail":"",KEY:…}` with the value written by
/// `f`.
pub fn envelope(key: &str, capacity: usize, f: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut out = Vec::with_capacity(capacity + 64);
    Obj::new(&mut out)
        .field("code", "0")
        .field("msg", "成功")
        .field("detail", "")
        .raw(key, f)
        .end();
    out
}

/// Which per-card fragment.
#[derive(Clone, Copy)]
pub enum Fragment {
    Detail,
    Usage,
}

#[derive(Default)]
struct Rendered {
    detail: OnceLock<Box<[u8]>>,
    usage: OnceLock<Box<[u8]>>,
}

/// The rendered fragments of every card. Reading a kept fragment is one atomic load: requests
/// for the same cards on several threads share the cache lines instead of taking turns on a
/// lock (a lock word per card, written by every reader, made 100-card answers bounce 200 cache
/// lines between cores). Fragments are dropped through `&mut` (the world's write lock): one
/// card when it changes, all of them when the style or the business day is no longer the one
/// they were rendered for (`refresh`).
pub struct RenderCache {
    key: Option<(Style, NaiveDate)>,
    cards: Vec<Rendered>,
}

impl RenderCache {
    pub fn new(cards: usize) -> RenderCache {
        RenderCache {
            key: None,
            cards: (0..cards).map(|_| Rendered::default()).collect(),
        }
    }

    /// Forgets card `idx`'s fragments (it changed).
    pub fn invalidate(&mut self, idx: usize) {
        self.cards[idx] = Rendered::default();
    }

    /// Whether the kept fragments were rendered for this style and day.
    pub fn is_for(&self, style: Style, today: NaiveDate) -> bool {
        self.key == Some((style, today))
    }

    /// Makes the cache one for `style` and `today`, forgetting everything if it was not.
    pub fn refresh(&mut self, style: Style, today: NaiveDate) {
        if !self.is_for(style, today) {
            self.cards.iter_mut().for_each(|r| *r = Rendered::default());
            self.key = Some((style, today));
        }
    }

    /// Appends card `idx`'s fragment to `out`, rendering it with `render` first when there is
    /// none. A cache for another style or day (the day turned since the last `refresh`) is not
    /// used: the fragment is rendered for this answer only.
    pub fn append(
        &self,
        idx: usize,
        what: Fragment,
        style: Style,
        today: NaiveDate,
        out: &mut Vec<u8>,
        render: impl FnOnce(&mut Vec<u8>),
    ) {
        if !self.is_for(style, today) {
            render(out);
            return;
        }
        let r = &self.cards[idx];
        let slot = match what {
            Fragment::Detail => &r.detail,
            Fragment::Usage => &r.usage,
        };
        let bytes = slot.get_or_init(|| {
            let mut b = Vec::with_capacity(1024);
            render(&mut b);
            b.into_boxed_slice()
        });
        out.extend_from_slice(bytes);
    }
}
