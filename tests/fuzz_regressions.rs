//! Crash-to-regression: every input under `tests/fuzz_crashes/<target>/` (minimised crashes
//! the nightly fuzz script copied there) and every committed seed under `fuzz/seeds/<target>/`
//! is replayed through the same library function the fuzz target calls. A crash found once is
//! replayed by plain `cargo test` forever.

use std::path::Path;

fn replay(dir: &str, target: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return 0;
    };
    let mut files: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    for f in &files {
        let data = std::fs::read(f).unwrap();
        if std::panic::catch_unwind(|| target(&data)).is_err() {
            panic!("fuzz input {} fails again", f.display());
        }
    }
    files.len()
}

/// A fuzz target: its name and the library function its body calls.
type Target = (&'static str, fn(&[u8]));

fn targets() -> [Target; 5] {
    use tpr_harness::fuzz;
    [
        ("timestamp", fuzz::timestamp),
        ("path", fuzz::path),
        ("body", fuzz::body),
        ("sequence", fuzz::sequence),
        ("differential", fuzz::differential_model),
    ]
}

#[test]
fn fuzz_crash_inputs_are_replayed() {
    for (name, f) in targets() {
        replay(&format!("tests/fuzz_crashes/{name}"), f);
    }
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
        n += replay(&format!("fuzz/seeds/{dir}"), f);
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
