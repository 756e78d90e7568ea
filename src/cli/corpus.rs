//! `tpr-harness corpus`: seed inputs for the fuzz targets, from the generators.

use super::cases::{Kind, specs};
use super::{CliError, Status};
use crate::generate;
use crate::profile::Profile;
use crate::store::{Store, Tokens};
use clap::Args;
use std::path::PathBuf;

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
            .map_err(|e| CliError::Usage(format!("cannot create {}: {e}", a.out.display())))?;
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
    // sequence inputs that decode to the sequences `check` sends (`fuzz::sequence_seed`, the
    // inverse of the target's decoding), each under one of the three fuzz profiles in turn,
    // two steps at least (a lone step puts no state across steps to the test)
    let mut sequences = 0;
    for i in 0..a.count {
        let Some(seed) = sequence_input(a.seed, i) else {
            continue;
        };
        std::fs::write(
            a.out.join("sequence").join(format!("generated-{i:05}")),
            seed,
        )?;
        sequences += 1;
    }
    eprintln!(
        "wrote {n} bodies/paths, timestamps and {sequences} sequence inputs to {}",
        a.out.display()
    );
    Ok(Status::Clean)
}

/// Sequence input `i` of `seed` for the `sequence` and `differential` fuzz targets: the
/// generated sequence `i` under fuzz profile `i mod 3`, with the fields the fuzz input never
/// sets left at their defaults, and a GET of its last target after a lone step. `None` when
/// it is outside the fuzz input space all the same (`fuzz::sequence_seed` decodes it back).
pub fn sequence_input(seed: u64, i: usize) -> Option<Vec<u8>> {
    let which = (i % 3) as u8;
    let profile = crate::fuzz::fuzz_profile(which);
    let mut specs = generate::sequence_case(seed, i, &profile, 8);
    specs.truncate(crate::fuzz::MAX_STEPS);
    for s in &mut specs {
        s.pad_to_limit = false;
        s.chunked = false;
    }
    if specs.len() == 1 {
        let target = specs[0].target;
        specs.push(generate::CaseSpec {
            get: true,
            target,
            ..generate::CaseSpec::default()
        });
    }
    crate::fuzz::sequence_seed(which, &specs).ok()
}
