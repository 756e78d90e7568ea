//! The command line: one file per group of subcommands, and the one place where errors become
//! messages and exit codes (0 no findings, 1 findings, 2 usage/configuration/connection error).

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cases;
mod check;
mod corpus;
mod explain;
mod fixtures;
mod load;
mod model;
mod openapi;
mod profile;
mod replay;
mod serve;

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
    Replay(replay::ReplayArgs),
    Serve(serve::ServeArgs),
    Model(model::ModelArgs),
    Cases(cases::CasesArgs),
    Fixtures(fixtures::FixturesArgs),
    Profile(profile::ProfileArgs),
    Explain(explain::ExplainArgs),
    Corpus(corpus::CorpusArgs),
    Load(load::LoadArgs),
    Openapi(openapi::OpenapiArgs),
}

/// Why a subcommand could not do its job. Every variant ends with exit code 2, but a closed
/// pipe (`tpr-harness openapi | head`), which is not an error.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A bad flag, file, profile or fixture (the message names it and says what to do).
    #[error("{0}")]
    Usage(String),
    /// The run could not start or go on: no connection, a refused token, an implementation
    /// not seeded with the fixture, one that stopped giving answers.
    #[error("{0}")]
    Run(#[from] crate::run::RunError),
    /// Reading or writing a file or standard output failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl CliError {
    /// Whether this is standard output closed by the reader (not an error).
    fn is_broken_pipe(&self) -> bool {
        matches!(self, CliError::Io(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

macro_rules! usage_from {
    ($($t:ty),*) => { $(impl From<$t> for CliError {
        fn from(e: $t) -> Self { CliError::Usage(e.to_string()) }
    })* };
}
usage_from!(
    crate::contract::profile::ProfileError,
    crate::model::fixture::FixtureError,
    crate::endpoint::StartError,
    serde_json::Error,
    crate::contract::rule::UnknownRule
);

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
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<Status, CliError> {
    match cli.command {
        Command::Check(a) => check::check(a),
        Command::Replay(a) => replay::replay(a),
        Command::Serve(a) => serve::serve(a),
        Command::Model(a) => model::model(a),
        Command::Cases(a) => cases::cases(a),
        Command::Fixtures(a) => fixtures::fixtures(a),
        Command::Profile(a) => profile::profile(a),
        Command::Explain(a) => explain::explain(a),
        Command::Corpus(a) => corpus::corpus(a),
        Command::Load(a) => load::load(a),
        Command::Openapi(a) => openapi::openapi(a),
    }
}

pub(crate) fn output(
    path: Option<&std::path::PathBuf>,
) -> Result<Box<dyn std::io::Write>, CliError> {
    Ok(match path {
        Some(p) => Box::new(std::io::BufWriter::new(std::fs::File::create(p).map_err(
            |e| CliError::Usage(format!("cannot create {}: {e}", p.display())),
        )?)),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    })
}

/// A tokio runtime for a subcommand.
fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Usage(format!("cannot start the async runtime: {e}")))
}

/// Loads a profile by name or file, as every subcommand does.
fn load_profile(name: &str) -> Result<crate::contract::profile::Profile, CliError> {
    Ok(crate::contract::profile::Profile::resolve(name)?)
}

/// Loads `--fixtures FILE`, or generates the fixture of `seed`.
fn load_fixture(
    path: Option<&std::path::Path>,
    seed: u64,
    profile: &crate::contract::profile::Profile,
    workflows: usize,
) -> Result<crate::model::fixture::Fixture, CliError> {
    match path {
        Some(p) => Ok(crate::model::fixture::Fixture::load(p, profile)?),
        None => Ok(crate::model::fixture::Fixture::generate_with(
            seed, profile, workflows,
        )),
    }
}
