//! `tpr-harness corpus`: seed inputs for the fuzz targets, from the generators.

use super::cases::{Kind, specs};
use super::{CliError, Status};
use crate::generate;
use crate::profile::Profile;
use crate::store::{Store, Tokens};
use clap::Args;
use proptest::strategy::{Strategy, ValueTree};
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
