//! # tpr-harness
//!
//! A property-based, fuzz and conformance testing harness for one Microsoft Graph operation,
//! *Update taskProcessingResult* (`PATCH …/deletedItems/workflows/{w}/runs/{r}/userProcessingResults/{u}/taskProcessingResults/{t}`,
//! beta), checked against an explicit, versioned contract (`CONTRACT.md`, see [`rule`]) with
//! profiles where public sources disagree ([`profile`]).
//!
//! The map:
//! * [`rule`]: the rule ids every verdict and finding carries.
//! * [`spec`]: contract types: the resource, its evolvable enum, requests, the error envelope.
//! * [`timestamp`]: `Edm.DateTimeOffset` under both grammars of T1, instants (T2).
//! * [`path`]: the routes (R1–R5): parse and format.
//! * [`json`]: a strict JSON reader that sees duplicates and lone surrogates (B1, B2).
//! * [`profile`]: the knobs and the built-in profiles.
//! * [`fixture`], [`store`]: the state a run starts from (F1, F2).
//! * [`model`]: the reference model, `apply(&mut Store, &Request, &Profile) -> Outcome`.
//! * [`check`]: the invariants S2–S8 as functions.
//! * [`defect`], [`generate`]: the defect catalogue and the generators of valid and malformed requests.
//! * [`endpoint`] (feature `endpoint`): the model served over HTTP (wiremock `Respond` + a flat-memory server).
//! * [`remote`], [`conformance`] (feature `remote`): checking any implementation over HTTP, shrinking findings.
//! * [`report`] (feature `remote`): curl lines, Rust tests, JSON, JUnit, console.
//! * [`openapi`]: the contract as OpenAPI 3.1; [`mutant`] (feature `endpoint`): broken endpoints for the self-test.
//! * [`fuzz`]: the bodies of the cargo-fuzz targets; [`cli`] (feature `cli`): the command line.
//!
//! ```
//! use tpr_harness::{fixture::Fixture, model, profile::Profile, spec::Request, store::{Store, Tokens}};
//! let profile = Profile::graph();
//! let mut store = Store::new(&Fixture::generate(1, &profile), Tokens::new("secret", None));
//! let req = Request::new("DELETE", "/identityGovernance/lifecycleWorkflows/deletedItems/workflows/w/runs/r/userProcessingResults/u/taskProcessingResults/t")
//!     .header("Authorization", "Bearer secret");
//! assert_eq!(model::apply(&mut store, &req, &profile).statuses(), vec![405]);
//! ```

pub mod check;
#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "remote")]
pub mod conformance;
pub mod defect;
#[cfg(feature = "endpoint")]
pub mod endpoint;
pub mod fixture;
pub mod fuzz;
pub mod generate;
pub mod json;
pub mod model;
#[cfg(feature = "endpoint")]
pub mod mutant;
pub mod openapi;
pub mod path;
pub mod profile;
#[cfg(feature = "remote")]
pub mod remote;
#[cfg(feature = "remote")]
pub mod report;
pub mod rule;
pub mod spec;
pub mod store;
pub mod timestamp;
