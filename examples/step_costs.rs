//! Where a `sequence` corpus spends its time, by kind of step: replays each input's steps
//! (`build`, `model::apply`, the checks) as `tpr_harness::fuzz::sequence` does, without
//! instrumentation, and prints, per kind, its
//! share of the steps and of the time and its cost per step. The kinds: a plain body, a
//! gzip-coded one, one over 60 KB once decoded (B10's 64 KiB text), one answered 413.
//!
//! `cargo run --release --example step_costs -- DIR [ROUNDS]`
// a measuring tool: it prints, and exits 2 on a wrong command line
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

use std::collections::BTreeMap;
use std::time::Instant;

/// Steps, and seconds in `build`, `apply` and the checks.
#[derive(Default)]
struct Cost {
    steps: usize,
    build: f64,
    apply: f64,
    check: f64,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(dir) = args.get(1) else {
        eprintln!("usage: step_costs DIR [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(3);
    let inputs: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| std::fs::read(e.path()).ok())
        .collect();
    let mut kinds: BTreeMap<&str, Cost> = BTreeMap::new();
    for _ in 0..rounds {
        for data in &inputs {
            let Some((profile, specs)) = tpr_harness::fuzz::sequence_input(data) else {
                continue;
            };
            // as `fuzz::sequence` runs them: the store as the steps before left it, and what it
            // was before this step
            let mut before = tpr_harness::fuzz::store(&profile);
            let mut s = before.clone();
            for spec in &specs {
                let t0 = Instant::now();
                let case = spec.build(&s, &profile);
                let t1 = Instant::now();
                let out = tpr_harness::model::apply(&mut s, &case.request, &profile);
                let t2 = Instant::now();
                let _ =
                    tpr_harness::model::invariants::all(&before, &case.request, &out, &s, &profile);
                let t3 = Instant::now();
                let gzip = case
                    .request
                    .header_values("content-encoding")
                    .next()
                    .is_some();
                let decoded = tpr_harness::model::decode_body(&case.request, &profile)
                    .map_or(usize::MAX, |d| d.len());
                let kind = if out.statuses().contains(&413) {
                    "answered 413"
                } else if decoded > 60_000 {
                    "over 60 KB decoded"
                } else if gzip {
                    "gzip-coded"
                } else {
                    "plain"
                };
                let c = kinds.entry(kind).or_default();
                c.steps += 1;
                c.build += (t1 - t0).as_secs_f64();
                c.apply += (t2 - t1).as_secs_f64();
                c.check += (t3 - t2).as_secs_f64();
                if let Some(id) = &out.updated {
                    if let Some(e) = s.get(id) {
                        before.set_value(id, e.value.clone());
                    }
                }
            }
        }
    }
    let steps: usize = kinds.values().map(|c| c.steps).sum();
    let time: f64 = kinds.values().map(|c| c.build + c.apply + c.check).sum();
    println!(
        "{} inputs, {:.2} steps per input, {:.1} µs per input",
        inputs.len(),
        steps as f64 / (inputs.len() * rounds).max(1) as f64,
        time * 1e6 / (inputs.len() * rounds).max(1) as f64
    );
    for (kind, c) in &kinds {
        let t = c.build + c.apply + c.check;
        let per = |x: f64| x * 1e6 / c.steps as f64;
        println!(
            "{kind:18} {:5.1} % of steps, {:5.1} % of time, {:6.1} µs per step (build {:.1}, apply {:.1}, checks {:.1})",
            100.0 * c.steps as f64 / steps as f64,
            100.0 * t / time,
            per(t),
            per(c.build),
            per(c.apply),
            per(c.check)
        );
    }
}
