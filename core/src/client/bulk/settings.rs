//! `BulkSettings`: a bulk run's operation parameters and options as every binding and the CLI
//! receive them — flat, each field optional, numbers signed, durations in milliseconds — turned
//! here into the core's [`BulkOp`] and [`BulkOptions`], so no binding restates a default, a range
//! or which parameter belongs to which operation.
//!
//! Flat on purpose: Python takes these as keyword arguments, Node as one options object, Kotlin
//! and Swift as one record with defaults; a parameter the operation does not take is refused
//! (a `pkgcode` given to `suspend` is a mistake, not something to ignore).

use std::path::PathBuf;
use std::time::Duration;

use super::{BulkOp, BulkOptions};
use crate::error::{Error, Result};
use crate::models::{Audit, Package, RenewOptions};

/// The parameters and options of `Client::bulk_named`; `None` is the documented default.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "napi", napi_derive::napi(object))]
pub struct BulkSettings {
    /// `disable_data` / `enable_data`: the APN to switch (default: the card's).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub apn: Option<String>,
    /// `enable_data`: refuse when less than this percent of the data is left (0–100).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub min_left_percent: Option<i32>,
    /// `renew`: the package code (or give `package`).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pkgcode: Option<String>,
    /// `renew`: a package as `packages()` listed it; the spec's length rule is checked first.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub package: Option<Package>,
    /// `renew`: months to buy (required, at least 1).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub months: Option<i32>,
    /// `renew`: allow a new order while an earlier one is pending.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub repetition: Option<bool>,
    /// `renew`: `yyyy-MM-dd`; default after the card's last package.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub startdate: Option<String>,
    /// `renew`: review mode (default manual).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub audit: Option<Audit>,
    /// `renew`: a remark for the order.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub remark: Option<String>,
    /// Requests in flight at most (default the client's `concurrency`).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub concurrency: Option<i32>,
    /// Path of the journal (JSONL; created if missing, an earlier run's is continued).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub journal: Option<String>,
    /// Validate and report what would be sent; send nothing (default false).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub dry_run: Option<bool>,
    /// A card whose cooldown window is open waits for it (default true).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub wait_cooldowns: Option<bool>,
    /// Read the cards first; skip those already in the target state (default false).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub check_state: Option<bool>,
    /// Milliseconds from the start after which nothing more is sent (default none).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub deadline_ms: Option<i64>,
    /// Times a card may be put back in the queue (default 5, `DEFAULT_MAX_REQUEUES`).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub max_requeues: Option<i32>,
}

impl BulkSettings {
    /// The operation named `op` (see [`BulkOp::from_name`], plus `renew`) with these parameters,
    /// and the run's options. Refuses a parameter `op` does not take, a missing one, and any
    /// value out of range, naming the field.
    pub fn resolve(self, op: &str) -> Result<(BulkOp, BulkOptions)> {
        let op = self.operation(op)?;
        let defaults = BulkOptions::default();
        let options = BulkOptions {
            concurrency: at_least("concurrency", self.concurrency, 1)?,
            journal: self.journal.map(PathBuf::from),
            dry_run: self.dry_run.unwrap_or(defaults.dry_run),
            wait_cooldowns: self.wait_cooldowns.unwrap_or(defaults.wait_cooldowns),
            check_state: self.check_state.unwrap_or(defaults.check_state),
            deadline: match self.deadline_ms {
                None => None,
                Some(ms) => Some(Duration::from_millis(u64::try_from(ms).map_err(|_| {
                    Error::invalid("deadline_ms", "must not be negative (milliseconds)")
                })?)),
            },
            max_requeues: at_least("max_requeues", self.max_requeues, 0)?,
        };
        Ok((op, options))
    }

    fn operation(&self, name: &str) -> Result<BulkOp> {
        let renewing = name == "renew";
        let renewal_fields = [
            ("pkgcode", self.pkgcode.is_some()),
            ("package", self.package.is_some()),
            ("months", self.months.is_some()),
            ("repetition", self.repetition.is_some()),
            ("startdate", self.startdate.is_some()),
            ("audit", self.audit.is_some()),
            ("remark", self.remark.is_some()),
        ];
        if !renewing {
            if let Some((field, _)) = renewal_fields.iter().find(|(_, given)| *given) {
                return Err(not_taken(field, name));
            }
        }
        let op = if renewing {
            let months = at_least("months", self.months, 1)?
                .ok_or_else(|| Error::invalid("months", "is required to renew"))?;
            let options = RenewOptions {
                repetition: self.repetition,
                startdate: self.startdate.clone(),
                audit: self.audit,
                remark: self.remark.clone(),
            };
            match (&self.pkgcode, &self.package) {
                (Some(pkgcode), None) => BulkOp::Renew {
                    pkgcode: pkgcode.clone(),
                    months,
                    options,
                },
                (None, Some(package)) => BulkOp::RenewPackage {
                    package: package.clone(),
                    months,
                    options,
                },
                (Some(_), Some(_)) => {
                    return Err(Error::invalid(
                        "package",
                        "give pkgcode or package, not both",
                    ))
                }
                (None, None) => {
                    return Err(Error::invalid(
                        "pkgcode",
                        "is required to renew (or package)",
                    ))
                }
            }
        } else {
            match BulkOp::from_name(name)? {
                BulkOp::DisableData { .. } => {
                    if self.min_left_percent.is_some() {
                        return Err(not_taken("min_left_percent", name));
                    }
                    BulkOp::DisableData {
                        apn: self.apn.clone(),
                    }
                }
                BulkOp::EnableData { .. } => BulkOp::EnableData {
                    apn: self.apn.clone(),
                    min_left_percent: at_least("min_left_percent", self.min_left_percent, 0)?,
                },
                other => {
                    if self.apn.is_some() {
                        return Err(not_taken("apn", name));
                    }
                    if self.min_left_percent.is_some() {
                        return Err(not_taken("min_left_percent", name));
                    }
                    other
                }
            }
        };
        Ok(op)
    }
}

