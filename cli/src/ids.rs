//! Card ids on the command line: 19–20 letters and digits make an iccid, anything else is taken
//! as an msisdn. The core validates both forms and refuses bad ones (exit code 2).

use std::collections::HashMap;

use cardboss::{CardRef, CardSet};

/// The core's own rule (19–20 ASCII letters and digits).
pub fn looks_like_iccid(id: &str) -> bool {
    cardboss::rules::is_iccid(id)
}

pub fn card_ref(id: &str) -> CardRef {
    let id = id.trim();
    if looks_like_iccid(id) {
        CardRef::iccid(id)
    } else {
        CardRef::msisdn(id)
    }
}

/// The ids as at most two sets (msisdns, then iccids), because one request names its cards
/// one way.
pub fn card_sets(ids: &[String]) -> Vec<CardSet> {
    let (iccids, msisdns): (Vec<String>, Vec<String>) = ids
        .iter()
        .map(|s| s.trim().to_string())
        .partition(|id| looks_like_iccid(id));
    let mut sets = Vec::new();
    if !msisdns.is_empty() {
        sets.push(CardSet::Msisdns(msisdns));
    }
    if !iccids.is_empty() {
        sets.push(CardSet::Iccids(iccids));
    }
    if sets.is_empty() {
        sets.push(CardSet::Msisdns(Vec::new())); // the core says what is missing
    }
    sets
}

/// Puts `records` back in the order the ids were given (by msisdn or iccid); records that match
/// no id keep their relative order at the end.
pub fn in_input_order<T>(
    ids: &[String],
    records: Vec<T>,
    keys: impl Fn(&T) -> (String, String),
) -> Vec<T> {
    let position: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.trim(), i))
        .collect();
    let mut keyed: Vec<(usize, usize, T)> = records
        .into_iter()
        .enumerate()
        .map(|(n, r)| {
            let (a, b) = keys(&r);
            let at = position
                .get(a.as_str())
                .or_else(|| position.get(b.as_str()))
                .copied()
                .unwrap_or(usize::MAX);
            (at, n, r)
        })
        .collect();
    keyed.sort_by_key(|(at, n, _)| (*at, *n));
    keyed.into_iter().map(|(_, _, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies() {
        assert!(looks_like_iccid("898607B8101700000001"));
        assert!(looks_like_iccid("8986071234567890123"));
        assert!(!looks_like_iccid("1064787000001"));
        assert_eq!(card_ref("1064787000001"), CardRef::msisdn("1064787000001"));
        let sets = card_sets(&["1064787000001".into(), "898607B8101700000001".into()]);
        assert_eq!(sets.len(), 2);
    }

    #[test]
    fn reorders() {
        let ids = vec!["b".to_string(), "a".to_string()];
        let out = in_input_order(&ids, vec!["a", "x", "b"], |s| {
            (s.to_string(), String::new())
        });
        assert_eq!(out, vec!["b", "a", "x"]);
    }
}
