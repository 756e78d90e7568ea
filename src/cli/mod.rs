//! The command line: one file per group of subcommands, and the one place where errors become
//! messages and exit codes (0 no findings, 1 findings, 2 usage/configuration/connection error).

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod check;
mod load;
mod serve;
mod tools;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Property-based, fuzz and conformance testing harness for Microsoft Graph's
/// "Update taskProcessingResult" (PATCH …/deletedItems/workflows/{w}/runs/{r}/userProcessingResults/{u}/taskProcessingResults/{t}, beta).
///
/// Checks an implementation against an explicit, versioned contract (CONTRACT.md, rule ids such
/// as B6 or S3) under a profile (graph, strict, graph-live, or your own file).
#[derive(Debug, Parser)]
#[command(
    name = "tpr-harness",
    version,
    after_help = "Exit codes: 0 no findings, 1 findings (or STILL FAILING on replay), 2 usage, configuration or connection error.\n\nStart with `tpr-harness check` (checks the built-in reference endpoint), then point it at yours with --base-url."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Check(check::CheckArgs),
    Replay(check::ReplayArgs),
    Serve(serve::ServeArgs),
    Model(tools::ModelArgs),
    Cases(tools::CasesArgs),
    Fixtures(tools::FixturesArgs),
    Profile(tools::ProfileArgs),
    Explain(tools::ExplainArgs),
    Corpus(tools::CorpusArgs),
    Load(load::LoadArgs),
    Openapi(tools::OpenapiArgs),
}

/// An error the CLI reports with exit code 2.
#[derive(Debug)]
pub struct CliError(pub String);

impl<E: std::fmt::Display> From<E> for CliError {
    fn from(e: E) -> Self {
        CliError(e.to_string())
    }
}

/// What a subcommand ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Nothing found.
    Clean,
    /// Findings (or failures on replay).
    Findings,
}

/// Runs the CLI with the process arguments.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(Status::Clean) => ExitCode::SUCCESS,
        Ok(Status::Findings) => ExitCode::from(1),
        // a closed pipe (`tpr-harness openapi | head`) is not an error
        Err(CliError(m)) if m.contains("Broken pipe") => ExitCode::SUCCESS,
        Err(CliError(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<Status, CliError> {
    match cli.command {
        Command::Check(a) => check::check(a),
        Command::Replay(a) => check::replay(a),
        Command::Serve(a) => serve::serve(a),
        Command::Model(a) => tools::model(a),
        Command::Cases(a) => tools::cases(a),
        Command::Fixtures(a) => tools::fixtures(a),
        Command::Profile(a) => tools::profile(a),
        Command::Explain(a) => tools::explain(a),
        Command::Corpus(a) => tools::corpus(a),
        Command::Load(a) => load::load(a),
        Command::Openapi(a) => tools::openapi(a),
    }
}

/// A tokio runtime for a subcommand.
fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError(format!("cannot start the async runtime: {e}")))
}

/// Loads a profile by name or file, as every subcommand does.
fn load_profile(name: &str) -> Result<crate::profile::Profile, CliError> {
    Ok(crate::profile::Profile::resolve(name)?)
}

/// Loads `--fixtures FILE`, or generates the fixture of `seed`.
fn load_fixture(
    path: Option<&std::path::Path>,
    seed: u64,
    profile: &crate::profile::Profile,
    workflows: usize,
) -> Result<crate::fixture::Fixture, CliError> {
    match path {
        Some(p) => Ok(crate::fixture::Fixture::load(p, profile)?),
        None => Ok(crate::fixture::Fixture::generate_with(
            seed, profile, workflows,
        )),
    }
}
