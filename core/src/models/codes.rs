//! The spec's code tables, once: what each coded field's values mean.
//!
//! The models keep coded fields as the plain value the platform sent (`i64`, or the operator's
//! letters), so a code the spec does not list still decodes. A binding that offers named values
//! (Python's `enum.IntEnum`) builds them from these tables; a value missing from its table stays
//! the plain value there too.

/// One code table: the name a binding gives its enum, what it is, and its members.
#[derive(Debug, Clone, Copy)]
pub struct CodeTable<V: 'static> {
    /// The enum's name in a binding (`CardState`).
    pub name: &'static str,
    /// One line for the enum's documentation.
    pub doc: &'static str,
    /// Member names (upper case) and values, in the spec's order.
    pub members: &'static [(&'static str, V)],
}

/// 3.2.1/3.2.2 `state`: the card's platform state.
pub const CARD_STATE: CodeTable<i64> = CodeTable {
    name: "CardState",
    doc: "A card's platform state (`state`): 0 disabled, 1 usable, 2 paused.",
    members: &[("DISABLED", 0), ("USABLE", 1), ("PAUSED", 2)],
};

/// 3.2.2 `msstatus`: the card's state at the carrier.
pub const MS_STATUS: CodeTable<i64> = CodeTable {
    name: "MsStatus",
    doc: "A card's state at the carrier (`msstatus`).",
    members: &[
        ("STOCK", 0),
        ("AWAITING_ACTIVATION", 1),
        ("NORMAL", 2),
        ("SUSPENDED", 3),
        ("CLOSED", 4),
        ("OTHER", 5),
        ("TEST", 6),
    ],
};

/// 3.2.2 `cycle`: the card's life-cycle phase.
pub const CYCLE: CodeTable<i64> = CodeTable {
    name: "Cycle",
    doc: "A card's life-cycle phase (`cycle`).",
    members: &[("OTHER", 0), ("TEST", 1), ("SILENT", 2), ("ACTIVE", 3)],
};

/// 3.1.1 and 3.3.1 `status`/`state` of an account or a pool.
pub const STATUS: CodeTable<i64> = CodeTable {
    name: "Status",
    doc: "An account's or a pool's status: 0 disabled, 1 normal.",
    members: &[("DISABLED", 0), ("NORMAL", 1)],
};

/// 3.2.6 `pkgtype`.
pub const PACKAGE_TYPE: CodeTable<i64> = CodeTable {
    name: "PackageType",
    doc: "What a package provides (`pkgtype`).",
    members: &[("DATA", 1), ("VOICE", 2), ("NB", 3), ("SMS", 4)],
};

/// 3.2.6 `pkgcategory`.
pub const PACKAGE_CATEGORY: CodeTable<i64> = CodeTable {
    name: "PackageCategory",
    doc: "A package's category (`pkgcategory`); month packs are ordered 12 months at least.",
    members: &[
        ("MONTH_PACK", 1),
        ("LONG_PACK", 2),
        ("ADD_ON", 3),
        ("ASSURANCE", 4),
        ("TEST", 5),
        ("OFF_PEAK", 6),
        ("POSTPAID", 7),
    ],
};

/// OD1002 `status`: how a renewal ended.
pub const RENEWAL_STATUS: CodeTable<i64> = CodeTable {
    name: "RenewalStatus",
    doc: "How a renewal order ended (OD1002 `status`).",
    members: &[("FAILED", 0), ("SUCCEEDED", 1)],
};

