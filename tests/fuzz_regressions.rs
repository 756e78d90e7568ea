//! Crash-to-regression: every input under `tests/fuzz_crashes/<target>/` (minimised crashes
//! the nightly fuzz script copied there) and every committed seed under `fuzz/seeds/<target>/`
//! is replayed through the same library function the fuzz target calls. A crash found once is
//! replayed by plain `cargo test` forever.

use std::path::Path;

/// Replays every file of `dir` through `target`: the number replayed, or the first that fails.
fn replay(dir: &str, target: fn(&[u8])) -> Result<usize, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(0);
    };
    let mut files: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && !p.ends_with(".gitkeep"))
        .collect();
    files.sort();
    for f in &files {
        let data = std::fs::read(f).unwrap();
        if std::panic::catch_unwind(|| target(&data)).is_err() {
            return Err(format!("fuzz input {} fails again", f.display()));
        }
    }
    Ok(files.len())
}

/// A fuzz target: its name and the library function its body calls.
type Target = (&'static str, fn(&[u8]));

fn targets() -> [Target; 5] {
    use tpr_harness::fuzz;
    [
        ("timestamp", fuzz::timestamp),
        ("path", fuzz::path),
        ("body", fuzz::body),
        ("sequence", |data| {
            fuzz::sequence(data);
        }),
        ("differential", fuzz::differential_model),
    ]
}

#[test]
fn fuzz_crash_inputs_are_replayed() {
    let mut n = 0;
    for (name, f) in targets() {
        n += replay(&format!("tests/fuzz_crashes/{name}"), f).unwrap();
    }
    // tests/fuzz_crashes/timestamp holds the year-carry crash found by the nightly run
    assert!(n >= 1, "no crash input was replayed");
}

#[test]
fn fuzz_replay_fails_on_an_input_its_target_still_crashes_on() {
    // the replay loop itself must be able to fail: a target that still has the bug
    fn still_broken(data: &[u8]) {
        assert!(
            !data.starts_with(b"999999999999999"),
            "the old year-carry bug"
        );
    }
    let r = replay("tests/fuzz_crashes/timestamp", still_broken);
    assert!(r.is_err(), "{r:?}");
}

#[test]
fn fuzz_differential_catches_a_broken_implementation() {
    // the differential body judges with the runner's judge: fed the committed sequence seeds,
    // the model with an open enum fails it, the model does not
    use tpr_harness::mutant::{Mutant, Mutated};
    use tpr_harness::profile::Profile;
    let profile = Profile::graph();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/sequence");
    let mut caught = 0;
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let data = std::fs::read(e.path()).unwrap();
        let broken = Mutated::new(
            tpr_harness::fuzz::store(&profile),
            profile.clone(),
            &[Mutant::NoPreferenceApplied],
        );
        if std::panic::catch_unwind(|| tpr_harness::fuzz::differential(&broken, &profile, &data))
            .is_err()
        {
            caught += 1;
        }
        tpr_harness::fuzz::differential_model(&data);
    }
    assert!(
        caught > 0,
        "the differential target never caught the mutant"
    );
}

#[test]
fn fuzz_sequence_runs_and_judges_every_step_its_input_decodes_to() {
    // replaying an input that runs nothing passes whatever the model does: the committed seeds
    // must decode to steps (some to several), and `sequence` must run each of them
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/sequence");
    let (mut inputs, mut steps, mut longest) = (0, 0, 0);
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let data = std::fs::read(e.path()).unwrap();
        let decoded = tpr_harness::fuzz::sequence_input(&data).map_or(0, |(_, c)| c.len());
        assert_eq!(
            tpr_harness::fuzz::sequence(&data),
            decoded,
            "{}",
            e.path().display()
        );
        inputs += 1;
        steps += decoded;
        longest = longest.max(decoded);
    }
    assert!(
        inputs > 0 && steps > inputs && longest > 1,
        "{inputs} seeds decode to {steps} steps (at most {longest} in one)"
    );
}

#[test]
fn fuzz_committed_seeds_are_replayed() {
    let mut n = 0;
    for (name, f) in targets() {
        let dir = if name == "differential" {
            "sequence"
        } else {
            name
        };
        n += replay(&format!("fuzz/seeds/{dir}"), f).unwrap();
    }
    assert!(
        n > 100,
        "only {n} seeds replayed: regenerate them with `tpr-harness corpus --out fuzz/seeds`"
    );
}

#[test]
fn fuzz_bodies_of_every_kind_keep_the_invariants() {
    // a few hand-picked inputs of each shape, named by what they probe
    for body in [
        &b""[..],
        b"{}",
        b"{\"createdDateTime\":null}",
        b"{\"a\":1,\"a\":2}",
        br#"{"failureReason":"\ud800"}"#,
        b"[[[[[[[[",
        b"\xff",
    ] {
        tpr_harness::fuzz::body(body);
    }
    for ts in [
        &b"2024-02-29T23:59:60Z"[..],
        b"-0000-01-01T00:00Z",
        b"999999999999999-12-31T23:59:59.999999999999-23:59",
    ] {
        tpr_harness::fuzz::timestamp(ts);
    }
}

#[cfg(feature = "endpoint")]
#[test]
fn e3_fuzz_endpoint_bytes_seeds_are_answered_as_http_without_a_5xx() {
    let n = replay(
        "fuzz/seeds/endpoint_bytes",
        tpr_harness::fuzz::endpoint_bytes,
    )
    .unwrap();
    assert!(n >= 5, "{n}");
    // and the check itself can fail: a responder that answers 500 is caught
    use std::sync::Arc;
    use tpr_harness::endpoint::ModelResponder;
    use tpr_harness::target::{Response, implementation::InProcess};
    let broken = Arc::new(ModelResponder::serving(
        Arc::new(InProcess::new("500", |_: &tpr_harness::spec::Request| {
            Response::new(500, vec![], vec![])
        })),
        tpr_harness::profile::Profile::graph(),
    ));
    let seed = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/endpoint_bytes/patch"),
    )
    .unwrap();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        tpr_harness::fuzz::endpoint_bytes_with(&broken, &seed)
    }));
    assert!(r.is_err(), "a 5xx must fail the target");
}
