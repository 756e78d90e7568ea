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
//! 4. [`sut`] (the system under test): the one seam, `trait Target { send(Request) -> Response }`: over HTTP
//!    ([`remote`]), the model in process, a user's Rust implementation, mutants ([`mutant`]).
//! 5. [`run`] (alias [`conformance`]): the runner (phases, observation, diagnosis, shrinking,
//!    lanes) and its pure judge ([`run::judge`]); [`endpoint`]: any target served over HTTP.
//! 6. [`report`]: console, JSON, JUnit — consumers of a finished report.
//! 7. [`cli`]: the command line, one file per subcommand.
//!
//! [`fuzz`] holds the bodies of the cargo-fuzz targets. `ARCHITECTURE.md` draws the picture.
//!
//! ```
//! use tpr_harness::contract::{profile::Profile, spec::Request};
//! use tpr_harness::model::{self, fixture::Fixture, store::{Store, Tokens}};
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
pub mod sut;

// The public paths of the first version, kept for users' code as deprecated re-exports; the
// crate itself, its tests, examples and README use the layered paths.
macro_rules! deprecated_path {
    ($(#[$cfg:meta])* $old:ident => $($new:ident)::+, $note:literal) => {
        #[doc = concat!("The first version's path of [`", stringify!($($new)::+), "`]: use that.")]
        #[deprecated(note = $note)]
        $(#[$cfg])*
        pub mod $old {
            pub use crate::$($new)::+::*;
        }
    };
}
deprecated_path!(digits => contract::digits, "use tpr_harness::contract::digits");
deprecated_path!(json => contract::json, "use tpr_harness::contract::json");
deprecated_path!(openapi => contract::openapi, "use tpr_harness::contract::openapi");
deprecated_path!(path => contract::path, "use tpr_harness::contract::path");
deprecated_path!(profile => contract::profile, "use tpr_harness::contract::profile");
deprecated_path!(rule => contract::rule, "use tpr_harness::contract::rule");
deprecated_path!(spec => contract::spec, "use tpr_harness::contract::spec");
deprecated_path!(timestamp => contract::timestamp, "use tpr_harness::contract::timestamp");
deprecated_path!(defect => generate::defect, "use tpr_harness::generate::defect");
deprecated_path!(check => model::invariants, "use tpr_harness::model::invariants");
deprecated_path!(fixture => model::fixture, "use tpr_harness::model::fixture");
deprecated_path!(store => model::store, "use tpr_harness::model::store");
deprecated_path!(#[cfg(feature = "remote")] conformance => run, "use tpr_harness::run");
deprecated_path!(#[cfg(feature = "remote")] remote => sut::http, "use tpr_harness::sut::http");
deprecated_path!(mutant => sut::mutant, "use tpr_harness::sut::mutant");
deprecated_path!(target => sut, "use tpr_harness::sut (the system under test; renamed so that tools skipping cargo's target/ folder see it)");
