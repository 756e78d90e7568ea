//! The strategies that draw cases (proptest and seeded) and the deterministic case lists.

use super::defect::Defect;
use super::*;
use crate::contract::path::{NameCase, PathStyle};
use crate::contract::profile::Profile;
use crate::contract::spec::ProcessingStatus;
use crate::contract::timestamp::Grammar;
use proptest::prelude::*;

/// Specs decoded from random bytes: the one case definition, shared with cargo-fuzz.
pub fn specs() -> impl Strategy<Value = CaseSpec> {
    proptest::collection::vec(any::<u8>(), 0..384).prop_map(|b| CaseSpec::from_bytes(&b))
}

/// Valid cases (no defects) under `profile`.
pub fn valid() -> impl Strategy<Value = CaseSpec> {
    (specs(), any::<u8>()).prop_map(|(mut s, framing)| {
        s.defects.clear();
        s.chunked = chunked(framing);
        s.gzip_style = framing / 6;
        s
    })
}

/// One case in six goes chunked (H4.b), drawn after the rest of the case.
pub(super) fn chunked(draw: u8) -> bool {
    draw % 6 == 0
}

/// The catalogue entries that are defects under `profile`.
pub fn catalogue_for(profile: &Profile) -> Vec<Defect> {
    Defect::catalogue()
        .into_iter()
        .filter(|d| d.applies_under(profile))
        .collect()
}

/// Malformed cases: one to three catalogue defects (each chosen uniformly, so each is reached)
/// on a valid spec; several defects exercise E4.
pub fn malformed(profile: &Profile) -> impl Strategy<Value = CaseSpec> + use<> {
    let cat = catalogue_for(profile);
    let n = cat.len();
    // one list, so shrinking can drop any defect, down to the one that matters
    let picks = proptest::collection::vec(0..n, 1..=3);
    (specs(), picks, any::<u8>()).prop_map(move |(mut s, picks, framing)| {
        s.defects = picks.into_iter().map(|i| cat[i]).collect();
        s.chunked = chunked(framing);
        s.gzip_style = framing / 6;
        if s.defects[0].patch_only() {
            s.get = false;
        }
        s
    })
}

/// A mix: roughly one valid case in three.
pub fn any_case(profile: &Profile) -> impl Strategy<Value = CaseSpec> + use<> {
    prop_oneof![1 => valid(), 2 => malformed(profile)]
}

/// The one seed-to-RNG function: the random source of case `index` of stream `stream`
/// (`"random"`, `"sequence"`) under `seed`. The runner, `cases` and `replay` all use it, so a
/// finding's seed, phase and index regenerate its case, whatever the number of lanes.
pub fn rng(seed: u64, stream: &str, index: usize) -> proptest::test_runner::TestRunner {
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in stream.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut bytes = [0u8; 32];
    for (i, chunk) in bytes.chunks_mut(8).enumerate() {
        let word = seed
            ^ h.rotate_left(i as u32 * 16)
            ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ (i as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93);
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    )
}

/// Case `index` of the random phase under `seed` and `profile` (what `check` sends).
pub(crate) fn random_case(seed: u64, index: usize, profile: &Profile) -> CaseSpec {
    use proptest::strategy::ValueTree;
    let mut runner = rng(seed, "random", index);
    any_case(profile)
        .new_tree(&mut runner)
        .map(|t| t.current())
        .unwrap_or_default()
}

/// Sequence `index` of the sequence phase under `seed` and `profile`.
pub fn sequence_case(seed: u64, index: usize, profile: &Profile, max_len: usize) -> Vec<CaseSpec> {
    use proptest::strategy::ValueTree;
    let mut runner = rng(seed, "sequence", index);
    sequence(profile, max_len)
        .new_tree(&mut runner)
        .map(|t| t.current())
        .unwrap_or_default()
}

/// Sequences of cases (valid, malformed, GET, both routes, aliases) for stateful properties.
pub fn sequence(profile: &Profile, max_len: usize) -> impl Strategy<Value = Vec<CaseSpec>> + use<> {
    proptest::collection::vec(any_case(profile), 1..max_len)
}

/// Every deterministic case `check` sends before the random ones: the boundary cases, then
/// the pairs (the `boundary` phase; a finding's index counts in this list).
pub(crate) fn deterministic_cases(profile: &Profile) -> Vec<CaseSpec> {
    let mut v = boundary_cases(profile);
    v.extend(pair_cases(profile));
    v
}

/// The deterministic pairs phase (E3, E4): one representative of every defect kind that
/// applies under `profile`, and every pair of kinds that can meet in one request, on a minimal
/// valid PATCH body. E4 demands a status from the set; E3 no 5xx, no hang, an E1 envelope.
pub(crate) fn pair_cases(profile: &Profile) -> Vec<CaseSpec> {
    let mut kinds: Vec<Defect> = Vec::new();
    for d in catalogue_for(profile) {
        if !kinds.iter().any(|k| k.variant() == d.variant()) {
            kinds.push(d);
        }
    }
    let base = CaseSpec {
        members: vec![MemberSpec::FailureReason(Some(TextSpec {
            text: "pair".into(),
            escape_all: false,
            repeat: 0,
        }))],
        ..CaseSpec::default()
    };
    let mut out = Vec::new();
    for (i, a) in kinds.iter().enumerate() {
        for b in &kinds[i + 1..] {
            if defect::combines(&[*a], *b) {
                out.push(CaseSpec {
                    target: (out.len() % 251) as u8,
                    defects: vec![*a, *b],
                    ..base.clone()
                });
            }
        }
    }
    out
}

