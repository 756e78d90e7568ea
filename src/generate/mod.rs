//! Generators: valid and malformed requests against a fixture store, each knowing its defects
//! and the outcome the contract demands.
//!
//! One definition of the case space serves proptest and cargo-fuzz: a [`CaseSpec`] is plain data
//! that derives `arbitrary::Arbitrary`; [`CaseSpec::build`] turns it into a concrete [`Case`]
//! under a profile, normalising the valid part into the profile's valid space and then applying
//! its [`Defect`](defect::Defect)s. The proptest strategies ([`valid`], [`malformed`], [`any_case`],
//! [`sequence`]) decode specs from random bytes (shrinking bytes shrinks the case: fewer members,
//! fewer defects, earlier variants), and [`boundary_cases`] lists the deterministic edge cases.
//!
//! ```
//! use tpr_harness::{generate, fixture::Fixture, profile::Profile, store::{Store, Tokens}, model};
//! let profile = Profile::graph();
//! let mut store = Store::new(&Fixture::generate(3, &profile), Tokens::new("w", Some("r")));
//! for spec in generate::boundary_cases(&profile) {
//!     let case = spec.build(&store, &profile);
//!     let outcome = model::apply(&mut store.clone(), &case.request, &profile);
//!     assert_eq!(outcome.statuses(), case.demand.statuses, "{}", case.describe());
//! }
//! ```

mod case;
pub mod defect;
mod spec;
mod strategies;
pub mod variants;

pub use case::*;
pub use spec::*;
pub use strategies::*;
