//! `apply` on a mix of valid and malformed bodies against `serde_json::from_slice::<Value>` on
//! the same bodies, in the same run (goal: `apply` at most 2× the bare parse), and the
//! generators' throughput.
//!
//! Run: `cargo bench --bench model`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use std::hint::black_box;
use tpr_harness::contract::profile::Profile;
use tpr_harness::contract::spec::Request;
use tpr_harness::generate::{self, CaseSpec};
use tpr_harness::model;
use tpr_harness::model::fixture::Fixture;
use tpr_harness::model::store::{Store, Tokens};

fn workload() -> (Store, Vec<Request>, Vec<CaseSpec>) {
    let profile = Profile::graph();
    let store = Store::new(&Fixture::generate(1, &profile), Tokens::new("w", Some("r")));
    let mut runner = TestRunner::deterministic();
    let strategy = generate::any_case(&profile);
    let specs: Vec<CaseSpec> = (0..2000)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect();
    // PATCH bodies under 64 KiB, decoded: the oversize defects (4 MiB of padding, a gzip member
    // inflating past the limit) would dominate both sides
    let reqs = specs
        .iter()
        .map(|s| s.build(&store, &profile).request)
        .filter(|r| r.method == "PATCH" && decoded(r, 64 * 1024).len() < 64 * 1024)
        .collect();
    (store, reqs, specs)
}

fn is_gzip(r: &Request) -> bool {
    r.headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("content-encoding") && v.contains("gzip"))
}

/// The body with its content coding undone: gunzip when the request says gzip, at most
/// `max` + 1 bytes (as H6 bounds it).
fn decoded(r: &Request, max: u64) -> std::borrow::Cow<'_, [u8]> {
    use std::io::Read;
    if !is_gzip(r) {
        return std::borrow::Cow::Borrowed(&r.body);
    }
    let mut out = Vec::new();
    let _ = flate2::read::GzDecoder::new(&r.body[..])
        .take(max + 1)
        .read_to_end(&mut out);
    std::borrow::Cow::Owned(out)
}

/// The bare work on a request's body: undo the coding, then `serde_json::from_slice::<Value>`.
fn bare(r: &Request, max: u64) -> Option<serde_json::Value> {
    serde_json::from_slice(&decoded(r, max)).ok()
}

fn bench(c: &mut Criterion) {
    let profile = Profile::graph();
    let (store, reqs, specs) = workload();
    let bytes: u64 = reqs.iter().map(|r| r.body.len() as u64).sum();
    #[allow(clippy::print_stderr)]
    {
        eprintln!("workload: {} PATCH bodies, {bytes} bytes", reqs.len());
    }
    let mut g = c.benchmark_group("body");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("serde_json_from_slice", |b| {
        b.iter(|| {
            for r in &reqs {
                let _ = black_box(serde_json::from_slice::<serde_json::Value>(black_box(
                    &r.body,
                )));
            }
        })
    });
    // the floor of `apply`: what any implementation must do with the same bytes — undo the
    // content coding (gzip, bounded like H6) and parse the JSON
    g.bench_function("bare_decode_and_parse", |b| {
        b.iter(|| {
            for r in &reqs {
                let _ = black_box(bare(black_box(r), profile.max_body_bytes));
            }
        })
    });
    g.bench_function("model_body_rules", |b| {
        b.iter(|| {
            for r in &reqs {
                let _ = black_box(model::body(black_box(&r.body), Some("t"), &profile, false));
            }
        })
    });
    g.bench_function("model_apply", |b| {
        let mut s = store.clone();
        b.iter(|| {
            for r in &reqs {
                black_box(model::apply(&mut s, black_box(r), &profile));
            }
        })
    });
    g.finish();
    let mut g = c.benchmark_group("generate");
    g.throughput(Throughput::Elements(specs.len() as u64));
    g.bench_function("build_cases", |b| {
        b.iter(|| {
            for s in &specs {
                black_box(s.build(&store, &profile));
            }
        })
    });
    g.bench_function("draw_and_build_cases", |b| {
        let strategy = generate::any_case(&profile);
        let mut runner = TestRunner::deterministic();
        b.iter(|| {
            for _ in 0..specs.len() {
                let s = strategy.new_tree(&mut runner).unwrap().current();
                black_box(s.build(&store, &profile));
            }
        })
    });
    g.finish();
}

