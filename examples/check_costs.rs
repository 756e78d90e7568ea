//! The default `check` budget against the model in process (no socket), run ROUNDS times:
//! prints cases and requests per second, and is the program to profile
//! (`perf record -g target/release/examples/check_costs 20`) for where a case's time goes.
//!
//! `cargo run --release --example check_costs -- [ROUNDS] [JOBS]`
// a measuring tool: it prints
#![allow(clippy::print_stdout)]

use tpr_harness::conformance::{Config, Runner};
use tpr_harness::target::model::ModelTarget;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rounds: u32 = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(10);
    let jobs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(4);
    let profile = tpr_harness::profile::Profile::graph();
    let fixture = tpr_harness::fixture::Fixture::generate_with(1, &profile, 8);
    let store =
        tpr_harness::store::Store::new(&fixture, tpr_harness::store::Tokens::new("t", None));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let run = || {
        let target = ModelTarget::new(store.clone(), profile.clone());
        rt.block_on(
            Runner::new(
                &target,
                store.clone(),
                Config {
                    seed: 1,
                    jobs,
                    ..Config::default()
                },
            )
            .run(),
        )
        .expect("a report")
    };
    let first = run();
    let started = std::time::Instant::now();
    for _ in 0..rounds {
        let r = run();
        assert_eq!(r.findings.len(), first.findings.len());
    }
    let per_run = started.elapsed() / rounds.max(1);
    println!(
        "{} cases, {} requests, {} findings per run in {per_run:?}: {:.0} cases/s, {:.0} requests/s",
        first.cases,
        first.requests,
        first.findings.len(),
        first.cases as f64 / per_run.as_secs_f64(),
        first.requests as f64 / per_run.as_secs_f64()
    );
}
