//! How a request names its cards.
//!
//! Batch endpoints take a set of msisdns *or* iccids (the spec: "优先 msisdns", msisdns win);
//! single-card endpoints take an msisdn, an iccid, or both. Both keys of a pair are always sent,
//! the unused one empty, because the spec marks both required and a strict server refuses a
//! request that omits one (1012).
//!
//! A caller holding a mix of both forms (a CSV of ids, a command line) gives `CardSet::Mixed`:
//! each id is classified once here (19–20 letters and digits make an iccid, anything else is an
//! msisdn), the msisdns and the iccids go out in separate requests, and the collected results are
//! put back in the order the ids were given.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::rules::{check_ids, is_iccid, is_msisdn};

/// Several cards, by msisdn, by iccid, or a mix of both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardSet {
    Msisdns(Vec<String>),
    Iccids(Vec<String>),
    /// Each id an msisdn or an iccid, told apart by [`looks_like_iccid`].
    Mixed(Vec<String>),
}

// The cards of a call as every binding takes them, defined once here (Kotlin and Swift
// `CardSet`, Node `{ msisdns }`; Python takes the same three as keyword arguments);
// `CardIds::to_set` checks the combination, the call checks the ids. The doc comment below is
// what users read in each language.
/// Several cards: `msisdns` or `iccids` (msisdns win when both are given, as the spec says), or
/// `cards`, ids of either form (an iccid is 19–20 letters and digits), not with the other two.
/// Any number of cards: they are sent in batches of 100.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record), uniffi(name = "CardSet"))]
#[cfg_attr(feature = "napi", napi_derive::napi(object, js_name = "CardSet"))]
pub struct CardIds {
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub msisdns: Option<Vec<String>>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub iccids: Option<Vec<String>>,
    /// Ids of either form, told apart by the SDK; not with `msisdns` or `iccids`.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cards: Option<Vec<String>>,
}

impl CardIds {
    /// The set these ids name: [`CardSet::from_parts`].
    pub fn to_set(self) -> Result<CardSet> {
        CardSet::from_parts(self.msisdns, self.iccids, self.cards)
    }
}

/// The rule that tells the ids of a mixed set apart: an iccid is 19–20 letters and digits.
pub fn looks_like_iccid(id: &str) -> bool {
    is_iccid(id)
}

impl CardSet {
    pub fn msisdns<I: IntoIterator<Item = S>, S: Into<String>>(ids: I) -> Self {
        CardSet::Msisdns(ids.into_iter().map(Into::into).collect())
    }

    pub fn iccids<I: IntoIterator<Item = S>, S: Into<String>>(ids: I) -> Self {
        CardSet::Iccids(ids.into_iter().map(Into::into).collect())
    }

    /// Ids of either form, trimmed; see [`CardSet::Mixed`].
    pub fn mixed<I: IntoIterator<Item = S>, S: Into<String>>(ids: I) -> Self {
        CardSet::Mixed(
            ids.into_iter()
                .map(|s| s.into().trim().to_string())
                .collect(),
        )
    }

    /// From both lists as a caller may hold them; msisdns win when both are non-empty, as the
    /// spec says. Both empty is an error.
    pub fn from_lists(msisdns: Vec<String>, iccids: Vec<String>) -> Result<Self> {
        match (msisdns.is_empty(), iccids.is_empty()) {
            (false, _) => Ok(CardSet::Msisdns(msisdns)),
            (true, false) => Ok(CardSet::Iccids(iccids)),
            (true, true) => Err(Error::invalid("cards", "give msisdns or iccids")),
        }
    }

    /// The card set of a binding's optional arguments (`msisdns=`, `iccids=`, `cards=`):
    /// [`CardSet::from_lists`] of the first two, or [`CardSet::mixed`] of `cards`. `cards` with
    /// one of the others is refused: which cards are meant would be unclear.
    pub fn from_parts(
        msisdns: Option<Vec<String>>,
        iccids: Option<Vec<String>>,
        cards: Option<Vec<String>>,
    ) -> Result<Self> {
        match cards {
            None => Self::from_lists(msisdns.unwrap_or_default(), iccids.unwrap_or_default()),
            Some(_) if msisdns.is_some() || iccids.is_some() => Err(Error::invalid(
                "cards",
                "give cards (msisdns and iccids mixed), or msisdns / iccids, not both",
            )),
            Some(ids) if ids.is_empty() => Err(Error::invalid("cards", "give at least one card")),
            Some(ids) => Ok(Self::mixed(ids)),
        }
    }

    pub fn ids(&self) -> &[String] {
        match self {
            CardSet::Msisdns(v) | CardSet::Iccids(v) | CardSet::Mixed(v) => v,
        }
    }

    pub fn len(&self) -> usize {
        self.ids().len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids().is_empty()
    }

