//! `tpr-harness replay`: re-judge the findings of a report.

use super::check::DEFAULT_TOKEN;
use super::{CliError, Status, load_fixture, runtime};
use crate::model::store::{Store, Tokens};
use crate::run::{Config, Replayed, Report, Runner};
use crate::sut::http::Remote;
use clap::Args;
use std::path::PathBuf;
use std::time::Duration;

/// Replay the findings of a JSON report: restore the state each needs, re-send its request
/// and judge the answer with the same judge as `check`, under the report's profile knobs.
///
/// Says FIXED only when the judge finds nothing wrong; STILL FAILING with what it found;
/// RE-RUN CHECK for findings about a whole run (S6 drift, S7, F1). Exit 0 when every finding
/// is fixed, 1 otherwise. The implementation must hold the report's fixture (re-seed it).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tpr-harness replay report.json --token $TOKEN --fixtures fixtures.json\n  tpr-harness replay report.json --base-url http://127.0.0.1:8080/beta"
)]
pub struct ReplayArgs {
    /// A report written by `check --report-json`.
    file: PathBuf,
    /// Base URL to replay against (default: the report's).
    #[arg(long)]
    base_url: Option<String>,
    /// Write token (replaces $TPR_TOKEN in the recorded requests).
    #[arg(long, env = "TPR_TOKEN")]
    token: Option<String>,
    /// Fixture file the implementation was seeded with (default: generated from the report's seed).
    #[arg(long)]
    fixtures: Option<PathBuf>,
    /// Per-request timeout in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    timeout_ms: u64,
}

pub fn replay(a: ReplayArgs) -> Result<Status, CliError> {
    let text = std::fs::read_to_string(&a.file)
        .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", a.file.display())))?;
    let rep: Report = serde_json::from_str(&text).map_err(|e| {
        CliError::Usage(format!(
            "{} is not a tpr-harness JSON report: {e}",
            a.file.display()
        ))
    })?;
    let profile = rep
        .profile()
        .map_err(|e| CliError::Usage(format!("the report's profile: {e}")))?;
    let fixture = load_fixture(
        a.fixtures.as_deref(),
        rep.seed,
        &profile,
        crate::model::fixture::DEFAULT_WORKFLOWS,
    )?;
    let base = a.base_url.clone().unwrap_or_else(|| rep.base_url.clone());
    if !base.starts_with("http://") && !base.starts_with("https://") {
        return Err(CliError::Usage(format!(
            "the report was made against `{base}`; give --base-url to replay over HTTP"
        )));
    }
    let token = a.token.clone().unwrap_or_else(|| DEFAULT_TOKEN.to_string());
    let store = Store::new(&fixture, Tokens::new(&token, None));
    let remote = Remote::new(&base, Duration::from_millis(a.timeout_ms));
    let config = Config {
        profile,
        seed: rep.seed,
        ..Config::default()
    };
    let rt = runtime()?;
    let verdicts = rt.block_on(Runner::new(&remote, store, config).replay(&rep.findings));
    let (mut fixed, mut failing, mut untested, mut rerun) = (0, 0, 0, 0);
    for (f, v) in rep.findings.iter().zip(&verdicts) {
        let shown = match v {
            Replayed::Fixed => {
                fixed += 1;
                "FIXED".to_string()
            }
            Replayed::StillFailing(why) => {
                failing += 1;
                format!("STILL FAILING ({why})")
            }
            Replayed::NeedsFullRun(why) => {
                rerun += 1;
                format!("RE-RUN CHECK ({why})")
            }
            Replayed::NotRetested(why) => {
                untested += 1;
                format!("NOT RE-TESTED ({why})")
            }
        };
        // a report from before clauses were recorded names its rule
        let clause = if f.clause.is_empty() {
            f.rule.to_string()
        } else {
            f.clause.clone()
        };
        println!("{shown}  {clause}  {} {}", f.request.method, f.request.path);
    }
    println!(
        "{} finding(s): {fixed} fixed, {failing} still failing, {untested} not re-tested, {rerun} to re-run with check",
        rep.findings.len()
    );
    if untested > 0 && fixed + failing == 0 {
        return Err(CliError::Usage(format!(
            "no finding could be re-tested: the state each needs could not be set up. Is --token ({}) the write token the implementation accepts, and --base-url ({base}) the server that was checked, restarted with the same fixture?",
            if a.token.is_some() {
                "given"
            } else {
                "not given: the default"
            }
        )));
    }
    // only properties of whole runs (F1, S6 drift, S7, E2): replay judged nothing, and says
    // what will (decision 88)
    if rerun > 0 && fixed + failing + untested == 0 {
        let mut again = format!("tpr-harness check --base-url {base} --seed {}", rep.seed);
        if let Some(src) = &rep.case_source {
            if src.profile != "graph" {
                again.push_str(&format!(" --profile {}", src.profile));
            }
            match &src.fixtures {
                Some(f) => again.push_str(&format!(" --fixtures {f}")),
                None if src.workflows != crate::model::fixture::DEFAULT_WORKFLOWS => {
                    again.push_str(&format!(" --workflows {}", src.workflows))
                }
                None => {}
            }
        } else if let Some(f) = &a.fixtures {
            again.push_str(&format!(" --fixtures {}", f.display()));
        }
        again.push_str(" --token \"$TPR_TOKEN\"");
        return Err(CliError::Usage(format!(
            "nothing replay can re-test: {rerun} finding(s) are properties of a whole run (fixture values, drift, concurrency, request-ids), which only a new run judges. Restart the implementation with its fixture and run check again: {again}"
        )));
    }
    Ok(if failing + untested + rerun == 0 {
        Status::Clean
    } else {
        Status::Findings
    })
}
