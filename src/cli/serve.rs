//! `tpr-harness serve`: the reference endpoint for your own clients and SDKs.

use super::{CliError, Status, load_fixture, load_profile, runtime};
use crate::endpoint::{Endpoint, Faults, Responder};
use crate::model::store::{Store, Tokens};
use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Serve the reference model over HTTP until Ctrl-C.
///
/// Memory stays flat however many requests it answers (no per-request recording). With
/// --faults, a seeded share of requests gets 429 or 503 with Retry-After, reproducibly, so you
/// can test a client's retry logic.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  \
tpr-harness serve --token secret --port 8080 --write-fixtures fixtures.json\n  \
# in another shell: paste the URL=… line it prints, then\n  \
curl -i -X PATCH \"$URL\" -H 'Authorization: Bearer secret' \\\n    \
-H 'Content-Type: application/json' -d '{\"processingStatus\":\"failed\"}'")]
pub struct ServeArgs {
    /// Fixture file (F1); generated from --seed when omitted.
    #[arg(long)]
    fixtures: Option<PathBuf>,
    /// Workflows in the generated fixture (as `fixtures --workflows`).
    #[arg(long, default_value_t = crate::model::fixture::DEFAULT_WORKFLOWS)]
    workflows: usize,
    /// Also write the fixture in use to this file (to seed clients and `check`).
    #[arg(long)]
    write_fixtures: Option<PathBuf>,
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Write token.
    #[arg(long)]
    token: String,
    /// Read-only token (GET only; PATCH answers 403).
    #[arg(long)]
    read_only_token: Option<String>,
    /// Profile: graph, strict, graph-live, or a profile file.
    #[arg(long, default_value = "graph")]
    profile: String,
    /// Share of requests answered 429/503 with Retry-After (0.0-1.0).
    #[arg(long, default_value_t = 0.0)]
    faults: f64,
    /// Seed of the generated fixture and of the fault schedule.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Added latency, e.g. 5-50 (milliseconds, seeded).
    #[arg(long)]
    latency_ms: Option<String>,
    /// Log one line per request to standard error.
    #[arg(long)]
    log: bool,
    /// Open connections at most; more are closed as they arrive.
    #[arg(long, default_value_t = 1024)]
    max_connections: usize,
    /// A request's headers must arrive within this many milliseconds (slow clients are dropped).
    #[arg(long, default_value_t = 10_000)]
    header_timeout_ms: u64,
    /// A request's body must arrive within this many milliseconds, else 408.
    #[arg(long, default_value_t = 30_000)]
    body_timeout_ms: u64,
    /// Break one rule on purpose (one of the built-in bugs, e.g. OpenEnum or LostUpdates; a
    /// wrong name lists them all), to see what a checker catches. Never for real use.
    #[arg(long)]
    mutant: Option<String>,
}

fn parse_latency(s: &str) -> Result<(u64, u64), CliError> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let lo = a.trim().parse::<u64>().map_err(|_| {
        CliError::Usage(format!(
            "--latency-ms `{s}`: expected MIN-MAX in milliseconds"
        ))
    })?;
    let hi = b.trim().parse::<u64>().map_err(|_| {
        CliError::Usage(format!(
            "--latency-ms `{s}`: expected MIN-MAX in milliseconds"
        ))
    })?;
    if hi < lo {
        return Err(CliError::Usage(format!(
            "--latency-ms `{s}`: MAX is below MIN"
        )));
    }
    Ok((lo, hi))
}

pub fn serve(a: ServeArgs) -> Result<Status, CliError> {
    let profile = load_profile(&a.profile)?;
    if !(0.0..=1.0).contains(&a.faults) {
        return Err(CliError::Usage(format!(
            "--faults {}: expected a share between 0.0 and 1.0",
            a.faults
        )));
    }
    if a.token.trim().is_empty() {
        return Err(CliError::Usage("--token must not be empty".into()));
    }
    let latency = a.latency_ms.as_deref().map(parse_latency).transpose()?;
    let mutant = match &a.mutant {
        Some(n) => Some(crate::sut::mutant::Mutant::from_name(n).ok_or_else(|| {
            let names: Vec<String> = crate::sut::mutant::Mutant::ALL
                .iter()
                .map(|m| format!("{m:?}"))
                .collect();
            CliError::Usage(format!(
                "unknown mutant `{n}`, expected one of {}",
                names.join(", ")
            ))
        })?),
        None => None,
    };
    let fixture = load_fixture(a.fixtures.as_deref(), a.seed, &profile, a.workflows)?;
    if let Some(p) = &a.write_fixtures {
        fixture
            .write(p)
            .map_err(|e| CliError::Usage(format!("cannot write {}: {e}", p.display())))?;
    }
    let store = Store::new(
        &fixture,
        Tokens::new(&a.token, a.read_only_token.as_deref()),
    );
    let example = store
        .entities()
        .next()
        .and_then(|(id, _)| store.direct_route(id));
    let faults = (a.faults > 0.0 || latency.is_some()).then_some(Faults {
        rate: a.faults,
        seed: a.seed,
        latency_ms: latency,
        retry_after_s: 1,
    });
    let responder = Responder::new(store, profile.clone())
        .with_mutant(mutant)
        .with_faults(faults)
        .with_log(a.log);
    let rt = runtime()?;
    rt.block_on(async {
        let limits = crate::endpoint::Limits {
            header_timeout: std::time::Duration::from_millis(a.header_timeout_ms.max(1)),
            body_timeout: std::time::Duration::from_millis(a.body_timeout_ms.max(1)),
            max_connections: a.max_connections.max(1),
        };
        let ep = Endpoint::start_with(
            responder,
            SocketAddr::from(([127, 0, 0, 1], a.port)),
            limits,
        )
        .await?;
        println!(
            "tpr-harness reference endpoint (profile {}) at {}",
            profile.name,
            ep.base_url()
        );
        if let Some(r) = example {
            // a line to paste into a shell (the help's curl example uses it)
            println!("example entity (paste into a shell, then curl \"$URL\"):");
            println!("URL={}{}", ep.base_url(), r.to_path(&Default::default()));
        }
        println!("press Ctrl-C to stop");
        tokio::signal::ctrl_c()
            .await
            .map_err(|e| CliError::Usage(format!("cannot wait for Ctrl-C: {e}")))?;
        println!("answered {} requests", ep.responder().requests());
        Ok::<(), CliError>(())
    })?;
    Ok(Status::Clean)
}
