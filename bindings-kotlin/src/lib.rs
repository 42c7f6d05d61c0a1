//! Kotlin/Swift binding (being written).
uniffi::setup_scaffolding!();
