//! `tpr-harness openapi`: the contract as OpenAPI 3.1 under a profile.

use super::{CliError, Status, load_profile, output};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

/// Print the contract under a profile as an OpenAPI 3.1 document (JSON), for Schemathesis,
/// Dredd or Prism.
#[derive(Debug, Args)]
pub struct OpenapiArgs {
    /// Profile name or file.
    #[arg(long, default_value = "graph")]
    profile: String,
    /// Output file (default: standard output).
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn openapi(a: OpenapiArgs) -> Result<Status, CliError> {
    let profile = load_profile(&a.profile)?;
    let mut out = output(a.out.as_ref())?;
    writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&crate::contract::openapi::document(&profile))?
    )?;
    out.flush()?;
    Ok(Status::Clean)
}
