//! Smaller subcommands: `model`, `cases`, `fixtures`, `profile`, `explain`, `corpus`.

use super::{CliError, Status, load_fixture, load_profile};
use crate::generate::{self, CaseSpec};
use crate::model;
use crate::profile::Profile;
use crate::rule::RuleId;
use crate::spec::Request;
use crate::store::{Store, Tokens};
use clap::{Args, ValueEnum};
use proptest::strategy::{Strategy, ValueTree};
use std::io::Write;
use std::path::PathBuf;

fn output(path: Option<&PathBuf>) -> Result<Box<dyn Write>, CliError> {
    Ok(match path {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p)
                .map_err(|e| CliError(format!("cannot create {}: {e}", p.display())))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    })
}

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
            .map_err(|e| CliError(format!("cannot read standard input: {e}")))?
    } else {
        std::fs::read_to_string(&a.request)
            .map_err(|e| CliError(format!("cannot read {}: {e}", a.request)))?
    };
    let req: Request = serde_json::from_str(&text).map_err(|e| {
        CliError(format!(
            "{} is not a request (method, path, headers, body): {e}",
            a.request
        ))
    })?;
    let fixture = load_fixture(
        a.fixtures.as_deref(),
        a.seed,
        &profile,
        crate::fixture::DEFAULT_WORKFLOWS,
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

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Kind {
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
    /// Workflows in the generated fixture (as `fixtures --workflows`).
    #[arg(long, default_value_t = crate::fixture::DEFAULT_WORKFLOWS)]
    workflows: usize,
    /// Output file (default: standard output).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// The specs a `cases` or `corpus` run produces: `--kind any` gives exactly the random cases
/// `check` sends with the same seed (case i of the random phase), through the one seed-to-RNG
/// function [`generate::rng`].
fn specs(kind: Kind, count: usize, seed: u64, profile: &Profile) -> Vec<CaseSpec> {
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
        (Some("random"), Some(i)) => vec![generate::random_case(a.seed, i, &profile)],
        (Some("sequence"), Some(i)) => generate::sequence_case(a.seed, i, &profile, 8),
        (Some("boundary"), Some(i)) => generate::boundary_cases(&profile)
            .into_iter()
            .nth(i)
            .into_iter()
            .collect(),
        (Some(p), _) => {
            return Err(CliError(format!(
                "--phase {p}: the phases with cases are random, boundary and sequence"
            )));
        }
        _ => specs(a.kind, a.count, a.seed, &profile),
    };
    // a case of a phase is built against the unit (workflow) that ran it, as `check` does
    let units = crate::run::lanes::units(&store);
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

/// Write a fixture file (F1) generated from a seed.
#[derive(Debug, Args)]
pub struct FixturesArgs {
    /// Seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Workflows (each with 2 tasks, 2 runs, 2 users: 8 results); `check --jobs` runs one lane
    /// per workflow at most.
    #[arg(long, default_value_t = crate::fixture::DEFAULT_WORKFLOWS)]
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
    let f = crate::fixture::Fixture::generate_with(a.seed, &profile, a.workflows);
    let mut out = output(a.out.as_ref())?;
    writeln!(out, "{}", f.to_json_string())?;
    out.flush()?;
    Ok(Status::Clean)
}

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

/// Explain a rule of the contract: its title, source and the knobs that change it.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule id such as B6 (or `all`).
    rule: String,
}

pub fn explain(a: ExplainArgs) -> Result<Status, CliError> {
    let rules: Vec<RuleId> = if a.rule.eq_ignore_ascii_case("all") {
        RuleId::ALL.to_vec()
    } else {
        vec![a.rule.parse::<RuleId>()?]
    };
    for r in rules {
        println!("{r}  {}", r.title());
        println!("    source: {}", r.source());
        if !r.knobs().is_empty() {
            let values: Vec<String> = r
                .knobs()
                .iter()
                .map(|k| {
                    let v = |p: &Profile| {
                        toml::Value::try_from(p)
                            .ok()
                            .and_then(|t| t.get(*k).map(|x| x.to_string()))
                            .unwrap_or_default()
                    };
                    format!(
                        "{k} (graph {}, strict {}, graph-live {})",
                        v(&Profile::graph()),
                        v(&Profile::strict()),
                        v(&Profile::graph_live())
                    )
                })
                .collect();
            println!("    knobs: {}", values.join("; "));
        }
        println!("    full text: docs/CONTRACT.md, rule {r}");
    }
    Ok(Status::Clean)
}

/// Write a seed corpus for the fuzz targets from the generators (so fuzzing starts inside the
/// interesting space): DIR/body, DIR/path, DIR/timestamp, DIR/sequence.
#[derive(Debug, Args)]
pub struct CorpusArgs {
    /// Output directory (e.g. fuzz/corpus).
    #[arg(long)]
    out: PathBuf,
    /// Number of random cases (plus every boundary case).
    #[arg(long, default_value_t = 300)]
    count: usize,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

pub fn corpus(a: CorpusArgs) -> Result<Status, CliError> {
    let profile = Profile::graph();
    let store = Store::new(
        &crate::fixture::Fixture::generate(crate::fuzz::FIXTURE_SEED, &profile),
        Tokens::new(crate::fuzz::WRITE_TOKEN, Some(crate::fuzz::READ_TOKEN)),
    );
    for d in ["body", "path", "timestamp", "sequence"] {
        std::fs::create_dir_all(a.out.join(d))
            .map_err(|e| CliError(format!("cannot create {}: {e}", a.out.display())))?;
    }
    let mut all = specs(Kind::Boundary, 0, a.seed, &profile);
    all.extend(specs(Kind::Any, a.count, a.seed, &profile));
    let mut n = 0;
    for (i, spec) in all.iter().enumerate() {
        let case = spec.build(&store, &profile);
        if case.request.method == "PATCH" && case.request.body.len() < 8 * 1024 {
            std::fs::write(
                a.out.join("body").join(format!("case-{i:05}")),
                &case.request.body,
            )?;
        }
        std::fs::write(
            a.out.join("path").join(format!("case-{i:05}")),
            case.request.path.as_bytes(),
        )?;
        n += 1;
    }
    for (i, flaw) in crate::defect::Defect::catalogue().into_iter().enumerate() {
        if let crate::defect::Defect::Timestamp(_, f) = flaw {
            std::fs::write(
                a.out.join("timestamp").join(format!("flaw-{i:03}")),
                f.spelling(),
            )?;
        }
    }
    for (i, s) in [
        "2026-01-05T08:00:00Z",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999999+14:00",
        "2024-02-29T12:00:00.1234567-14:00",
        "2012-09-03T13:52z",
        "-10000-04-01T00:00Z",
    ]
    .iter()
    .enumerate()
    {
        std::fs::write(a.out.join("timestamp").join(format!("valid-{i:03}")), s)?;
    }
    let bytes = proptest::collection::vec(proptest::prelude::any::<u8>(), 16..512);
    for i in 0..a.count {
        if let Ok(t) = bytes.new_tree(&mut generate::rng(a.seed, "corpus", i)) {
            std::fs::write(
                a.out.join("sequence").join(format!("random-{i:05}")),
                t.current(),
            )?;
        }
    }
    eprintln!(
        "wrote {n} bodies/paths, timestamps and {} sequence inputs to {}",
        a.count,
        a.out.display()
    );
    Ok(Status::Clean)
}

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
        serde_json::to_string_pretty(&crate::openapi::document(&profile))?
    )?;
    out.flush()?;
    Ok(Status::Clean)
}
