//! Layer 5, the run: the [`Runner`] sends generated cases to any [`Target`], predicts each
//! answer with the model on its own copy of the store, hands what came back to the pure
//! [`judge`], establishes the cause of every difference (differential diagnosis against the
//! case's valid twin, shrinking that removes valid variants first) and collects one finding per
//! (rule, cause), counting how many cases hit it.
//!
//! * [`judge`]: verdicts from (outcome set, response, profile); no I/O.
//! * [`findings`]: the collector: cause keys, counts, one shrunk example per cause.
//! * [`repro`]: curl lines and Rust tests for findings, the token redacted.
//! * [`lanes`]: the fixture split into workflows (a workflow with all its results) that lanes own.
//! * `runner` (feature `remote`): phases, observation, diagnosis, shrinking, preflight, crash
//!   awareness, parallel lanes, time bounds.
//!
//! [`Target`]: crate::sut::Target

#[cfg(feature = "remote")]
mod diagnose;
pub mod findings;
#[cfg(feature = "remote")]
mod health;
pub mod judge;
pub mod lanes;
#[cfg(feature = "remote")]
mod preflight;
#[cfg(feature = "remote")]
mod replay;
pub mod repro;
#[cfg(feature = "remote")]
mod request_ids;
#[cfg(feature = "remote")]
mod runner;
#[cfg(feature = "remote")]
mod session;
#[cfg(feature = "remote")]
mod shrink;
#[cfg(feature = "remote")]
mod stateful;
#[cfg(feature = "remote")]
mod step;

#[cfg(feature = "remote")]
pub use replay::Replayed;
#[cfg(feature = "remote")]
pub use runner::Runner;

use crate::contract::profile::Profile;
use crate::contract::rule::RuleId;
use crate::contract::spec::Request;
use crate::generate::CaseSpec;
use crate::generate::defect::Defect;
use crate::sut::{Response, TransportError};
pub use judge::{Kind, Verdict};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// How the runner observes state after a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Observe {
    /// A GET of the entity (default).
    Get,
    /// A `{}` PATCH, whose 200 body is the representation (needs `success = 200-body`).
    EmptyPatch,
    /// No observation (state invariants are then unchecked).
    None,
}

/// Runner settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// The contract profile.
    pub profile: Profile,
    /// Seed of the random cases.
    pub seed: u64,
    /// Number of random cases.
    pub cases: usize,
    /// Number of stateful sequences.
    pub sequences: usize,
    /// Concurrent requests in the concurrency phase.
    pub concurrency: usize,
    /// Observation mode.
    pub observe: Observe,
    /// Shrink failing cases (and diagnose their cause).
    pub shrink: bool,
    /// Lanes run at once; each owns whole workflows of the fixture. Same seed, same findings,
    /// whatever the number.
    pub lanes: usize,
    /// Stop the whole run after this long and report what was found.
    pub max_time: Option<Duration>,
    /// After the implementation stops answering, how long to wait for it to come back.
    pub crash_wait: Duration,
    /// Consecutive requests without an answer after which the run stops.
    pub max_transport_failures: u32,
    /// Requests without an answer in the whole run after which it stops (so a server that
    /// times out on every PATCH costs at most this many timeouts).
    pub max_transport_failures_total: u32,
    /// Requests one finding's diagnosis and shrinking may spend.
    pub shrink_budget: usize,
    /// Fixture entities read and compared before the run (evenly spaced when there are more).
    pub preflight_sample: usize,
    /// Bytes of a response body a finding keeps.
    pub max_kept_body: usize,
    /// Send the pairs phase (every pair of defect kinds, E4) after the boundary cases.
    pub pairs: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            profile: Profile::graph(),
            seed: 0,
            cases: 300,
            sequences: 20,
            concurrency: 8,
            observe: Observe::Get,
            shrink: true,
            lanes: 4,
            max_time: None,
            crash_wait: Duration::from_secs(10),
            max_transport_failures: 20,
            max_transport_failures_total: 50,
            shrink_budget: 80,
            preflight_sample: 64,
            max_kept_body: 4096,
            pairs: true,
        }
    }
}

/// What the contract expected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expected {
    /// Acceptable statuses.
    pub statuses: Vec<u16>,
    /// The representation for 200, if any.
    pub body: Option<serde_json::Value>,
    /// The rules that decided it.
    pub rules: Vec<RuleId>,
}

/// One cause of difference between the implementation and the contract, with one shrunk
/// example and the number of cases that hit it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The broken rule.
    pub rule: RuleId,
    /// The clause of the rule it breaks (`R3.c`; the rule id for a rule without clauses).
    #[serde(default)]
    pub clause: String,
    /// One line: the rule and its title.
    pub title: String,
    /// The kind of difference.
    #[serde(default)]
    pub kind: Kind,
    /// The cause, as a stable key: rule, kind, and what the shrunk case carries.
    #[serde(default)]
    pub cause: String,
    /// Cases that hit this cause.
    #[serde(default)]
    pub count: u64,
    /// What was wrong.
    pub message: String,
    /// The phase (`preflight`, `boundary`, `random`, `sequence`, `concurrency`).
    pub phase: String,
    /// The run's seed.
    pub seed: u64,
    /// Index of the case in its phase (with the seed it regenerates the case:
    /// `tpr-harness cases --seed S --phase P --index I`).
    pub case_index: usize,
    /// The defects the (shrunk) request carries.
    pub defects: Vec<Defect>,
    /// The (shrunk) case's spec, when it came from the generators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<CaseSpec>,
    /// The representation the addressed entity must hold first (replay restores it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<serde_json::Value>,
    /// The (shrunk) request, the write token redacted.
    pub request: Request,
    /// Requests sent just before, oldest first (for findings that need a sequence: E3 crashes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sequence: Vec<Request>,
    /// What the contract expected.
    pub expected: Expected,
    /// What came back (the body cut to a few KiB; `body_len` says how long it was).
    pub actual: Option<Response>,
    /// A curl command that reproduces it (the write token as `$TPR_TOKEN`).
    pub curl: String,
    /// A ready-to-paste Rust test.
    pub rust_test: String,
}