fn not_taken(field: &str, op: &str) -> Error {
    Error::invalid(field, format!("is not a parameter of {op}"))
}

fn at_least<T: TryFrom<i32>>(field: &str, value: Option<i32>, floor: i32) -> Result<Option<T>> {
    match value {
        None => Ok(None),
        Some(n) if n >= floor => T::try_from(n)
            .map(Some)
            .map_err(|_| Error::invalid(field, "out of range")),
        Some(_) => Err(Error::invalid(field, format!("must be at least {floor}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn field(e: Error) -> Option<String> {
        let info = e.info();
        assert_eq!(info.kind, ErrorKind::InvalidInput, "{e}");
        info.field
    }

    #[test]
    fn defaults_come_from_bulk_options() {
        let (op, options) = BulkSettings::default().resolve("suspend").unwrap();
        assert_eq!(op, BulkOp::Suspend);
        assert_eq!(options, BulkOptions::default());
    }

    #[test]
    fn every_option_is_carried() {
        let settings = BulkSettings {
            concurrency: Some(3),
            journal: Some("run.jsonl".into()),
            dry_run: Some(true),
            wait_cooldowns: Some(false),
            check_state: Some(true),
            deadline_ms: Some(1500),
            max_requeues: Some(0),
            ..Default::default()
        };
        let (_, o) = settings.resolve("resume").unwrap();
        assert_eq!(o.concurrency, Some(3));
        assert_eq!(o.journal, Some(PathBuf::from("run.jsonl")));
        assert!(o.dry_run && !o.wait_cooldowns && o.check_state);
        assert_eq!(o.deadline, Some(Duration::from_millis(1500)));
        assert_eq!(o.max_requeues, Some(0));
    }

    #[test]
    fn renew_takes_a_code_or_a_package_and_months() {
        let renew = BulkSettings {
            pkgcode: Some("P1".into()),
            months: Some(2),
            audit: Some(Audit::Automatic),
            ..Default::default()
        };
        match renew.clone().resolve("renew").unwrap().0 {
            BulkOp::Renew {
                pkgcode,
                months,
                options,
            } => {
                assert_eq!((pkgcode.as_str(), months), ("P1", 2));
                assert_eq!(options.audit, Some(Audit::Automatic));
            }
            other => panic!("{other:?}"),
        }
        let no_months = BulkSettings {
            months: None,
            ..renew.clone()
        };
        assert_eq!(
            field(no_months.resolve("renew").unwrap_err()).as_deref(),
            Some("months")
        );
        let zero = BulkSettings {
            months: Some(0),
            ..renew.clone()
        };
        assert_eq!(
            field(zero.resolve("renew").unwrap_err()).as_deref(),
            Some("months")
        );
        let nothing = BulkSettings {
            months: Some(1),
            ..Default::default()
        };
        assert_eq!(
            field(nothing.resolve("renew").unwrap_err()).as_deref(),
            Some("pkgcode")
        );
    }

    #[test]
    fn a_parameter_the_operation_does_not_take_is_refused() {
        for (op, settings, expected) in [
            (
                "suspend",
                BulkSettings {
                    pkgcode: Some("P1".into()),
                    ..Default::default()
                },
                "pkgcode",
            ),
            (
                "resume",
                BulkSettings {
                    apn: Some("cmnet".into()),
                    ..Default::default()
                },
                "apn",
            ),
            (
                "disable_data",
                BulkSettings {
                    min_left_percent: Some(10),
                    ..Default::default()
                },
                "min_left_percent",
            ),
            (
                "end_test_period",
                BulkSettings {
                    months: Some(1),
                    ..Default::default()
                },
                "months",
            ),
        ] {
            let e = settings.resolve(op).unwrap_err();
            assert_eq!(field(e).as_deref(), Some(expected), "{op}");
        }
    }

    #[test]
    fn negative_numbers_are_refused_naming_the_field() {
        for (settings, expected) in [
            (
                BulkSettings {
                    concurrency: Some(0),
                    ..Default::default()
                },
                "concurrency",
            ),
            (
                BulkSettings {
                    deadline_ms: Some(-1),
                    ..Default::default()
                },
                "deadline_ms",
            ),
            (
                BulkSettings {
                    max_requeues: Some(-1),
                    ..Default::default()
                },
                "max_requeues",
            ),
        ] {
            let e = settings.resolve("suspend").unwrap_err();
            assert_eq!(field(e).as_deref(), Some(expected));
        }
        let e = BulkSettings {
            min_left_percent: Some(-5),
            ..Default::default()
        }
        .resolve("enable_data")
        .unwrap_err();
        assert_eq!(field(e).as_deref(), Some("min_left_percent"));
        assert_eq!(
            field(BulkSettings::default().resolve("reboot").unwrap_err()).as_deref(),
            Some("op")
        );
    }
}
