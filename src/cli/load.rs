//! `tpr-harness load`: a bounded load generator for the endpoint (requests/s, memory checks).

use super::{CliError, Status, load_fixture, load_profile, runtime};
use crate::generate;
use crate::model::store::{Store, Tokens};
use crate::sut::http::Remote;
use clap::Args;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Send a bounded number of generated requests (valid and malformed, in a fixed cycle) to a
/// base URL on this machine and report requests/s. For measuring `serve`.
#[derive(Debug, Args)]
pub struct LoadArgs {
    /// Base URL, e.g. http://127.0.0.1:8080/beta (loopback only).
    #[arg(long)]
    base_url: String,
    /// Fixture file the server was started with.
    #[arg(long)]
    fixtures: Option<PathBuf>,
    /// Seed of the generated fixture when --fixtures is omitted.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write token the server accepts.
    #[arg(long)]
    token: String,
    /// Total requests.
    #[arg(long, default_value_t = 10_000)]
    requests: u64,
    /// Concurrent connections.
    #[arg(long, default_value_t = 1)]
    concurrency: u64,
    /// Profile the server runs.
    #[arg(long, default_value = "graph")]
    profile: String,
    /// Also send one body over the size limit (413) in every 2048 requests.
    #[arg(long)]
    with_oversize: bool,
}

pub fn load(a: LoadArgs) -> Result<Status, CliError> {
    let host_ok = a.base_url.starts_with("http://127.")
        || a.base_url.starts_with("http://localhost")
        || a.base_url.starts_with("http://[::1]");
    if !host_ok {
        return Err(CliError::Usage(
            "load only targets loopback addresses (http://127.0.0.1:PORT/…)".into(),
        ));
    }
    let profile = load_profile(&a.profile)?;
    let fixture = load_fixture(
        a.fixtures.as_deref(),
        a.seed,
        &profile,
        crate::model::fixture::DEFAULT_WORKFLOWS,
    )?;
    let store = Store::new(&fixture, Tokens::new(&a.token, None));
    let mut runner = TestRunner::deterministic();
    let strategy = generate::any_case(&profile);
    // a fixed pool of small requests (the oversize defect is left out: it measures the network)
    let pool: Vec<_> = std::iter::repeat_with(|| {
        strategy
            .new_tree(&mut runner)
            .ok()
            .map(|t| t.current().build(&store, &profile).request)
    })
    .flatten()
    .filter(|r| r.body.len() < 64 * 1024)
    .take(if a.with_oversize { 2047 } else { 512 })
    .collect();
    let mut pool = pool;
    if a.with_oversize {
        let oversize = generate::CaseSpec {
            defects: vec![crate::generate::defect::Defect::Oversize],
            ..generate::CaseSpec::default()
        };
        pool.push(oversize.build(&store, &profile).request);
    }
    let pool = Arc::new(pool);
    let remote = Remote::new(&a.base_url, Duration::from_secs(10));
    let next = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let rt = runtime()?;
    let started = Instant::now();
    rt.block_on(async {
        let mut tasks = Vec::new();
        for _ in 0..a.concurrency.max(1) {
            let (pool, remote, next, errors, total) = (
                pool.clone(),
                remote.clone(),
                next.clone(),
                errors.clone(),
                a.requests,
            );
            tasks.push(tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= total {
                        break;
                    }
                    if remote
                        .send_once(&pool[(n as usize) % pool.len()])
                        .await
                        .is_err()
                    {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }));
        }
        for t in tasks {
            let _ = t.await;
        }
    });
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{} requests at concurrency {} in {:.2} s: {:.0} requests/s, {} transport errors",
        a.requests,
        a.concurrency,
        secs,
        a.requests as f64 / secs,
        errors.load(Ordering::Relaxed)
    );
    Ok(Status::Clean)
}
