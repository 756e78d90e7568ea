//! `tpr-harness check`: check an implementation against the contract.

use super::{CliError, Status, load_fixture, load_profile, runtime};
use crate::endpoint::{Endpoint, Responder};
use crate::model::store::{Store, Tokens};
use crate::report;
use crate::run::{Config, Event, Observe, Report, Runner, StopKind, Stopped};
use crate::sut::http::Remote;
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

/// Default write token of the embedded endpoint.
pub const DEFAULT_TOKEN: &str = "tpr-write-token";

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ObserveArg {
    Get,
    EmptyPatch,
    None,
}

/// Check an implementation against the contract and report every difference as a shrunk,
/// replayable finding.
///
/// Without --base-url it generates fixtures, starts the built-in reference endpoint and checks
/// it (that run must end with 0 findings). With --base-url (which includes the version root,
/// e.g. http://127.0.0.1:8080/beta) the implementation must already hold the state of
/// --fixtures and accept --token.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tpr-harness check\n  tpr-harness check --base-url http://127.0.0.1:8080/beta \\\n    --fixtures fixtures.json --token \"$TOKEN\" \\\n    --junit junit.xml --report-json report.json"
)]
pub struct CheckArgs {
    /// Base URL of the implementation, including the version root; omit to check the embedded endpoint.
    #[arg(long)]
    base_url: Option<String>,
    /// Fixture file the implementation was seeded with (F1); generated from --seed when omitted.
    #[arg(long)]
    fixtures: Option<PathBuf>,
    /// Write token (LifecycleWorkflows.ReadWrite.All). Defaults to the embedded endpoint's token.
    #[arg(long, env = "TPR_TOKEN")]
    token: Option<String>,
    /// Read-only token, to check 403 on PATCH.
    #[arg(long)]
    read_only_token: Option<String>,
    /// Profile: graph, strict, graph-live, or a .toml/.json profile file.
    #[arg(long, default_value = "graph")]
    profile: String,
    /// Seed of fixtures (when generated) and of the random cases.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Number of random cases (after the deterministic boundary cases).
    #[arg(long, default_value_t = 300)]
    cases: usize,
    /// Number of stateful sequences.
    #[arg(long, default_value_t = 20)]
    sequences: usize,
    /// Concurrent PATCHes in the concurrency phase (S7).
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Per-request timeout in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    timeout_ms: u64,
    /// How to observe state after a request.
    #[arg(long, value_enum, default_value = "get")]
    observe: ObserveArg,
    /// Do not shrink failing cases (nor diagnose their cause).
    #[arg(long)]
    no_shrink: bool,
    /// Lanes run at once, each owning whole workflows of the fixture (at most one lane per
    /// workflow). Same seed, same findings, whatever the number.
    #[arg(long, visible_alias = "jobs", default_value_t = 4, value_name = "N")]
    lanes: usize,
    /// Stop the whole run after this many seconds and report what was found so far.
    #[arg(long, value_name = "SECONDS")]
    max_time: Option<u64>,
    /// Largest response body read, in bytes; a longer or endless body is an E3 finding.
    #[arg(long, default_value_t = crate::sut::DEFAULT_MAX_RESPONSE_BYTES)]
    max_response_bytes: usize,
    /// When the implementation stops answering, how long to wait for it to come back, in seconds.
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    crash_wait: u64,
    /// Workflows in the generated fixture (without --fixtures; as `fixtures --workflows`).
    #[arg(long, default_value_t = crate::model::fixture::DEFAULT_WORKFLOWS)]
    workflows: usize,
    /// Write the JSON report here.
    #[arg(long)]
    report_json: Option<PathBuf>,
    /// Write JUnit XML here (one test case per clause of the contract).
    #[arg(long)]
    junit: Option<PathBuf>,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

pub fn check(a: CheckArgs) -> Result<Status, CliError> {
    let profile = load_profile(&a.profile)?;
    if a.base_url.is_some() && a.fixtures.is_none() {
        return Err(CliError::Usage("with --base-url, --fixtures FILE is required: seed your implementation with it (tpr-harness fixtures --out FILE writes one)".into()));
    }
    if a.base_url.is_some() && a.token.is_none() {
        return Err(CliError::Usage("with --base-url, --token (or TPR_TOKEN) is required: a write token your implementation accepts".into()));
    }
    let fixture = load_fixture(a.fixtures.as_deref(), a.seed, &profile, a.workflows)?;
    let token = a.token.clone().unwrap_or_else(|| DEFAULT_TOKEN.to_string());
    let read_only = match (&a.base_url, &a.read_only_token) {
        (None, None) => Some("tpr-read-token".to_string()),
        (_, r) => r.clone(),
    };
    let store = Store::new(&fixture, Tokens::new(&token, read_only.as_deref()));
    let config = Config {
        profile: profile.clone(),
        seed: a.seed,
        cases: a.cases,
        sequences: a.sequences,
        concurrency: a.concurrency.max(1),
        observe: match a.observe {
            ObserveArg::Get => Observe::Get,
            ObserveArg::EmptyPatch => Observe::EmptyPatch,
            ObserveArg::None => Observe::None,
        },
        shrink: !a.no_shrink,
        lanes: a.lanes.max(1),
        max_time: a.max_time.map(Duration::from_secs),
        crash_wait: Duration::from_secs(a.crash_wait),
        ..Config::default()
    };
    let rt = runtime()?;
    let report = rt.block_on(async {
        let embedded;
        let base = match &a.base_url {
            Some(u) => u.clone(),
            None => {
                embedded = Endpoint::start(Responder::new(store.clone(), profile.clone())).await?;
                embedded.base_url()
            }
        };
        let mut remote = Remote::new(&base, Duration::from_millis(a.timeout_ms));
        remote.max_response_bytes = a.max_response_bytes;
        let bar = progress(a.quiet);
        let b = bar.clone();
        let runner = Runner::new(&remote, store, config).on_event(move |e| match e {
            Event::Phase { name, cases } => {
                b.set_position(0);
                b.set_length(*cases as u64);
                b.set_position(0);
                b.set_message(*name);
            }
            Event::Case => b.inc(1),
            Event::Finding(f) => b.println(format!("finding {}: {}", f.rule, f.message)),
            Event::Note(n) => b.println(n),
        });
        let r = runner.run().await;
        bar.finish_and_clear();
        Ok::<Report, CliError>(r?)
    })?;
    let mut report = report;
    report.case_source = Some(crate::run::CaseSource {
        fixtures: a.fixtures.as_ref().map(|f| f.display().to_string()),
        profile: a.profile.clone(),
        workflows: a.workflows,
    });
    print!("{}", report::console(&report));
    if let Some(p) = &a.report_json {
        std::fs::write(p, report::json(&report))
            .map_err(|e| CliError::Usage(format!("cannot write {}: {e}", p.display())))?;
    }
    if let Some(p) = &a.junit {
        std::fs::write(p, report::junit(&report))
            .map_err(|e| CliError::Usage(format!("cannot write {}: {e}", p.display())))?;
    }
    match &report.stopped {
        // the implementation went silent: not a verdict on it, a run that could not go on
        Some(Stopped {
            kind: StopKind::Unresponsive,
            message,
        }) => Err(CliError::Usage(message.clone())),
        Some(Stopped {
            kind: StopKind::MaxTime,
            message,
        }) if report.findings.is_empty() => Err(CliError::Usage(format!(
            "{message}, with no finding so far: give more time or fewer cases"
        ))),
        Some(Stopped { message, .. }) => {
            eprintln!("note: {message}");
            Ok(Status::Findings)
        }
        None if report.findings.is_empty() => Ok(Status::Clean),
        None => Ok(Status::Findings),
    }
}

fn progress(quiet: bool) -> indicatif::ProgressBar {
    if quiet {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{msg:>12} [{bar:40}] {pos}/{len} ({per_sec}, {eta})",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}
