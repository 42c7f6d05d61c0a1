//! What the endpoints return, grouped as the spec groups them.
//!
//! Field names are the spec's *table* names; the names its *examples* use decode into the same
//! fields (`serde(alias)`), see NOTES.md. Numbers decode from strings or numbers (status codes to
//! integers, flows and money to floats, counts to integers), empty dates to `None`, and fields
//! the spec does not list are kept in `extra` as JSON text rather than dropped.

mod bulk;
mod cards;
pub mod codes;
mod customer;
mod fleet;
mod operations;
mod pools;
mod push;
mod sms;

pub use bulk::*;
pub use cards::*;
pub use customer::*;
pub(crate) use fleet::card_key;
pub use fleet::*;
pub use operations::*;
pub use pools::*;
pub use push::*;
pub use sms::*;

/// Unknown fields of a record, as JSON text by name.
pub type Extra = std::collections::HashMap<String, String>;