/// The default `check` budget against the model in process (no socket): cases per second.
fn check_in_process(c: &mut Criterion) {
    use tpr_harness::run::{Config, Runner};
    use tpr_harness::sut::model::ModelTarget;
    let profile = tpr_harness::contract::profile::Profile::graph();
    let fixture = tpr_harness::model::fixture::Fixture::generate_with(1, &profile, 8);
    let store = tpr_harness::model::store::Store::new(
        &fixture,
        tpr_harness::model::store::Tokens::new("t", None),
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let run = || {
        let target = ModelTarget::new(store.clone(), profile.clone());
        rt.block_on(
            Runner::new(
                &target,
                store.clone(),
                Config {
                    seed: 1,
                    ..Config::default()
                },
            )
            .run(),
        )
        .unwrap()
    };
    let r = run();
    let started = std::time::Instant::now();
    let n = 5;
    for _ in 0..n {
        run();
    }
    let per_run = started.elapsed() / n;
    #[allow(clippy::print_stdout)]
    {
        println!(
            "check_in_process: {} cases, {} requests per run in {per_run:?}: {:.0} cases/s, {:.0} requests/s",
            r.cases,
            r.requests,
            r.cases as f64 / per_run.as_secs_f64(),
            r.requests as f64 / per_run.as_secs_f64()
        );
    }
    c.bench_function("check_in_process", |b| b.iter(run));
}

/// The ratios of issue 13, measured in one run: 41 interleaved rounds of each side over the
/// whole workload, the median round of each (so a noisy neighbour hits both sides alike).
/// Prints `ratio apply/bare = …` lines that `scripts/bench.sh` collects.
fn ratios(_: &mut Criterion) {
    let (store, reqs, _) = workload();
    ratio_of("all PATCH requests", &store, &reqs);
    let plain: Vec<Request> = reqs.into_iter().filter(|r| !is_gzip(r)).collect();
    ratio_of("identity-coded only", &store, &plain);
}

fn ratio_of(label: &str, store: &Store, reqs: &[Request]) {
    use std::time::{Duration, Instant};
    let profile = Profile::graph();
    let time = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        t.elapsed()
    };
    let (mut parse, mut bare_t, mut rules, mut apply) = (vec![], vec![], vec![], vec![]);
    for _ in 0..41 {
        parse.push(time(&mut || {
            for r in reqs {
                let _ = black_box(serde_json::from_slice::<serde_json::Value>(&r.body));
            }
        }));
        bare_t.push(time(&mut || {
            for r in reqs {
                let _ = black_box(bare(r, profile.max_body_bytes));
            }
        }));
        rules.push(time(&mut || {
            for r in reqs {
                let _ = black_box(model::body(&r.body, Some("t"), &profile, false));
            }
        }));
        let mut s = store.clone();
        apply.push(time(&mut || {
            for r in reqs {
                black_box(model::apply(&mut s, r, &profile));
            }
        }));
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (p, b, r, a) = (
        median(&mut parse),
        median(&mut bare_t),
        median(&mut rules),
        median(&mut apply),
    );
    #[allow(clippy::print_stdout)]
    {
        println!(
            "workload ({label}): {} PATCH requests; medians of 41 rounds: serde_json {p:?}, bare decode+parse {b:?}, model::body {r:?}, model::apply {a:?}",
            reqs.len()
        );
        println!(
            "ratio body_rules/serde_json ({label}) = {:.2}",
            r.as_secs_f64() / p.as_secs_f64()
        );
        println!(
            "ratio apply/bare ({label}) = {:.2} (goal <= 2)",
            a.as_secs_f64() / b.as_secs_f64()
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4));
    targets = ratios, bench, check_in_process
}
criterion_main!(benches);
