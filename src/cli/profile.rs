//! `tpr-harness profile`: every knob of a profile as TOML.

use super::{CliError, Status, load_profile};
use clap::Args;

/// Print a profile (every knob) as TOML: the starting point for your own profile file.
#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// graph, strict, graph-live, or a profile file to validate and print.
    #[arg(default_value = "graph")]
    name: String,
}

pub fn profile(a: ProfileArgs) -> Result<Status, CliError> {
    let p = load_profile(&a.name)?;
    print!(
        "# base = \"graph\"   # uncomment to start from a built-in and override only some knobs\n{}",
        p.to_toml()
    );
    Ok(Status::Clean)
}
