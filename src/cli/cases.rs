//! `tpr-harness cases`: the generated cases, the exact one a finding names.

use super::{CliError, Status, load_fixture, load_profile, output};
use crate::contract::profile::Profile;
use crate::generate::{self, CaseSpec};
use crate::model::store::{Store, Tokens};
use clap::{Args, ValueEnum};
use proptest::strategy::{Strategy, ValueTree};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum Kind {
    Any,
    Valid,
    Malformed,
    Boundary,
}

/// Write generated cases as JSON lines (seeded, deterministic): each with its request, its
/// defects and the outcome the contract demands.
#[derive(Debug, Args)]
pub struct CasesArgs {
    /// Number of cases (ignored for --kind boundary, which writes the whole list).
    #[arg(long, default_value_t = 100)]
    count: usize,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Which cases.
    #[arg(long, value_enum, default_value = "any")]
    kind: Kind,
    /// Profile name or file.
    #[arg(long, default_value = "graph")]
    profile: String,
    /// Fixture file; generated from --seed when omitted.
    #[arg(long)]
    fixtures: Option<PathBuf>,
    /// Write token used in the requests.
    #[arg(long, default_value = super::check::DEFAULT_TOKEN)]
    token: String,
    /// Only the case a finding names: its phase (`random`, `boundary`, `sequence`) …
    #[arg(long, requires = "index")]
    phase: Option<String>,
    /// … and its index (as a finding prints: `seed 1 random case 41`).
    #[arg(long, requires = "phase")]
    index: Option<usize>,
    /// With --phase and --index: this case instead of the one generated there (a finding's
    /// shrunk case, as its `case:` line gives it: a JSON object of the case's fields, those
    /// left out the default's), built against the same part of the fixture.
    #[arg(long, requires = "index")]
    spec: Option<String>,
    /// Workflows in the generated fixture (as `fixtures --workflows`).
    #[arg(long, default_value_t = crate::model::fixture::DEFAULT_WORKFLOWS)]
    workflows: usize,
    /// Output file (default: standard output).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// The specs a `cases` or `corpus` run produces: `--kind any` gives exactly the random cases
/// `check` sends with the same seed (case i of the random phase), through the one seed-to-RNG
/// function [`generate::rng`].
pub(super) fn specs(kind: Kind, count: usize, seed: u64, profile: &Profile) -> Vec<CaseSpec> {
    let from =
        |stream: &str, i: usize, s: &dyn Fn() -> proptest::strategy::BoxedStrategy<CaseSpec>| {
            s().new_tree(&mut generate::rng(seed, stream, i))
                .map(|t| t.current())
                .unwrap_or_default()
        };
    match kind {
        Kind::Boundary => generate::boundary_cases(profile),
        Kind::Any => (0..count)
            .map(|i| generate::random_case(seed, i, profile))
            .collect(),
        Kind::Valid => (0..count)
            .map(|i| from("valid", i, &|| generate::valid().boxed()))
            .collect(),
        Kind::Malformed => (0..count)
            .map(|i| from("malformed", i, &|| generate::malformed(profile).boxed()))
            .collect(),
    }
}

pub fn cases(a: CasesArgs) -> Result<Status, CliError> {
    let profile = load_profile(&a.profile)?;
    let fixture = load_fixture(a.fixtures.as_deref(), a.seed, &profile, a.workflows)?;
    let store = Store::new(&fixture, Tokens::new(&a.token, Some("tpr-read-token")));
    let mut out = output(a.out.as_ref())?;
    let list = match (a.phase.as_deref(), a.index) {
        (Some("random" | "sequence" | "boundary"), Some(_)) if a.spec.is_some() => {
            vec![
                crate::run::repro::spec_from_arg(a.spec.as_deref().unwrap_or_default())
                    .map_err(CliError::Usage)?,
            ]
        }
        (Some("random"), Some(i)) => vec![generate::random_case(a.seed, i, &profile)],
        (Some("sequence"), Some(i)) => generate::sequence_case(a.seed, i, &profile, 8),
        (Some("boundary"), Some(i)) => generate::deterministic_cases(&profile)
            .into_iter()
            .nth(i)
            .into_iter()
            .collect(),
        (Some(p), _) => {
            return Err(CliError::Usage(format!(
                "--phase {p}: the phases with cases are random, boundary and sequence"
            )));
        }
        _ => specs(a.kind, a.count, a.seed, &profile),
    };
    // a case of a phase is built against the unit (workflow) that ran it, as `check` does
    let units = crate::run::lanes::workflows(&store);
    for spec in list {
        let store = match a.index {
            Some(i) if !units.is_empty() => &units[i % units.len()],
            _ => &store,
        };
        let case = spec.build(store, &profile);
        serde_json::to_writer(&mut out, &case)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(Status::Clean)
}
