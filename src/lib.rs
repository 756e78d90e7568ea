//! # tpr-harness
//!
//! A property-based, fuzz and conformance testing harness for one Microsoft Graph operation,
//! *Update taskProcessingResult* (`PATCH …/deletedItems/workflows/{w}/runs/{r}/userProcessingResults/{u}/taskProcessingResults/{t}`,
//! beta), checked against an explicit, versioned contract (`CONTRACT.md`, see [`rule`]) with
//! profiles where public sources disagree ([`profile`]).
//!
//! The map, one folder a layer; imports point down only:
//! 1. [`contract`]: rule ids ([`rule`]), resource and request types ([`spec`]), timestamps
//!    ([`timestamp`]), routes ([`path`]), the strict JSON reader ([`json`]), profiles
//!    ([`profile`]), the OpenAPI export ([`openapi`]).
//! 2. [`model`]: the pure reference model `apply(&mut Store, &Request, &Profile) -> Outcome`,
//!    its store ([`store`]) and fixtures ([`fixture`]), and the invariants S2–S8 ([`check`]).
//! 3. [`generate`]: the case space, the defect catalogue ([`defect`]), boundary cases, sequences.
//! 4. [`target`]: the one seam, `trait Target { send(Request) -> Response }`: over HTTP
//!    ([`remote`]), the model in process, a user's Rust implementation, mutants ([`mutant`]).
//! 5. [`run`] (alias [`conformance`]): the runner (phases, observation, diagnosis, shrinking,
//!    lanes) and its pure judge ([`run::judge`]); [`endpoint`]: any target served over HTTP.
//! 6. [`report`]: console, JSON, JUnit — consumers of a finished report.
//! 7. [`cli`]: the command line, one file per subcommand.
//!
//! [`fuzz`] holds the bodies of the cargo-fuzz targets. `ARCHITECTURE.md` draws the picture.
//!
//! ```
//! use tpr_harness::{fixture::Fixture, model, profile::Profile, spec::Request, store::{Store, Tokens}};
//! let profile = Profile::graph();
//! let mut store = Store::new(&Fixture::generate(1, &profile), Tokens::new("secret", None));
//! let req = Request::new("DELETE", "/identityGovernance/lifecycleWorkflows/deletedItems/workflows/w/runs/r/userProcessingResults/u/taskProcessingResults/t")
//!     .header("Authorization", "Bearer secret");
//! assert_eq!(model::apply(&mut store, &req, &profile).statuses(), vec![405]);
//! ```

#[cfg(feature = "cli")]
pub mod cli;
pub mod contract;
#[cfg(feature = "endpoint")]
pub mod endpoint;
pub mod fuzz;
pub mod generate;
pub mod model;
#[cfg(feature = "remote")]
pub mod report;
pub mod run;
pub mod target;

// The public paths of the first version, kept: `tpr_harness::rule`, `tpr_harness::store`, …
pub use contract::{digits, json, openapi, path, profile, rule, spec, timestamp};
pub use generate::defect;
pub use model::invariants as check;
pub use model::{fixture, store};
#[cfg(feature = "remote")]
pub use run as conformance;
#[cfg(feature = "remote")]
pub use target::http as remote;
pub use target::mutant;
