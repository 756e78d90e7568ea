//! Layer 1, the contract: rule ids, the resource and request types, and the parsers every
//! other layer relies on. Nothing here knows about state, generators or HTTP.
//!
//! * [`rule`]: the rule ids every verdict and finding carries; [`clause`]: their lettered clauses.
//! * [`spec`]: the resource, its evolvable enum, requests, the error envelope.
//! * [`timestamp`]: `Edm.DateTimeOffset` under both grammars of T1, instants (T2).
//! * [`path`]: the routes (R1–R5): parse and format.
//! * [`digits`]: hex digits read, decimal and hex digits written (no `core::fmt`).
//! * [`json`]: a strict JSON reader that sees duplicates and lone surrogates (B1, B2).
//! * [`profile`]: the knobs and the built-in profiles.
//! * [`openapi`]: the contract as OpenAPI 3.1 under a profile.

pub mod clause;
pub mod digits;
pub mod json;
pub mod openapi;
pub mod path;
pub mod profile;
pub mod rule;
pub mod spec;
pub mod timestamp;