    /// Checks every id's form; an empty set is an error.
    pub fn validate(&self) -> Result<()> {
        match self {
            CardSet::Msisdns(v) => check_ids("msisdns", v, false),
            CardSet::Iccids(v) => check_ids("iccids", v, true),
            CardSet::Mixed(v) if v.is_empty() => Err(Error::invalid("cards", "no card given")),
            CardSet::Mixed(v) => {
                let (iccids, msisdns) = split(v);
                if !msisdns.is_empty() {
                    check_ids("msisdns", &msisdns, false)?;
                }
                if !iccids.is_empty() {
                    check_ids("iccids", &iccids, true)?;
                }
                Ok(())
            }
        }
    }

    /// Whether collected results must be put back in input order (a mixed set is fetched as its
    /// msisdns, then its iccids).
    pub(crate) fn is_mixed(&self) -> bool {
        matches!(self, CardSet::Mixed(_))
    }

    /// Puts `records` back in the order of the ids, found by each record's `(msisdn, iccid)`;
    /// records that match no id keep their relative order at the end.
    pub(crate) fn in_input_order<T>(
        &self,
        records: Vec<T>,
        keys: impl Fn(&T) -> [&str; 2],
    ) -> Vec<T> {
        let position: HashMap<&str, usize> = self
            .ids()
            .iter()
            .enumerate()
            .rev()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        let mut keyed: Vec<(usize, T)> = records
            .into_iter()
            .map(|r| {
                let at = keys(&r)
                    .iter()
                    .filter(|k| !k.is_empty())
                    .find_map(|k| position.get(k).copied())
                    .unwrap_or(usize::MAX);
                (at, r)
            })
            .collect();
        keyed.sort_by_key(|(at, _)| *at);
        keyed.into_iter().map(|(_, r)| r).collect()
    }

    /// Splits into request-sized chunks, each as the `(msisdns, iccids)` pair of parameters.
    /// A mixed set gives its msisdns' batches, then its iccids'.
    pub(crate) fn batches(&self, size: usize) -> Vec<(String, String)> {
        let chunks = |ids: &[String], iccid: bool| -> Vec<(String, String)> {
            ids.chunks(size)
                .map(|chunk| {
                    let joined = chunk.join(",");
                    if iccid {
                        (String::new(), joined)
                    } else {
                        (joined, String::new())
                    }
                })
                .collect()
        };
        match self {
            CardSet::Msisdns(v) => chunks(v, false),
            CardSet::Iccids(v) => chunks(v, true),
            CardSet::Mixed(v) => {
                let (iccids, msisdns) = split(v);
                let mut all = chunks(&msisdns, false);
                all.extend(chunks(&iccids, true));
                all
            }
        }
    }
}

/// `(iccids, msisdns)` of mixed ids, each in input order.
fn split(ids: &[String]) -> (Vec<String>, Vec<String>) {
    ids.iter().cloned().partition(|id| looks_like_iccid(id))
}

// Also the type every binding takes (Kotlin and Swift `CardRef(msisdn = ...)`, Node
// `{ msisdn }`), checked with `CardRef::checked`.
/// One card: its msisdn, its iccid, or both (an empty string counts as absent).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "napi", napi_derive::napi(object))]
pub struct CardRef {
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub msisdn: Option<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub iccid: Option<String>,
}

impl CardRef {
    pub fn msisdn(id: impl Into<String>) -> Self {
        CardRef {
            msisdn: Some(id.into()),
            iccid: None,
        }
    }

    pub fn iccid(id: impl Into<String>) -> Self {
        CardRef {
            msisdn: None,
            iccid: Some(id.into()),
        }
    }

    /// One id of either form, told apart like the ids of a [`CardSet::Mixed`].
    pub fn from_id(id: &str) -> Self {
        let id = id.trim();
        if looks_like_iccid(id) {
            CardRef::iccid(id)
        } else {
            CardRef::msisdn(id)
        }
    }

    /// From optional parts as bindings receive them; empty strings count as absent.
    pub fn new(msisdn: Option<String>, iccid: Option<String>) -> Result<Self> {
        let card = CardRef {
            msisdn: msisdn.filter(|s| !s.is_empty()),
            iccid: iccid.filter(|s| !s.is_empty()),
        };
        card.validate()?;
        Ok(card)
    }

    /// [`CardRef::new`] of this card's parts, as a binding received them.
    pub fn checked(self) -> Result<Self> {
        CardRef::new(self.msisdn, self.iccid)
    }

