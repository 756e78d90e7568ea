//! `tpr-harness fixtures`: a fixture file (F1) from a seed.

use super::{CliError, Status, load_profile, output};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

/// Write a fixture file (F1) generated from a seed.
#[derive(Debug, Args)]
pub struct FixturesArgs {
    /// Seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Workflows (each with 2 tasks, 2 runs, 2 users: 8 results); `check --lanes` runs one lane
    /// per workflow at most.
    #[arg(long, default_value_t = crate::model::fixture::DEFAULT_WORKFLOWS)]
    workflows: usize,
    /// Profile (its enum decides which statuses appear).
    #[arg(long, default_value = "graph")]
    profile: String,
    /// Output file (default: standard output).
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn fixtures(a: FixturesArgs) -> Result<Status, CliError> {
    let profile = load_profile(&a.profile)?;
    let f = crate::model::fixture::Fixture::generate_with(a.seed, &profile, a.workflows);
    let mut out = output(a.out.as_ref())?;
    writeln!(out, "{}", f.to_json_string())?;
    out.flush()?;
    Ok(Status::Clean)
}