/// OD1010 `type`: what a warning is about.
pub const WARNING_TYPE: CodeTable<i64> = CodeTable {
    name: "WarningType",
    doc: "What a usage warning is about (OD1010 `type`).",
    members: &[
        ("DATA_LOW", 11),
        ("VOICE_LOW", 12),
        ("SMS_LOW", 13),
        ("CONNECTIONS_LOW", 14),
        ("POOL_CARD_AT_QUOTA", 15),
        ("DATA_EXCEEDED", 21),
        ("VOICE_EXCEEDED", 22),
        ("SMS_EXCEEDED", 23),
        ("CONNECTIONS_EXCEEDED", 24),
        ("PACKAGE_EXPIRING", 31),
        ("PACKAGE_EXPIRED", 32),
        ("NO_PACKAGE", 41),
        ("CARD_EXPIRING", 42),
        ("SUSPENDED_AT_QUOTA", 51),
    ],
};

/// 3.4.1 `audit`: the renewal review mode (see `Audit`).
pub const AUDIT: CodeTable<i64> = CodeTable {
    name: "Audit",
    doc: "A renewal's review mode (`audit`): 1 manual, 2 automatic.",
    members: &[("MANUAL", 1), ("AUTOMATIC", 2)],
};

/// 3.2.2 `mno` and OD1010 `mon`: the operator, by its letters.
pub const OPERATOR: CodeTable<&'static str> = CodeTable {
    name: "Operator",
    doc: "A card's operator (`mno`, `mon`): CM, CT, UN or CB.",
    members: &[
        ("CHINA_MOBILE", "CM"),
        ("CHINA_TELECOM", "CT"),
        ("CHINA_UNICOM", "UN"),
        ("CHINA_BROADNET", "CB"),
    ],
};

/// Not a spec table: how a bulk run's operation ended on one card ([`OutcomeStatus`]), by its
/// wire names, for a binding's string enum.
///
/// [`OutcomeStatus`]: crate::models::OutcomeStatus
pub const OUTCOME_STATUS: CodeTable<&'static str> = CodeTable {
    name: "OutcomeStatus",
    doc: "How a bulk run's operation ended on one card: done, refused, unknown, skipped or not_attempted.",
    members: &[
        ("DONE", "done"),
        ("REFUSED", "refused"),
        ("UNKNOWN", "unknown"),
        ("SKIPPED", "skipped"),
        ("NOT_ATTEMPTED", "not_attempted"),
    ],
};

/// Every text table, for a binding that builds them all.
pub const STR_TABLES: &[CodeTable<&'static str>] = &[OPERATOR, OUTCOME_STATUS];

/// Every integer table, for a binding that builds them all.
pub const INT_TABLES: &[CodeTable<i64>] = &[
    CARD_STATE,
    MS_STATUS,
    CYCLE,
    STATUS,
    PACKAGE_TYPE,
    PACKAGE_CATEGORY,
    RENEWAL_STATUS,
    WARNING_TYPE,
    AUDIT,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_have_unique_names_and_values() {
        for t in INT_TABLES {
            for (i, (name, value)) in t.members.iter().enumerate() {
                assert!(
                    t.members[i + 1..]
                        .iter()
                        .all(|(n, v)| n != name && v != value),
                    "{}: {name} repeated",
                    t.name
                );
            }
        }
    }

    #[test]
    fn the_outcome_status_table_names_every_status_as_serde_does() {
        use crate::models::OutcomeStatus;
        // The match makes a new status fail to compile here until the table lists it.
        let every = |s: OutcomeStatus| match s {
            OutcomeStatus::Done
            | OutcomeStatus::Refused
            | OutcomeStatus::Unknown
            | OutcomeStatus::Skipped
            | OutcomeStatus::NotAttempted => s,
        };
        assert_eq!(OUTCOME_STATUS.members.len(), 5);
        for (_, wire) in OUTCOME_STATUS.members {
            let status: OutcomeStatus = serde_json::from_value(serde_json::json!(wire)).unwrap();
            assert_eq!(serde_json::to_value(every(status)).unwrap(), *wire);
        }
    }

    #[test]
    fn the_card_state_table_agrees_with_state_name() {
        for (name, value) in CARD_STATE.members {
            assert_eq!(crate::rules::state_name(*value), name.to_lowercase());
        }
    }
}
