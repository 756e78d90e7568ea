//! Where a fuzz target's time goes: runs `tpr_harness::fuzz::{sequence, differential_model,
//! body}` over a seed corpus in a loop and prints executions per second (run it under `perf`).
//! For `sequence` and `differential` it also prints how many steps (requests) an input of the
//! corpus runs on average: `scripts/bench.sh` multiplies a fuzzing run's exec/s by it for the
//! cases per second (SECONDS = 0 prints only that).
//!
//! `cargo run --release --example profile_fuzz -- sequence DIR [SECONDS]`
// a measuring tool: it prints, and exits 2 on a wrong command line
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(which), Some(dir)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: profile_fuzz sequence|differential|body DIR [SECONDS]");
        std::process::exit(2);
    };
    let seconds: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(10);
    let f: fn(&[u8]) = match which.as_str() {
        "sequence" => |data| {
            tpr_harness::fuzz::sequence(data);
        },
        "differential" => tpr_harness::fuzz::differential_model,
        "body" => tpr_harness::fuzz::body,
        other => {
            eprintln!("unknown target {other}");
            std::process::exit(2);
        }
    };
    let mut inputs = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if let Ok(b) = std::fs::read(e.path()) {
            inputs.push(b);
        }
    }
    if inputs.is_empty() {
        eprintln!("no inputs in {dir}");
        std::process::exit(2);
    }
    let steps = |data: &[u8]| match which.as_str() {
        "sequence" => tpr_harness::fuzz::sequence_input(data).map_or(0, |(_, c)| c.len()),
        "differential" => tpr_harness::fuzz::differential_input(data).map_or(0, |c| c.len()),
        _ => 1,
    };
    let total: usize = inputs.iter().map(|i| steps(i)).sum();
    println!(
        "{which}: {:.2} steps per input over {} inputs",
        total as f64 / inputs.len() as f64,
        inputs.len()
    );
    if seconds == 0 {
        return;
    }
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed() < Duration::from_secs(seconds) {
        for i in &inputs {
            f(i);
            n += 1;
        }
    }
    println!(
        "{which}: {n} executions over {} inputs in {:?}: {:.0} exec/s",
        inputs.len(),
        started.elapsed(),
        n as f64 / started.elapsed().as_secs_f64()
    );
}
