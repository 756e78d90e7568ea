//! Crash-to-regression: every input under `tests/fuzz_crashes/<target>/` (minimised crashes
//! the nightly fuzz script copied there) and every committed seed under `fuzz/seeds/<target>/`
//! is replayed through the same library function the fuzz target calls. A crash found once is
//! replayed by plain `cargo test` forever.

use std::path::Path;

/// Replays every file of `dir` through `target`: the number replayed, or the first that fails.
/// A missing or empty folder fails too (a replay of nothing passes whatever the code does).
fn replay(dir: &str, name: &str, target: fn(&[u8])) -> Result<usize, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let entries =
        std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut files: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && !p.ends_with(".gitkeep"))
        .collect();
    if files.is_empty() {
        return Err(format!("{} holds no input", dir.display()));
    }
    files.sort();
    for f in &files {
        let data = std::fs::read(f).unwrap();
        let passes = std::panic::catch_unwind(|| target(&data)).is_ok();
        let known = KNOWN_FAILING
            .iter()
            .any(|(t, p)| name == *t && f.ends_with(p));
        match (passes, known) {
            (false, false) => return Err(format!("fuzz input {} fails again", f.display())),
            (true, true) => {
                return Err(format!(
                    "fuzz input {} passes now: take it out of KNOWN_FAILING and un-ignore its test",
                    f.display()
                ));
            }
            _ => {}
        }
    }
    Ok(files.len())
}

/// Committed inputs that fail today on a bug not fixed yet, each with its own ignored test: the
/// replays check that they still fail (so an entry goes as soon as its bug is fixed).
const KNOWN_FAILING: [(&str, &str); 0] = [];

/// The sequence target's body.
fn sequence_target(data: &[u8]) {
    tpr_harness::fuzz::sequence(data);
}

/// A fuzz target: its name and the library function its body calls.
type Target = (&'static str, fn(&[u8]));

fn targets() -> Vec<Target> {
    use tpr_harness::fuzz;
    vec![
        ("timestamp", fuzz::timestamp),
        ("path", fuzz::path),
        ("body", fuzz::body),
        ("sequence", sequence_target),
        ("differential", fuzz::differential_model),
        #[cfg(feature = "endpoint")]
        ("endpoint_bytes", fuzz::endpoint_bytes),
    ]
}

/// The library function of the target `name`.
fn target(name: &str) -> fn(&[u8]) {
    targets()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| f)
        .unwrap_or_else(|| panic!("no fuzz target {name}"))
}

/// The folders of `tests/fuzz_crashes/` and how many inputs each holds: every one also has its
/// own named test below.
const CRASH_INPUTS: [(&str, usize); 3] = [("endpoint_bytes", 1), ("sequence", 2), ("timestamp", 1)];

#[test]
fn fuzz_crash_inputs_are_replayed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_crashes");
    let mut folders: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let expected: Vec<&str> = CRASH_INPUTS.iter().map(|(name, _)| *name).collect();
    assert_eq!(folders, expected, "the crash folders of {}", root.display());
    for (name, n) in CRASH_INPUTS {
        if name == "endpoint_bytes" && !cfg!(feature = "endpoint") {
            continue; // the target needs the endpoint
        }
        let replayed = replay(&format!("tests/fuzz_crashes/{name}"), name, target(name));
        assert_eq!(replayed, Ok(n), "tests/fuzz_crashes/{name}");
    }
}