/// What happened during a run; reporters and progress bars consume these.
#[derive(Debug, Clone)]
pub enum Event {
    /// A phase began with this many cases.
    Phase {
        /// Name.
        name: &'static str,
        /// Number of cases.
        cases: usize,
    },
    /// A case was checked.
    Case,
    /// A new cause was found (after diagnosis and shrinking).
    Finding(Box<Finding>),
    /// A note for the user (the implementation stopped answering, came back, …).
    Note(String),
}

/// Why a run ended early.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StopKind {
    /// `--max-time` expired.
    MaxTime,
    /// The implementation stopped answering and did not come back in time.
    Crashed,
    /// Too many requests in a row got no answer.
    Unresponsive,
}

/// A run that ended early: why, in one sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stopped {
    /// Why.
    pub kind: StopKind,
    /// What happened.
    pub message: String,
}

/// The result of a run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// Contract version.
    pub contract_version: String,
    /// Seed.
    pub seed: u64,
    /// Profile name.
    pub profile: String,
    /// The profile's knob values (`replay` judges under them).
    #[serde(default)]
    pub profile_knobs: serde_json::Value,
    /// What was checked (a base URL, or an in-process target).
    pub base_url: String,
    /// Cases checked.
    pub cases: usize,
    /// Requests sent.
    pub requests: u64,
    /// Wall time.
    pub duration_ms: u64,
    /// Lanes used (`check --lanes`; reports of earlier versions call it `jobs`).
    #[serde(default, alias = "jobs")]
    pub lanes: usize,
    /// Findings, one per (rule, cause), each with its count.
    pub findings: Vec<Finding>,
    /// How many cases exercised each rule.
    pub coverage: BTreeMap<RuleId, u64>,
    /// How many cases put each clause of the contract to the test (ids as in
    /// [`crate::contract::clause`]); a clause absent here was never put to the test.
    #[serde(default)]
    pub clause_coverage: BTreeMap<String, u64>,
    /// Failing cases per clause they put to the test, whatever cause each was filed under (a
    /// clause is failed when any case that tested it failed).
    #[serde(default)]
    pub clause_failures: BTreeMap<String, u64>,
    /// Failing cases per rule (every cause, every case).
    pub failures: BTreeMap<RuleId, u64>,
    /// Set when the run ended early.
    #[serde(default)]
    pub stopped: Option<Stopped>,
    /// Where the run's fixture and profile came from, as `tpr-harness cases` takes them (set
    /// by the command line; a library run leaves it empty, and its `case:` lines assume the
    /// fixture was generated from the run's seed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_source: Option<CaseSource>,
}

/// The options besides the seed with which `tpr-harness cases` rebuilds a run's fixture and
/// profile (what a finding's `case:` line carries).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSource {
    /// The fixture file the implementation was seeded with (`--fixtures`), as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixtures: Option<String>,
    /// The `--profile` argument: a profile's name or its file.
    pub profile: String,
    /// Workflows of a generated fixture (`--workflows`).
    pub workflows: usize,
}

impl Report {
    /// The profile the report was made under (its recorded knobs; by name for old reports).
    pub fn profile(&self) -> Result<Profile, crate::contract::profile::ProfileError> {
        if self.profile_knobs.is_object() {
            Profile::from_json_str(&self.profile_knobs.to_string())
        } else {
            Profile::by_name(&self.profile)
        }
    }
}

/// The run could not start or go on (no connection at all, a refused token, an implementation
/// not seeded with the fixture, a bad configuration). The CLI maps each to exit code 2.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The implementation cannot be reached.
    #[error("{0}")]
    Unreachable(TransportError),
    /// The store has no entity to test against.
    #[error("the fixture has no taskProcessingResult to test against")]
    EmptyStore,
    /// A token was refused before the run.
    #[error(
        "the implementation refuses the {which} token: GET {path} answered {status}. Check --{flag} (it must be a token the implementation accepts{perm})"
    )]
    TokenRefused {
        /// `write` or `read-only`.
        which: &'static str,
        /// The flag to fix.
        flag: &'static str,
        /// What it needs.
        perm: &'static str,
        /// The path read.
        path: String,
        /// The status.
        status: u16,
    },
    /// The implementation does not hold the fixture's entities.
    #[error(
        "the implementation is not seeded with this fixture file: {missing} of {sampled} sampled entities answered 404 (first: GET {first}). Seed it with the same --fixtures file, or write one with `tpr-harness fixtures --out FILE` and seed from that{hint}"
    )]
    NotSeeded {
        /// Missing entities.
        missing: usize,
        /// Entities read.
        sampled: usize,
        /// The first missing path.
        first: String,
        /// What to check first (the base URL's prefix), or empty.
        hint: String,
    },
    /// The write token is refused on a PATCH that changes nothing (a read-only token).
    #[error(
        "--token is a read-only token: PATCH {path} of the entity's own values answered 403. Give the write token (LifecycleWorkflows.ReadWrite.All) as --token and the read-only one as --read-only-token"
    )]
    ReadOnlyToken {
        /// The path written.
        path: String,
    },
    /// The fixture holds values the profile cannot express.
    #[error("{0}")]
    FixtureProfile(String),
}