    pub fn validate(&self) -> Result<()> {
        if self.msisdn.is_none() && self.iccid.is_none() {
            return Err(Error::invalid("card", "give an msisdn or an iccid"));
        }
        if let Some(m) = self.msisdn.as_deref().filter(|m| !is_msisdn(m)) {
            return Err(Error::invalid(
                "msisdn",
                format!("{m:?} is not a valid msisdn (digits only)"),
            ));
        }
        if let Some(i) = self.iccid.as_deref().filter(|i| !is_iccid(i)) {
            return Err(Error::invalid(
                "iccid",
                format!("{i:?} is not a valid iccid (19–20 letters and digits)"),
            ));
        }
        Ok(())
    }

    /// `(msisdn, iccid)` as sent: the missing one is an empty string.
    pub(crate) fn params(&self) -> (&str, &str) {
        (
            self.msisdn.as_deref().unwrap_or(""),
            self.iccid.as_deref().unwrap_or(""),
        )
    }

    /// The key the cooldown guard remembers the card by.
    pub(crate) fn key(&self) -> String {
        self.msisdn
            .clone()
            .or_else(|| self.iccid.clone())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msisdns_win() {
        let set = CardSet::from_lists(
            vec!["1064787000001".into()],
            vec!["898607b8101700000001".into()],
        )
        .unwrap();
        assert_eq!(set, CardSet::msisdns(["1064787000001"]));
        assert!(CardSet::from_lists(vec![], vec![]).is_err());
    }

    #[test]
    fn a_card_from_a_binding_takes_empty_parts_as_absent() {
        let iccid = "898607B8101700000001";
        let card = CardRef {
            msisdn: Some(String::new()),
            iccid: Some(iccid.into()),
        };
        assert_eq!(card.checked().unwrap(), CardRef::iccid(iccid));
        assert_eq!(
            CardRef::default().checked().unwrap_err().code(),
            "INVALID_INPUT"
        );
        let ids = CardIds {
            cards: Some(vec![iccid.into(), "1064787000001".into()]),
            ..CardIds::default()
        };
        assert_eq!(
            ids.to_set().unwrap(),
            CardSet::mixed([iccid, "1064787000001"])
        );
    }

    #[test]
    fn parts_take_the_lists_or_mixed_ids_not_both() {
        let m = || Some(vec!["1064787000001".to_string()]);
        assert_eq!(
            CardSet::from_parts(m(), None, None).unwrap(),
            CardSet::msisdns(["1064787000001"])
        );
        assert_eq!(
            CardSet::from_parts(None, None, m()).unwrap(),
            CardSet::mixed(["1064787000001"])
        );
        for (msisdns, iccids, cards) in [
            (m(), None, m()),
            (None, m(), m()),
            (None, None, Some(vec![])),
            (None, None, None),
        ] {
            let e = CardSet::from_parts(msisdns, iccids, cards).unwrap_err();
            assert_eq!(e.code(), "INVALID_INPUT");
        }
    }

    #[test]
    fn batches_keep_order_and_leave_other_key_empty() {
        let ids: Vec<String> = (0..250).map(|i| format!("1064787{i:06}")).collect();
        let b = CardSet::Msisdns(ids.clone()).batches(100);
        assert_eq!(b.len(), 3);
        assert!(b[0].0.starts_with("1064787000000,1064787000001"));
        assert_eq!(b[2].0.split(',').count(), 50);
        assert!(b.iter().all(|(_, i)| i.is_empty()));
    }

    #[test]
    fn mixed_sets_split_and_reorder() {
        let set = CardSet::mixed([" 898607b8101700000001", "1064787000001", "1064787000002"]);
        set.validate().unwrap();
        let b = set.batches(100);
        assert_eq!(
            b,
            vec![
                ("1064787000001,1064787000002".to_string(), String::new()),
                (String::new(), "898607b8101700000001".to_string()),
            ]
        );
        let fetched = vec![
            ("1064787000001", ""),
            ("1064787000002", ""),
            ("x", "898607b8101700000001"),
        ];
        let ordered = set.in_input_order(fetched, |r| [r.0, r.1]);
        assert_eq!(ordered[0].1, "898607b8101700000001");
        assert_eq!(ordered[2].0, "1064787000002");
        assert!(CardSet::mixed(["1064787000001", "abc"]).validate().is_err());
        assert!(CardSet::mixed(Vec::<String>::new()).validate().is_err());
        assert_eq!(
            CardRef::from_id(" 898607B8101700000001 "),
            CardRef::iccid("898607B8101700000001")
        );
        assert_eq!(
            CardRef::from_id("1064787000001"),
            CardRef::msisdn("1064787000001")
        );
    }

    #[test]
    fn card_ref_checks() {
        assert!(CardRef::new(None, None).is_err());
        assert!(CardRef::new(Some("abc".into()), None).is_err());
        assert_eq!(
            CardRef::new(Some("".into()), Some("898607b8101700000001".into()))
                .unwrap()
                .params(),
            ("", "898607b8101700000001")
        );
    }
}