#[test]
fn fuzz_replay_fails_on_a_missing_or_empty_folder() {
    let empty = std::env::temp_dir().join(format!("tpr-empty-crashes-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::write(empty.join(".gitkeep"), b"").unwrap();
    let r = replay(
        empty.to_str().unwrap(),
        "timestamp",
        tpr_harness::fuzz::timestamp,
    );
    assert!(r.is_err(), "{r:?}");
    let r = replay(
        "tests/fuzz_crashes/no-such-target",
        "timestamp",
        tpr_harness::fuzz::timestamp,
    );
    assert!(r.is_err(), "{r:?}");
    std::fs::remove_dir_all(&empty).unwrap();
}

/// The cases a sequence crash input decodes to (profile name, cases): a crash input that
/// decodes to something else no longer shows its bug (the case space's layout changed).
fn decoded(data: &[u8]) -> (String, Vec<tpr_harness::generate::CaseSpec>) {
    let (p, specs) = tpr_harness::fuzz::sequence_input(data).expect("a sequence");
    (p.name, specs)
}

/// A PATCH of `createdDateTime` at `ts`, then a GET of the same entity (the crash inputs of
/// T1.h, written with `fuzz::sequence_seed`; `TPR_WRITE_SEEDS=1` rewrites them).
fn created_then_read(ts: tpr_harness::generate::TsSpec) -> Vec<tpr_harness::generate::CaseSpec> {
    use tpr_harness::generate::{CaseSpec, MemberSpec};
    vec![
        CaseSpec {
            target: 3,
            members: vec![MemberSpec::Created(ts)],
            ..CaseSpec::default()
        },
        CaseSpec {
            get: true,
            target: 3,
            ..CaseSpec::default()
        },
    ]
}

/// Checks that the crash input `file` decodes to `specs` under graph and replays clean
/// through the sequence target (which panics when the generator demands what the model refuses).
fn replay_sequence_crash(file: &str, data: &[u8], specs: Vec<tpr_harness::generate::CaseSpec>) {
    if std::env::var_os("TPR_WRITE_SEEDS").is_some() {
        let seed = tpr_harness::fuzz::sequence_seed(0, &specs).unwrap();
        std::fs::write(Path::new(env!("CARGO_MANIFEST_DIR")).join(file), seed).unwrap();
    }
    assert_eq!(
        decoded(data),
        ("graph".to_string(), specs),
        "{file} no longer decodes to its case"
    );
    assert_eq!(tpr_harness::fuzz::sequence(data), 2);
}

#[test]
fn t1_h_fuzz_crash_the_first_day_with_a_positive_offset_is_generated_in_range() {
    // Found by the sequence target: `0001-01-01T00:00:00+00:40` was generated as valid, but
    // its instant in UTC is before 0001-01-01Z, and the model answers 400 (T1.h)
    use tpr_harness::generate::TsSpec;
    replay_sequence_crash(
        "tests/fuzz_crashes/sequence/t1_h-first-day-positive-offset",
        include_bytes!("fuzz_crashes/sequence/t1_h-first-day-positive-offset"),
        created_then_read(TsSpec {
            month: 0,
            day: 0,
            offset: Some(40),
            ..TsSpec::new_year(0)
        }),
    );
}

#[test]
fn t1_h_fuzz_crash_the_last_day_with_a_negative_offset_is_generated_in_range() {
    // Found by the sequence target: `9999-12-31T23:59:59-00:01` is after 9999-12-31T23:59:59Z
    use tpr_harness::generate::TsSpec;
    replay_sequence_crash(
        "tests/fuzz_crashes/sequence/t1_h-last-day-negative-offset",
        include_bytes!("fuzz_crashes/sequence/t1_h-last-day-negative-offset"),
        created_then_read(TsSpec {
            month: 11,
            day: 255,
            hour: 23,
            minute: 59,
            second: 59,
            offset: Some(-1),
            ..TsSpec::new_year(9998)
        }),
    );
}

#[cfg(feature = "endpoint")]
#[test]
fn e3_fuzz_crash_an_http_1_0_request_is_answered_in_http_1_0_without_a_5xx() {
    // Found by the CI fuzz smoke's first run of endpoint_bytes: an HTTP/1.0 request line is
    // answered `HTTP/1.0 400` (a bad segment name), which the target's check, expecting
    // `HTTP/1.1` only, took for not HTTP. The answer is right: HTTP/1.x, no 5xx
    let data =
        include_bytes!("fuzz_crashes/endpoint_bytes/e3-an-http-1.0-request-answered-in-http-1.0");
    assert!(data.windows(9).any(|w| w == b"HTTP/1.0\r"));
    tpr_harness::fuzz::endpoint_bytes(data);
    let responder = std::sync::Arc::new(tpr_harness::endpoint::Responder::new(
        tpr_harness::fuzz::store(&tpr_harness::contract::profile::Profile::graph()),
        tpr_harness::contract::profile::Profile::graph(),
    ));
    let out = tpr_harness::endpoint::serve_bytes(&responder, data);
    assert!(
        out.starts_with(b"HTTP/1.0 400 "),
        "{}",
        String::from_utf8_lossy(&out)
    );
}

#[test]
fn t1_fuzz_crash_a_year_carried_past_the_representable_range_is_rejected() {
    // Found by the timestamp target's replay: the offset carried a 15-digit year into a 16th
    // digit; it parsed, and its rendering did not parse back
    use tpr_harness::contract::timestamp::{Grammar, Timestamp};
    let data = include_bytes!("fuzz_crashes/timestamp/year-carried-past-the-representable-range");
    assert_eq!(
        &data[..],
        b"999999999999999-12-31T23:59:59.999999999999-23:59"
    );
    tpr_harness::fuzz::timestamp(data);
    assert!(Timestamp::parse_bytes(data, Grammar::OdataAbnf).is_err());
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
    let r = replay("tests/fuzz_crashes/timestamp", "still-broken", still_broken);
    assert!(r.is_err(), "{r:?}");
}

/// What `fuzz::differential` says of `data` against `target`: `Ok` when it passes, the panic
/// message when it fails.
fn differential_verdict(
    target: &dyn tpr_harness::sut::Target,
    profile: &tpr_harness::contract::profile::Profile,
    data: &[u8],
) -> Result<(), String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        tpr_harness::fuzz::differential(target, profile, data)
    }))
    .map_err(|e| {
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })
}

