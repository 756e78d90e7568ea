//! The harness checks its own oracle, the way it checks others: built-in mutants (bugs it must
//! find, each citing its rule), stacks of several mutants (each found, nothing else blamed),
//! and the correct model (nothing found) — through the in-process target and over HTTP. Same
//! seed, same findings, whatever the number of lanes.

use crate::support::rt;
use crate::support::seeded;
use std::time::Duration;
use tpr_harness::contract::profile::Profile;
use tpr_harness::contract::rule::RuleId;
use tpr_harness::endpoint::{Endpoint, Responder};
use tpr_harness::model::fixture::SplitMix;
use tpr_harness::run::{Config, Report, Runner};
use tpr_harness::sut::http::Remote;
use tpr_harness::sut::model::ModelTarget;
use tpr_harness::sut::mutant::{Mutant, Mutated};

fn config(profile: &Profile, seed: u64) -> Config {
    Config {
        profile: profile.clone(),
        seed,
        ..Config::default()
    }
}

/// `check` over HTTP against the endpoint with `mutant`.
async fn check(profile: &Profile, mutant: Option<Mutant>, seed: u64) -> Report {
    let store = seeded(seed, profile);
    let ep = Endpoint::start(Responder::new(store.clone(), profile.clone()).with_mutant(mutant))
        .await
        .unwrap();
    let remote = Remote::new(&ep.base_url(), Duration::from_secs(10));
    Runner::new(&remote, store, config(profile, seed))
        .run()
        .await
        .unwrap()
}

/// `check` in process (no socket) against the model with `mutants`, without the pairs phase
/// (the stacks run many of these; the kill tests run with it).
async fn check_in_process(
    profile: &Profile,
    mutants: &[Mutant],
    seed: u64,
    lanes: usize,
) -> Report {
    run_in_process(profile, mutants, seed, lanes, false).await
}

async fn run_in_process(
    profile: &Profile,
    mutants: &[Mutant],
    seed: u64,
    lanes: usize,
    pairs: bool,
) -> Report {
    let store = seeded(seed, profile);
    let target = Mutated::new(store.clone(), profile.clone(), mutants);
    let config = Config {
        lanes,
        pairs,
        ..config(profile, seed)
    };
    Runner::new(&target, store, config).run().await.unwrap()
}

fn rules(r: &Report) -> Vec<RuleId> {
    r.findings.iter().map(|f| f.rule).collect()
}

/// One stack in process: every finding blamable on an active mutant, every mutant found.
fn assert_stack_precise(ms: &[Mutant], seed: u64) -> Report {
    let r = rt().block_on(check_in_process(&Profile::graph(), ms, seed, 4));
    for f in &r.findings {
        assert!(
            ms.iter().any(|m| m.blamable().contains(&f.rule)),
            "{ms:?}: blamed {} ({}): {}\nspec {:?}\nrequest {} {}\n{}\nbefore {:?}\nactual {:?}",
            f.rule,
            f.cause,
            f.message,
            f.spec,
            f.request.method,
            f.request.path,
            String::from_utf8_lossy(&f.request.body),
            f.before,
            f.actual
                .as_ref()
                .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        );
    }
    for m in ms {
        assert!(
            m.rules().iter().any(|want| rules(&r).contains(want)),
            "{ms:?}: {m:?} not found in {:?}",
            rules(&r)
        );
    }
    r
}

/// Runs `check` in process against `stack` and returns the clauses its findings cite.
fn clauses_against(profile: &Profile, stack: &[Mutant]) -> Vec<String> {
    let r = rt().block_on(check_in_process(profile, stack, 1, 4));
    r.findings.iter().map(|f| f.clause.clone()).collect()
}

/// Each of these named a wrong cause before it was fixed (issue 12): the finding against the
/// bug alone cites `want`, and nothing outside `allowed`.
fn assert_cause(m: Mutant, want: &str, allowed: &[&str]) {
    let clauses = clauses_against(&m.profile(), &[m]);
    assert!(clauses.iter().any(|c| c == want), "{m:?}: {clauses:?}");
    let stray: Vec<&String> = clauses
        .iter()
        .filter(|c| *c != want && !allowed.contains(&c.as_str()))
        .collect();
    assert!(stray.is_empty(), "{m:?} also blamed {stray:?}");
}

mod benign;
mod causes;
mod kills;
mod stacks;
