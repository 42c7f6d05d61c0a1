//! How a request names its cards.
//!
//! Batch endpoints take a set of msisdns *or* iccids (the spec: "优先 msisdns", msisdns win);
//! single-card endpoints take an msisdn, an iccid, or both. Both keys of a pair are always sent,
//! the unused one empty, because the spec marks both required and a strict server refuses a
//! request that omits one (1012).

use crate::error::{Error, Result};
use crate::rules::{check_ids, is_iccid, is_msisdn};

/// Several cards, by msisdn or by iccid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardSet {
    Msisdns(Vec<String>),
    Iccids(Vec<String>),
}

impl CardSet {
    pub fn msisdns<I: IntoIterator<Item = S>, S: Into<String>>(ids: I) -> Self {
        CardSet::Msisdns(ids.into_iter().map(Into::into).collect())
    }

    pub fn iccids<I: IntoIterator<Item = S>, S: Into<String>>(ids: I) -> Self {
        CardSet::Iccids(ids.into_iter().map(Into::into).collect())
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

    pub fn ids(&self) -> &[String] {
        match self {
            CardSet::Msisdns(v) | CardSet::Iccids(v) => v,
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
        }
    }

    /// Splits into request-sized chunks, each as the `(msisdns, iccids)` pair of parameters.
    pub(crate) fn batches(&self, size: usize) -> Vec<(String, String)> {
        self.ids()
            .chunks(size)
            .map(|chunk| {
                let joined = chunk.join(",");
                match self {
                    CardSet::Msisdns(_) => (joined, String::new()),
                    CardSet::Iccids(_) => (String::new(), joined),
                }
            })
            .collect()
    }
}

/// One card, by msisdn, iccid or both.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CardRef {
    pub msisdn: Option<String>,
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

    /// From optional parts as bindings receive them; empty strings count as absent.
    pub fn new(msisdn: Option<String>, iccid: Option<String>) -> Result<Self> {
        let card = CardRef {
            msisdn: msisdn.filter(|s| !s.is_empty()),
            iccid: iccid.filter(|s| !s.is_empty()),
        };
        card.validate()?;
        Ok(card)
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
    fn batches_keep_order_and_leave_other_key_empty() {
        let ids: Vec<String> = (0..250).map(|i| format!("1064787{i:06}")).collect();
        let b = CardSet::Msisdns(ids.clone()).batches(100);
        assert_eq!(b.len(), 3);
        assert!(b[0].0.starts_with("1064787000000,1064787000001"));
        assert_eq!(b[2].0.split(',').count(), 50);
        assert!(b.iter().all(|(_, i)| i.is_empty()));
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