#[test]
fn b6_fuzz_differential_catches_an_open_enum_and_blames_b6() {
    // the differential body judges with the runner's judge: a PATCH with an unknown
    // `processingStatus` is 400 (B6.b); the model with an open enum accepts it, and the
    // differential target fails citing B6.b. The same sequence without the unknown member passes.
    use tpr_harness::contract::spec::ProcessingStatus;
    use tpr_harness::generate::defect::Defect;
    use tpr_harness::generate::{CaseSpec, MemberSpec};
    use tpr_harness::sut::mutant::{Mutant, Mutated};
    let profile = tpr_harness::fuzz::fuzz_profile(0);
    let sequence = |defects: Vec<Defect>| {
        let patch = CaseSpec {
            target: 2,
            members: vec![MemberSpec::Status(ProcessingStatus::Failed)],
            defects,
            ..CaseSpec::default()
        };
        let read = CaseSpec {
            get: true,
            target: 2,
            ..CaseSpec::default()
        };
        // a differential input is a sequence input without its first (profile) byte
        let seed = tpr_harness::fuzz::sequence_seed(0, &[patch, read]).unwrap();
        seed[1..].to_vec()
    };
    let open_enum = || {
        Mutated::new(
            tpr_harness::fuzz::store(&profile),
            profile.clone(),
            &[Mutant::OpenEnum],
        )
    };
    let unknown = sequence(vec![Defect::EnumUnknown]);
    assert_eq!(
        tpr_harness::fuzz::differential_input(&unknown).map(|c| c[0].defects.clone()),
        Some(vec![Defect::EnumUnknown])
    );
    let verdict = differential_verdict(&open_enum(), &profile, &unknown);
    assert!(
        verdict.as_ref().is_err_and(|m| m.starts_with("B6.b: ")),
        "{verdict:?}"
    );
    tpr_harness::fuzz::differential_model(&unknown);
    let valid = sequence(vec![]);
    assert_eq!(differential_verdict(&open_enum(), &profile, &valid), Ok(()));
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
        if KNOWN_FAILING.iter().any(|(_, p)| e.path().ends_with(p)) {
            continue; // replayed (as still failing) by fuzz_committed_seeds_are_replayed
        }
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
fn b1_d_fuzz_a_bom_beside_a_404_defect_is_demanded_as_the_model_answers() {
    use tpr_harness::generate::CaseSpec;
    use tpr_harness::generate::defect::{Defect, Level};
    for which in [0, 1] {
        for defect in [
            Defect::UnknownId(Level::Result),
            Defect::WrongParentChain,
            Defect::IdCase,
        ] {
            let bom_and_404 = CaseSpec {
                target: 3,
                bom: true,
                defects: vec![defect],
                ..CaseSpec::default()
            };
            let read = CaseSpec {
                get: true,
                target: 3,
                ..CaseSpec::default()
            };
            let seed = tpr_harness::fuzz::sequence_seed(which, &[bom_and_404, read]).unwrap();
            assert_eq!(tpr_harness::fuzz::sequence(&seed), 2);
        }
    }
}

#[test]
fn fuzz_committed_seeds_are_replayed() {
    // (target, its seed folder, how many seeds it holds); `tpr-harness corpus --out DIR`
    // writes body, path and timestamp seeds, the sequence ones are written (see below)
    for (name, dir, n) in [
        ("timestamp", "timestamp", 60),
        ("path", "path", 225),
        ("body", "body", 208),
        ("sequence", "sequence", 40),
        ("differential", "sequence", 40),
    ] {
        let replayed = replay(&format!("fuzz/seeds/{dir}"), name, target(name));
        assert_eq!(replayed, Ok(n), "{name} on fuzz/seeds/{dir}");
    }
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
        "endpoint_bytes",
        tpr_harness::fuzz::endpoint_bytes,
    )
    .unwrap();
    assert_eq!(n, 5);
    // and the check itself can fail: a responder that answers 500 is caught
    use std::sync::Arc;
    use tpr_harness::endpoint::Responder;
    use tpr_harness::sut::{Response, implementation::InProcess};
    let broken = Arc::new(Responder::serving(
        Arc::new(InProcess::new(
            "500",
            |_: &tpr_harness::contract::spec::Request| Response::new(500, vec![], vec![]),
        )),
        tpr_harness::contract::profile::Profile::graph(),
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

/// The sequences the written seeds of `fuzz/seeds/sequence/` decode to: each a chosen run of
/// two or more steps (a write then its read, a rejection then a read, a write to each of two
/// entities, one PATCH twice, …) under the profile [`tpr_harness::fuzz::fuzz_profile`] picks
/// from its first number. `TPR_WRITE_SEEDS=1 cargo test --test integration fuzz_written`
/// (re)writes the files.
fn written_sequences() -> Vec<(&'static str, u8, Vec<tpr_harness::generate::CaseSpec>)> {
    use tpr_harness::contract::path::{NameCase, PathStyle};
    use tpr_harness::contract::spec::ProcessingStatus as St;
    use tpr_harness::contract::spec::Property;
    use tpr_harness::generate::defect::{
        Defect::*, Level, MediaTypeFlaw, NotObject, OtherMethod, Required, TimestampFlaw,
        TimestampProperty, WrongKind,
    };
    use tpr_harness::generate::{CaseSpec, MemberSpec as M, TextSpec, TsSpec};
    let patch = |target: u8, members: Vec<M>| CaseSpec {
        target,
        members,
        ..CaseSpec::default()
    };
    let get = |target: u8| CaseSpec {
        get: true,
        target,
        ..CaseSpec::default()
    };
    let with = |mut c: CaseSpec, defects: &[tpr_harness::generate::defect::Defect]| {
        c.defects = defects.to_vec();
        c
    };
    let text = |t: &str, escape_all: bool, repeat: u8| {
        M::FailureReason(Some(TextSpec {
            text: t.into(),
            escape_all,
            repeat,
        }))
    };
    let ts = |year: u16, digits: u8, offset: Option<i16>| TsSpec {
        year,
        month: 2,
        day: 255,
        hour: 23,
        minute: 59,
        second: 59,
        digits,
        fraction: 123_456_789_012,
        offset,
        abnf: 0,
    };
    let failed = vec![M::Status(St::Failed), text("timeout", false, 1)];
    let (graph, strict, live) = (0, 1, 2);
    vec![
        (
            "write-then-read",
            graph,
            vec![patch(0, failed.clone()), get(0)],
        ),
        (
            "same-patch-twice",
            graph,
            vec![patch(1, failed.clone()), patch(1, failed.clone()), get(1)],
        ),
        (
            "rejected-then-read",
            graph,
            vec![
                with(
                    patch(2, failed.clone()),
                    &[NullRequired(Required::CreatedDateTime)],
                ),
                get(2),
            ],
        ),
        (
            "two-entities-isolated",
            graph,
            vec![
                patch(3, vec![text("a", false, 1)]),
                patch(4, vec![text("b", false, 1)]),
                get(3),
                get(4),
            ],
        ),
        (
            "via-task-write-direct-read",
            graph,
            vec![
                CaseSpec {
                    alias: Some(0),
                    ..patch(5, vec![M::Status(St::Completed)])
                },
                get(5),
                CaseSpec {
                    alias: Some(1),
                    ..get(5)
                },
            ],
        ),
        (
            "gzip-write-then-read",
            graph,
            vec![
                CaseSpec {
                    gzip: true,
                    ..patch(
                        6,
                        vec![
                            M::Status(St::InProgress),
                            M::Started(Some(ts(2026, 3, None))),
                        ],
                    )
                },
                get(6),
            ],
        ),
        (
            "after-sentinel-with-and-without-prefer",
            graph,
            vec![
                CaseSpec {
                    prefer: true,
                    ..patch(7, vec![M::Status(St::Canceling)])
                },
                get(7),
                CaseSpec {
                    prefer: true,
                    prefer_style: 2,
                    ..get(7)
                },
            ],
        ),
        (
            "bad-timestamp-then-good",
            graph,
            vec![
                with(
                    patch(8, vec![M::Started(Some(ts(2024, 7, Some(-840))))]),
                    &[Timestamp(
                        TimestampProperty::StartedDateTime,
                        TimestampFlaw::NotCalendarDate,
                    )],
                ),
                patch(8, vec![M::Started(Some(ts(2024, 7, Some(-840))))]),
                get(8),
            ],
        ),
        (
            "tokens",
            graph,
            vec![
                CaseSpec {
                    auth_variant: 2,
                    ..get(9)
                },
                with(patch(9, failed.clone()), &[UnknownToken]),
                with(patch(9, failed.clone()), &[ReadOnlyToken]),
                CaseSpec {
                    auth_variant: 1,
                    ..patch(9, failed.clone())
                },
                get(9),
            ],
        ),
        (
            "longest-failure-reason-then-read",
            graph,
            vec![
                patch(10, vec![text("0123456789abcdef", false, 255)]),
                get(10),
            ],
        ),
        (
            "unknown-id-then-write",
            graph,
            vec![
                with(patch(11, failed.clone()), &[UnknownId(Level::Result)]),
                with(get(11), &[UnknownId(Level::Run)]),
                patch(11, failed.clone()),
                get(11),
            ],
        ),
        (
            "other-methods-around-a-write",
            graph,
            vec![
                with(patch(12, failed.clone()), &[Method(OtherMethod::Put)]),
                patch(12, failed.clone()),
                with(patch(12, failed.clone()), &[Method(OtherMethod::Delete)]),
                get(12),
            ],
        ),
        (
            "path-spellings",
            graph,
            vec![
                CaseSpec {
                    style: PathStyle {
                        paren: 0b1010,
                        case: NameCase::Lower,
                        trailing_slash: true,
                        encode: true,
                        encode_names: false,
                    },
                    ..patch(13, vec![M::Status(St::Queued)])
                },
                CaseSpec {
                    style: PathStyle {
                        paren: 0b0101,
                        case: NameCase::Upper,
                        trailing_slash: false,
                        encode: false,
                        encode_names: false,
                    },
                    ..get(13)
                },
            ],
        ),
        (
            "escaped-text-then-read",
            graph,
            vec![patch(14, vec![text("é\u{1F600}\"\\\n", true, 1)]), get(14)],
        ),
        (
            "oversize-bomb-then-write",
            graph,
            vec![
                with(patch(15, failed.clone()), &[Oversize]),
                with(patch(15, failed.clone()), &[GzipBomb]),
                patch(15, failed.clone()),
                get(15),
            ],
        ),
        (
            "body-defects-then-annotated-write",
            graph,
            vec![
                with(patch(16, failed.clone()), &[DuplicateMember]),
                with(patch(16, failed.clone()), &[UnknownProperty]),
                with(patch(16, failed.clone()), &[OdataTypeWrong]),
                patch(
                    16,
                    vec![
                        M::OdataType(true),
                        M::Annotation(1),
                        M::IdEqual,
                        M::Status(St::Failed),
                    ],
                ),
                get(16),
            ],
        ),
        (
            "media-types-and-bom",
            graph,
            vec![
                CaseSpec {
                    content_type: 1,
                    bom: true,
                    ..patch(17, vec![M::Completed(None)])
                },
                CaseSpec {
                    content_type: 2,
                    ..patch(17, vec![M::Completed(Some(ts(2027, 12, Some(60))))])
                },
                get(17),
            ],
        ),
        (
            "strict-id-and-sentinel",
            strict,
            vec![
                patch(18, vec![M::IdEqual, M::Status(St::Canceling)]),
                with(patch(18, failed.clone()), &[SentinelRejected]),
                get(18),
            ],
        ),
        (
            "strict-required-members",
            strict,
            vec![
                with(
                    patch(19, failed.clone()),
                    &[MissingRequired(Required::ProcessingStatus)],
                ),
                with(patch(19, failed.clone()), &[EnumCase]),
                patch(
                    19,
                    vec![
                        M::Created(ts(2025, 0, Some(0))),
                        M::Status(St::CompletedWithErrors),
                    ],
                ),
                get(19),
            ],
        ),
        (
            "unknown-future-value-then-reads",
            graph,
            vec![
                CaseSpec {
                    prefer: true,
                    prefer_style: 1,
                    ..patch(21, vec![M::Status(St::UnknownFutureValue)])
                },
                get(21),
                CaseSpec {
                    prefer: true,
                    ..get(21)
                },
            ],
        ),
        (
            "not-updatable-and-id-mismatch-then-read",
            graph,
            vec![
                with(
                    patch(22, failed.clone()),
                    &[NotUpdatable(
                        tpr_harness::generate::defect::NotUpdatable::ProcessingInfo,
                    )],
                ),
                with(patch(22, failed.clone()), &[IdMismatch]),
                get(22),
            ],
        ),
        (
            "broken-texts-then-write",
            graph,
            vec![
                with(patch(23, failed.clone()), &[EmptyBody]),
                with(patch(23, failed.clone()), &[Truncated]),
                with(patch(23, failed.clone()), &[InvalidUtf8]),
                with(patch(23, failed.clone()), &[LoneSurrogate]),
                patch(23, failed.clone()),
                get(23),
            ],
        ),
        (
            "headers-missing-then-write",
            graph,
            vec![
                with(patch(24, failed.clone()), &[NoContentType]),
                with(
                    patch(24, failed.clone()),
                    &[MediaType(MediaTypeFlaw::TextPlain)],
                ),
                with(get(24), &[NoAuthorization]),
                patch(24, failed.clone()),
            ],
        ),
        (
            "codings-then-gzip-write",
            graph,
            vec![
                with(patch(25, failed.clone()), &[CorruptGzip]),
                with(patch(25, failed.clone()), &[GzipTrailingBytes]),
                with(patch(25, failed.clone()), &[UnsupportedEncoding]),
                CaseSpec {
                    gzip: true,
                    ..patch(25, failed.clone())
                },
                get(25),
            ],
        ),
        (
            "shapes-then-deep-annotation",
            graph,
            vec![
                with(patch(26, failed.clone()), &[DeepNesting]),
                with(patch(26, failed.clone()), &[NotObject(NotObject::Array)]),
                with(
                    patch(26, failed.clone()),
                    &[WrongType(Property::FailureReason, WrongKind::Number)],
                ),
                patch(26, vec![M::Annotation(2), M::Status(St::Failed)]),
                get(26),
            ],
        ),
        (
            "strict-path-spellings",
            strict,
            vec![
                with(patch(27, failed.clone()), &[SegmentCaseRejected]),
                with(patch(27, failed.clone()), &[EnumWhitespace]),
                patch(
                    27,
                    vec![M::Status(St::Queued), M::Created(ts(2025, 12, None))],
                ),
                get(27),
            ],
        ),
        (
            "wrong-routes-then-alias-write",
            graph,
            vec![
                with(patch(28, failed.clone()), &[ViaTaskOtherTask]),
                with(patch(28, failed.clone()), &[WrongParentChain]),
                with(get(28), &[IdCase]),
                CaseSpec {
                    alias: Some(3),
                    ..patch(28, failed.clone())
                },
                get(28),
            ],
        ),
        // the inputs real servers got wrong (issue 27, stop 35), each between writes and reads
        // (they replace random-00023 and random-00032, which decode to one step since the
        // catalogue grew)
        (
            "real-server-paths-then-write",
            graph,
            vec![
                with(patch(33, failed.clone()), &[TwoTrailingSlashes]),
                with(get(33), &[EncodedSlashInId]),
                patch(33, vec![text("after the paths", false, 1)]),
                get(33),
            ],
        ),
        (
            "real-server-bodies-then-read",
            graph,
            vec![
                with(patch(34, failed.clone()), &[GzipTrailingZeros]),
                with(
                    patch(34, vec![M::Status(St::Queued)]),
                    &[OversizeAfterValue],
                ),
                get(34),
            ],
        ),
        (
            "longest-run-over-four-entities",
            graph,
            (0..16u8)
                .map(|i| match i % 4 {
                    0 => patch(29 + i / 4, vec![text(&format!("step {i}"), false, 1)]),
                    1 => get(29 + i / 4),
                    2 => patch(
                        29 + i / 4,
                        vec![M::Status(St::ALL[usize::from(i) % St::ALL.len()])],
                    ),
                    _ => get(29 + (i + 1) % 4),
                })
                .collect(),
        ),
        (
            "timestamp-edges-then-read",
            graph,
            vec![
                with(
                    patch(33, vec![M::Created(ts(9999, 12, Some(-840)))]),
                    &[Timestamp(
                        TimestampProperty::CreatedDateTime,
                        TimestampFlaw::LeapSecond,
                    )],
                ),
                with(
                    patch(33, vec![M::Completed(Some(ts(1, 0, Some(60))))]),
                    &[Timestamp(
                        TimestampProperty::CompletedDateTime,
                        TimestampFlaw::UtcAfterYear9999,
                    )],
                ),
                patch(33, vec![M::Completed(Some(ts(9999, 12, Some(840))))]),
                get(33),
            ],
        ),
        (
            "graph-live-refuses-every-patch",
            live,
            vec![
                patch(20, failed.clone()),
                get(20),
                patch(20, vec![M::Status(St::Queued)]),
            ],
        ),
    ]
}

#[test]
fn fuzz_written_sequence_seeds_decode_to_their_chosen_sequences() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/sequence");
    let write = std::env::var_os("TPR_WRITE_SEEDS").is_some();
    for (name, which, specs) in written_sequences() {
        let seed = tpr_harness::fuzz::sequence_seed(which, &specs).unwrap();
        let file = dir.join(format!("written-{name}"));
        if write {
            std::fs::write(&file, &seed).unwrap();
        }
        let committed = std::fs::read(&file)
            .unwrap_or_else(|e| panic!("{}: {e} (TPR_WRITE_SEEDS=1 writes it)", file.display()));
        assert_eq!(
            committed,
            seed,
            "{} is not the seed of its sequence",
            file.display()
        );
        let (profile, decoded) = tpr_harness::fuzz::sequence_input(&committed).unwrap();
        assert_eq!(profile, tpr_harness::fuzz::fuzz_profile(which), "{name}");
        assert_eq!(decoded, specs, "{name}");
        assert_eq!(
            tpr_harness::fuzz::sequence(&committed),
            specs.len(),
            "{name}"
        );
    }
}

#[test]
fn fuzz_every_committed_sequence_seed_decodes_to_two_steps_or_more() {
    // a seed that decodes to one step (or none) never puts a state across steps to the test
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/sequence");
    let mut short = Vec::new();
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let data = std::fs::read(e.path()).unwrap();
        let steps = tpr_harness::fuzz::sequence_input(&data).map_or(0, |(_, c)| c.len());
        n += 1;
        if steps < 2 {
            short.push((e.file_name(), steps));
        }
    }
    assert_eq!(n, 40, "the committed sequence seeds");
    assert!(short.is_empty(), "seeds of fewer than 2 steps: {short:?}");
}