/// The deterministic boundary cases: every defect of the catalogue that applies under
/// `profile` on a minimal valid body, every enum member with and without Prefer, every T1 edge,
/// both routes and each path spelling.
pub fn boundary_cases(profile: &Profile) -> Vec<CaseSpec> {
    let mut out = Vec::new();
    let base = CaseSpec {
        members: vec![MemberSpec::FailureReason(Some(TextSpec {
            text: "boundary".into(),
            escape_all: false,
            repeat: 0,
        }))],
        ..CaseSpec::default()
    };
    for d in catalogue_for(profile) {
        out.push(CaseSpec {
            defects: vec![d],
            ..base.clone()
        });
    }
    for m in ProcessingStatus::ALL {
        for prefer in [false, true] {
            out.push(CaseSpec {
                members: vec![MemberSpec::Status(m)],
                prefer,
                ..CaseSpec::default()
            });
        }
    }
    let ts =
        |year: u16, month: u8, day: u8, h: u8, mi: u8, s: u8, digits: u8, offset: Option<i16>| {
            TsSpec {
                year: year - 1,
                month: month - 1,
                day: day - 1,
                hour: h,
                minute: mi,
                second: s,
                digits,
                fraction: 123_456_789_012,
                offset,
                abnf: 0,
            }
        };
    for t in [
        ts(1, 1, 1, 0, 0, 0, 0, None),
        ts(9999, 12, 31, 23, 59, 59, 12, None),
        ts(2024, 2, 29, 12, 0, 0, 7, Some(840)),
        ts(2024, 2, 29, 12, 0, 0, 1, Some(-840)),
        ts(2000, 2, 29, 0, 0, 0, 3, Some(0)),
        ts(2026, 1, 5, 8, 0, 0, 7, Some(330)),
    ] {
        for m in [
            MemberSpec::Created(t.clone()),
            MemberSpec::Started(Some(t.clone())),
            MemberSpec::Completed(Some(t)),
        ] {
            out.push(CaseSpec {
                members: vec![m],
                ..CaseSpec::default()
            });
        }
    }
    out.push(CaseSpec {
        members: vec![
            MemberSpec::Started(None),
            MemberSpec::Completed(None),
            MemberSpec::FailureReason(None),
        ],
        ..CaseSpec::default()
    });
    // T1.a: the fraction keeps its leading zeros (`.05` is 50 ms, `.0000001` is 100 ns)
    for (digits, fraction) in [(2u8, 50_000_000_000u64), (7, 1_000_000)] {
        out.push(CaseSpec {
            members: vec![MemberSpec::Completed(Some(TsSpec {
                digits,
                fraction,
                ..ts(2024, 6, 1, 12, 0, 0, 0, None)
            }))],
            ..CaseSpec::default()
        });
    }
    // T1.d: `-00:00` means UTC
    out.push(CaseSpec {
        members: vec![MemberSpec::Started(Some(TsSpec {
            abnf: 9,
            ..ts(2026, 3, 1, 9, 30, 0, 3, Some(0))
        }))],
        ..CaseSpec::default()
    });
    // T1.f: each spelling only the full ABNF admits, at the edges where it meets T1.h
    if profile.timestamp_grammar == Grammar::OdataAbnf {
        for abnf in 1..=5 {
            for t in [
                ts(1, 1, 1, 0, 0, 0, 0, Some(60)),
                ts(9999, 12, 31, 23, 59, 59, 7, None),
            ] {
                out.push(CaseSpec {
                    members: vec![MemberSpec::Created(TsSpec { abnf, ..t })],
                    ..CaseSpec::default()
                });
            }
        }
    }
    // H4.a: a valid body of exactly max_body_bytes is within the limit
    out.push(CaseSpec {
        pad_to_limit: true,
        members: vec![MemberSpec::Status(ProcessingStatus::InProgress)],
        ..CaseSpec::default()
    });
    // H4.b: the limit and the body rules whatever the framing: a chunked body of exactly the
    // limit, one byte over it, and an empty chunked body (B1.a)
    out.push(CaseSpec {
        pad_to_limit: true,
        chunked: true,
        members: vec![MemberSpec::Status(ProcessingStatus::Queued)],
        ..CaseSpec::default()
    });
    for d in [Defect::Oversize, Defect::EmptyBody] {
        if d.applies_under(profile) {
            out.push(CaseSpec {
                chunked: true,
                defects: vec![d],
                ..base.clone()
            });
        }
    }
    // H5.a: the preference second in a list, and in a second header with a parameter
    for prefer_style in [2, 3] {
        out.push(CaseSpec {
            prefer: true,
            prefer_style,
            members: vec![MemberSpec::Status(ProcessingStatus::Canceling)],
            ..CaseSpec::default()
        });
    }
    // B1.e: 32 levels of nesting must be parsed
    out.push(CaseSpec {
        members: vec![MemberSpec::Annotation(4)],
        ..CaseSpec::default()
    });
    // T3: timestamps in no particular order (completed before started before created)
    out.push(CaseSpec {
        members: vec![
            MemberSpec::Created(TsSpec::new_year(2030)),
            MemberSpec::Completed(Some(TsSpec::new_year(2020))),
        ],
        ..CaseSpec::default()
    });
    // B1.d: a byte-order mark before the text, plain and gzip-coded
    for gzip in [false, true] {
        out.push(CaseSpec {
            bom: true,
            gzip,
            members: vec![MemberSpec::Status(ProcessingStatus::Completed)],
            ..CaseSpec::default()
        });
    }
    // H6: a gzip-coded body (decoded before the body rules), with a member of each kind
    out.push(CaseSpec {
        gzip: true,
        members: vec![
            MemberSpec::Status(ProcessingStatus::Failed),
            MemberSpec::FailureReason(Some(TextSpec {
                text: "gzip".into(),
                escape_all: false,
                repeat: 0,
            })),
        ],
        ..CaseSpec::default()
    });
    // H6.a: the coding name in upper case, its alias `x-gzip`, and a body of two members
    for gzip_style in 1..=3 {
        out.push(CaseSpec {
            gzip: true,
            gzip_style,
            members: vec![MemberSpec::FailureReason(Some(TextSpec {
                text: "coded".into(),
                escape_all: false,
                repeat: 0,
            }))],
            ..CaseSpec::default()
        });
    }
    // B10: control characters (NUL included), white space around the text, non-characters:
    // stored exactly
    for text in [
        "\u{0}nul\u{1}\u{8}\u{1b}\u{1f}\u{7f}",
        "  \t padded on both sides \r\n ",
        "\u{fdd0}\u{fffe}\u{ffff}\u{1fffe}\u{10ffff}",
    ] {
        out.push(CaseSpec {
            members: vec![MemberSpec::FailureReason(Some(TextSpec {
                text: text.into(),
                escape_all: false,
                repeat: 0,
            }))],
            ..CaseSpec::default()
        });
    }
    // B7.b and B9.b on both routes: a nested `task`, `processingInfo`, and `task@odata.bind`
    for alias in [None, Some(0)] {
        out.push(CaseSpec {
            alias,
            members: vec![
                MemberSpec::Annotation(5),
                MemberSpec::Status(ProcessingStatus::Failed),
            ],
            ..CaseSpec::default()
        });
        if alias.is_some() {
            for n in [
                defect::NotUpdatable::Task,
                defect::NotUpdatable::ProcessingInfo,
            ] {
                out.push(CaseSpec {
                    alias,
                    defects: vec![Defect::NotUpdatable(n)],
                    ..base.clone()
                });
            }
        }
    }
    out.push(CaseSpec {
        members: vec![
            MemberSpec::OdataType(true),
            MemberSpec::OdataType(false),
            MemberSpec::Annotation(0),
            MemberSpec::Annotation(3),
            MemberSpec::IdEqual,
        ],
        ..CaseSpec::default()
    });
    out.push(CaseSpec {
        members: vec![MemberSpec::FailureReason(Some(TextSpec {
            text: "é\u{1F600}\"\\\n\u{0}".into(),
            escape_all: true,
            repeat: 255,
        }))],
        ..CaseSpec::default()
    });
    for (i, case) in [
        NameCase::Canonical,
        NameCase::Lower,
        NameCase::Upper,
        NameCase::FirstFlipped,
    ]
    .into_iter()
    .enumerate()
    {
        out.push(CaseSpec {
            alias: Some(i as u8),
            style: PathStyle {
                paren: 0b1_0101 << (i % 2),
                case,
                trailing_slash: i % 2 == 0,
                encode: i % 2 == 1,
                encode_names: false,
            },
            ..base.clone()
        });
        out.push(CaseSpec {
            get: true,
            target: i as u8,
            alias: (i % 2 == 0).then_some(1),
            auth_variant: 2,
            ..CaseSpec::default()
        });
    }
    for ct in 0..ALLOWED_CONTENT_TYPES.len() {
        out.push(CaseSpec {
            content_type: ct as u8,
            auth_variant: 1,
            ..base.clone()
        });
    }
    // R4.a: segment names percent-encoded (decoded before matching), a PATCH and a GET
    for get in [false, true] {
        out.push(CaseSpec {
            get,
            style: PathStyle {
                encode_names: true,
                ..PathStyle::default()
            },
            ..base.clone()
        });
    }
    // H2.c: white space around the token is not part of it (`Bearer  token`)
    for get in [false, true] {
        out.push(CaseSpec {
            get,
            token_spaces: true,
            ..base.clone()
        });
    }
    out
}
