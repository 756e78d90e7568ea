//! The default `check` budget run ROUNDS times: prints cases and requests per second, and is the
//! program to profile (`perf record -g target/release/examples/check_costs 20`) for where a
//! case's time goes. By default against the model in process (no socket); with `http`, over
//! HTTP against the embedded endpoint, as `tpr-harness check` runs by default; with a base URL
//! and a fixture file, against that implementation (token `t`, request timeout 500 ms: the
//! hostile servers of `scripts/check-hostile.sh`). It runs on the system allocator, so
//! `heaptrack` sees every allocation.
//!
//! `cargo run --release --example check_costs -- [ROUNDS] [JOBS] [http | URL FIXTURES]`
// a measuring tool: it prints, and stops on a broken command line
#![allow(clippy::print_stdout, clippy::expect_used)]

use tpr_harness::run::{Config, Runner};
use tpr_harness::sut::model::ModelTarget;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rounds: u32 = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(10);
    let lanes: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(4);
    let http = args.get(3).is_some_and(|a| a == "http");
    let url = args.get(3).filter(|a| a.starts_with("http://")).cloned();
    let profile = tpr_harness::contract::profile::Profile::graph();
    let fixture = match (&url, args.get(4)) {
        (Some(_), Some(path)) => tpr_harness::model::fixture::Fixture::from_json_str(
            &std::fs::read_to_string(path).expect("a fixture file"),
            &profile,
        )
        .expect("a fixture"),
        _ => tpr_harness::model::fixture::Fixture::generate_with(1, &profile, 8),
    };
    let store = tpr_harness::model::store::Store::new(
        &fixture,
        tpr_harness::model::store::Tokens::new("t", None),
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let config = Config {
        seed: 1,
        lanes,
        ..Config::default()
    };
    let run = || {
        if let Some(url) = &url {
            let remote =
                tpr_harness::sut::http::Remote::new(url, std::time::Duration::from_millis(500));
            rt.block_on(Runner::new(&remote, store.clone(), config.clone()).run())
                .expect("a report")
        } else if http {
            rt.block_on(async {
                let endpoint = tpr_harness::endpoint::Endpoint::start(
                    tpr_harness::endpoint::Responder::new(store.clone(), profile.clone()),
                )
                .await
                .expect("an endpoint");
                let remote = tpr_harness::sut::http::Remote::new(
                    &endpoint.base_url(),
                    std::time::Duration::from_secs(10),
                );
                Runner::new(&remote, store.clone(), config.clone())
                    .run()
                    .await
                    .expect("a report")
            })
        } else {
            let target = ModelTarget::new(store.clone(), profile.clone());
            rt.block_on(Runner::new(&target, store.clone(), config.clone()).run())
                .expect("a report")
        }
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
