//! `tpr-harness model`: the model's answer to one request.

use super::{CliError, Status, load_fixture, load_profile};
use crate::contract::spec::Request;
use crate::model;
use crate::model::store::{Store, Tokens};
use clap::Args;
use std::path::PathBuf;

/// Print the model's answer to one request (JSON), against a fixture store.
///
/// The request file is JSON: {"method":"PATCH","path":"/identityGovernance/…","headers":[["Authorization","Bearer T"],["Content-Type","application/json"]],"body":"{…}"}.
/// The path is below the version root (no /beta).
#[derive(Debug, Args)]
pub struct ModelArgs {
    /// Request file, or - for standard input.
    #[arg(long)]
    request: String,
    /// Fixture file; generated from --seed when omitted.
    #[arg(long)]
    fixtures: Option<PathBuf>,
    /// Seed of the generated fixture.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Profile name or file.
    #[arg(long, default_value = "graph")]
    profile: String,
    /// Write token the model accepts.
    #[arg(long, default_value = super::check::DEFAULT_TOKEN)]
    token: String,
    /// Read-only token.
    #[arg(long)]
    read_only_token: Option<String>,
}

pub fn model(a: ModelArgs) -> Result<Status, CliError> {
    let profile = load_profile(&a.profile)?;
    let text = if a.request == "-" {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| CliError::Usage(format!("cannot read standard input: {e}")))?
    } else {
        std::fs::read_to_string(&a.request)
            .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", a.request)))?
    };
    let req: Request = serde_json::from_str(&text).map_err(|e| {
        CliError::Usage(format!(
            "{} is not a request (method, path, headers, body): {e}",
            a.request
        ))
    })?;
    let fixture = load_fixture(
        a.fixtures.as_deref(),
        a.seed,
        &profile,
        crate::model::fixture::DEFAULT_WORKFLOWS,
    )?;
    let mut store = Store::new(
        &fixture,
        Tokens::new(&a.token, a.read_only_token.as_deref()),
    );
    let out = model::apply(&mut store, &req, &profile);
    let json = serde_json::json!({"profile": profile.name, "statuses": out.statuses(), "rules": out.rules(), "answers": out.answers, "updated": out.updated});
    println!("{}", serde_json::to_string_pretty(&json)?);
    Ok(Status::Clean)
}
