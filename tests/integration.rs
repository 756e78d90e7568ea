//! The one integration test binary (faster to build than one per file).

#![allow(clippy::print_stdout)]

/// Shared fixture and request helpers.
mod support;

/// One test per contract rule and knob value, against the reference model.
mod model_rules;

/// Every clause of the contract has a test named after it.
mod clauses;

/// Generators against the model: oracle cross-check, reachability, shrinking, sequences.
mod generate;

/// The embedded endpoint over real HTTP.
#[cfg(all(feature = "endpoint", feature = "remote"))]
mod endpoint;

/// The harness checks its own oracle: mutants killed, no false findings, reproducibility.
#[cfg(all(feature = "endpoint", feature = "remote"))]
mod selftest;

/// Precision on implementations that break many things at once: preflight, crashes, cascades.
#[cfg(all(feature = "endpoint", feature = "remote"))]
mod precision;

/// Hostile servers: bounded time and memory whatever the other side does.
#[cfg(all(feature = "endpoint", feature = "remote"))]
mod hostile;

/// E2 across responses: request-ids repeated anywhere in a run.
#[cfg(all(feature = "endpoint", feature = "remote"))]
mod request_ids;

/// `replay`: FIXED, partial fixes, crashes and 5xx, idempotence, a report's own knobs.
#[cfg(all(feature = "endpoint", feature = "remote"))]
mod replay;

/// Requests shaped as the Microsoft Graph SDKs send them.
mod sdk;

/// Fuzz crash inputs and committed seeds, replayed through the fuzz target functions.
mod fuzz_regressions;

/// The command line end to end: exit codes, reports, hostile servers.
#[cfg(feature = "cli")]
mod cli;

/// Reproduction: `case:` lines pasted as printed, replay of what only check judges, `corpus` seeds.
#[cfg(feature = "cli")]
mod repro;

/// README.md held to the code: its numbers, the files it names, its tour run as written.
#[cfg(feature = "cli")]
mod readme;

/// Every script of scripts/: its usage on --help, exit 2 on a wrong argument, binaries where
/// cargo puts them.
#[cfg(unix)]
mod scripts;
