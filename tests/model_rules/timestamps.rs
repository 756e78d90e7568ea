//! T: timestamps — the grammar, the calendar, the clock, the offset, the range; stored as instants.

use super::*;
use crate::support::clause::*;
use tpr_harness::sut::Target;
use tpr_harness::sut::mutant::Mutant;

#[test]
fn t1_grammar_knob_decides_which_spellings_are_accepted() {
    for (v, graph, abnf) in [
        ("2026-01-05T08:00:00Z", 200, 200),
        ("2026-01-05T08:00Z", 400, 200),
        ("1972-06-30T23:59:60Z", 400, 200),
        ("2026-01-05t08:00:00z", 400, 200),
        ("2023-02-29T00:00:00Z", 400, 400),
        ("2026-01-05T08:00:00+14:01", 400, 200),
        ("2026-01-05T24:00:00Z", 400, 400),
        ("2026-01-05T08:00:00", 400, 400),
    ] {
        let body = format!(r#"{{"startedDateTime":"{v}"}}"#);
        assert_eq!(
            statuses(&patch("t1", &body), &g()),
            vec![graph],
            "graph {v}"
        );
        let abnf_p = with(|p| p.timestamp_grammar = Grammar::OdataAbnf);
        assert_eq!(
            statuses(&patch("t1", &body), &abnf_p),
            vec![abnf],
            "odata-abnf {v}"
        );
        if graph == 400 {
            assert_eq!(rules_of(&patch("t1", &body), &g()), vec![RuleId::T1]);
        }
    }
}

/// PATCHes `t1`'s `startedDateTime` with each of `spellings`, demanding `status`.
fn started(t: &dyn Target, spellings: &[&str], status: u16) -> Held {
    for v in spellings {
        expect(
            t,
            &patch("t1", &format!(r#"{{"startedDateTime":"{v}"}}"#)),
            status,
        )?;
    }
    Ok(())
}

#[test]
fn t1_b_years_0001_to_9999_and_real_calendar_dates_only() {
    let bugs = [
        Mutant::CenturyLeapYearRejected,
        Mutant::AbnfGrammarUnderGraph,
    ];
    holds_and_catches(&g(), &bugs, |t| {
        let real = [
            "2000-02-29T00:00:00Z",
            "2024-02-29T12:00:00Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "2026-04-30T08:00:00Z",
        ];
        started(t, &real, 200)?;
        let not_real = [
            "2023-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2026-04-31T08:00:00Z",
            "2026-13-01T08:00:00Z",
            "2026-00-10T08:00:00Z",
            "2026-01-00T08:00:00Z",
            "0000-01-01T00:00:00Z",
            "10000-01-01T00:00:00Z",
            "-0001-01-01T00:00:00Z",
            "+2026-01-05T08:00:00Z",
        ];
        started(t, &not_real, 400)
    });
}

#[test]
fn t1_c_hours_to_23_minutes_and_seconds_to_59() {
    let bugs = [Mutant::Hour24Accepted, Mutant::AbnfGrammarUnderGraph];
    holds_and_catches(&g(), &bugs, |t| {
        started(t, &["2026-01-05T00:00:00Z", "2026-01-05T23:59:59Z"], 200)?;
        let out_of_range = [
            "2026-01-05T24:00:00Z",
            "2026-01-05T25:00:00Z",
            "2026-01-05T23:60:00Z",
            "2026-01-05T23:59:60Z",
            "1972-06-30T23:59:60Z",
        ];
        started(t, &out_of_range, 400)
    });
}

#[test]
fn t1_d_an_offset_is_required_within_14_hours_and_minus_zero_is_utc() {
    let bugs = [
        Mutant::TimestampWithoutOffset,
        Mutant::OffsetClamped,
        Mutant::AbnfGrammarUnderGraph,
    ];
    holds_and_catches(&g(), &bugs, |t| {
        let within = [
            "2026-01-05T08:00:00+14:00",
            "2026-01-05T08:00:00-14:00",
            "2026-01-05T08:00:00+05:30",
            "2026-01-05T08:00:00-00:00",
        ];
        started(t, &within, 200)?;
        let outside = [
            "2026-01-05T08:00:00",
            "2026-01-05T08:00:00.5",
            "2026-01-05T08:00:00+14:01",
            "2026-01-05T08:00:00-14:30",
            "2026-01-05T08:00:00+15:00",
            "2026-01-05T08:00:00+23:00",
        ];
        started(t, &outside, 400)?;
        // -00:00 is UTC: stored as the same instant as Z
        started(t, &["2026-01-05T08:00:00-00:00"], 200)?;
        let r = body(&expect(t, &get("t1"), 200)?)?;
        let stored = r["startedDateTime"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let instant =
            |s: &str| tpr_harness::contract::timestamp::Timestamp::parse(s, Grammar::Graph).ok();
        same(
            "the instant of -00:00",
            instant(&stored),
            instant("2026-01-05T08:00:00Z"),
        )
    });
}

#[test]
fn t1_e_t_and_z_are_upper_case() {
    holds_and_catches(&g(), &[Mutant::AbnfGrammarUnderGraph], |t| {
        started(t, &["2026-01-05T08:00:00Z"], 200)?;
        let lower = [
            "2026-01-05t08:00:00Z",
            "2026-01-05T08:00:00z",
            "2026-01-05t08:00:00z",
        ];
        started(t, &lower, 400)
    });
}

#[test]
fn t1_g_anything_outside_the_chosen_grammar_is_400() {
    let outside = [
        "",
        "now",
        "1767600000",
        "2026-01-05",
        "2026-01-05 08:00:00Z",
        "20260105T080000Z",
        "2026-1-5T8:00:00Z",
        "2026-01-05T08:00:00+0100",
        "2026-01-05T08:00:00.Z",
        "2026-01-05T08:00:00.1234567890123Z",
        "2026-01-05T08:00:00Z ",
        " 2026-01-05T08:00:00Z",
    ];
    holds_and_catches(&g(), &[Mutant::LenientTimestampParser], |t| {
        started(t, &["2026-01-05T08:00:00.123456789012Z"], 200)?;
        started(t, &outside, 400)
    });
    // the same under the OData ABNF: none of these is in it either
    let abnf = with(|p| p.timestamp_grammar = Grammar::OdataAbnf);
    holds_and_catches(&abnf, &[Mutant::LenientTimestampParser], |t| {
        started(t, &outside, 400)
    });
}

#[test]
fn t2_stored_timestamps_are_instants_rendered_in_utc() {
    let p = g();
    let mut s = store();
    run(
        &mut s,
        &patch(
            "t1",
            r#"{"createdDateTime":"2026-01-05T10:00:00.123456789+02:00"}"#,
        ),
        &p,
    );
    let r = read(&mut s, "t1", &p);
    assert_eq!(r["createdDateTime"], "2026-01-05T08:00:00.123456789Z");
    let back = tpr_harness::contract::timestamp::Timestamp::parse(
        r["createdDateTime"].as_str().unwrap(),
        Grammar::Graph,
    )
    .unwrap();
    let sent = tpr_harness::contract::timestamp::Timestamp::parse(
        "2026-01-05T08:00:00.1234567Z",
        Grammar::Graph,
    )
    .unwrap();
    assert!(back.within(sent, p.timestamp_tolerance_ns));
    assert!(!back.within(sent, 50), "the tolerance knob is honoured");
}

#[test]
fn t3_no_ordering_between_timestamps_or_status_is_enforced() {
    let body = r#"{"startedDateTime":"2026-05-01T00:00:00Z","completedDateTime":"2020-01-01T00:00:00Z","createdDateTime":"2030-01-01T00:00:00Z","processingStatus":"queued"}"#;
    assert_eq!(statuses(&patch("t1", body), &g()), vec![200]);
}

#[test]
fn t1_a_a_fraction_read_without_its_leading_zeros_is_t1_only_within_its_second() {
    // `.05` read back as `.5` in the same second is T1.a (the fraction's digits); the same
    // digits in another second, or a whole second read back with a fraction, are not
    let mut s = store();
    let expected = read(&mut s, "t1", &g());
    let rule = |e: &str, a: &str| {
        let (mut x, mut y) = (expected.clone(), expected.clone());
        x["createdDateTime"] = json!(e);
        y["createdDateTime"] = json!(a);
        check::compare_representation(&x, &y, &g()).map_err(|v| (v.rule, v.detail.as_str()))
    };
    assert_eq!(
        rule(
            "2026-01-05T08:00:00.0500000Z",
            "2026-01-05T08:00:00.5000000Z"
        ),
        Err((RuleId::T1, "fraction-leading-zeros"))
    );
    assert_eq!(
        rule(
            "2026-01-05T08:00:00.0500000Z",
            "2026-01-05T08:00:03.5000000Z"
        ),
        Err((RuleId::S2, "other-value"))
    );
    assert_eq!(
        rule("2026-01-05T08:00:00Z", "2026-01-05T08:00:00.5000000Z"),
        Err((RuleId::T2, "other-value"))
    );
    // T2 is within a second (coarser storage); a whole second off or more is another value
    assert_eq!(
        rule("2026-01-05T08:00:00Z", "2026-01-05T08:00:00.9999999Z"),
        Err((RuleId::T2, "other-value"))
    );
    assert_eq!(
        rule("2026-01-05T08:00:00Z", "2026-01-05T08:00:01Z"),
        Err((RuleId::S2, "other-value"))
    );
}

#[test]
fn t2_the_tolerance_knob_decides_instant_equality_in_the_checker() {
    // timestamp_tolerance_ns is read by the comparison (T2.b): 100 ns off passes at the default,
    // fails at 0; 101 ns off fails at the default. A checker that ignored the knob, or compared
    // text, fails this.
    let mut s = store();
    let expected = read(&mut s, "t1", &g());
    let mut actual = expected.clone();
    actual["createdDateTime"] = json!("2026-01-05T08:00:00.0000001Z"); // +100 ns
    assert!(check::compare_representation(&expected, &actual, &g()).is_ok());
    let exact = with(|p| p.timestamp_tolerance_ns = 0);
    assert_eq!(
        check::compare_representation(&expected, &actual, &exact)
            .unwrap_err()
            .rule,
        RuleId::T2
    );
    actual["createdDateTime"] = json!("2026-01-05T09:00:00.0000001+01:00"); // same instant, offset
    assert!(
        check::compare_representation(&expected, &actual, &g()).is_ok(),
        "T2.a: by instant, not text"
    );
    actual["createdDateTime"] = json!("2026-01-05T08:00:00.000000101Z"); // +101 ns
    assert_eq!(
        check::compare_representation(&expected, &actual, &g())
            .unwrap_err()
            .rule,
        RuleId::T2
    );
}

#[test]
fn t1_h_utc_instant_outside_net_range_is_400() {
    // contract 1.1 T1.h (reverses decision 4): every field in range, the UTC instant not
    for ts in ["9999-12-31T23:00:00-14:00", "0001-01-01T00:00:00+01:00"] {
        let req = patch("t1", &format!(r#"{{"startedDateTime":"{ts}"}}"#));
        assert_eq!(statuses(&req, &Profile::graph()), vec![400], "{ts}");
        assert!(
            tpr_harness::contract::timestamp::Timestamp::parse(
                ts,
                tpr_harness::contract::timestamp::Grammar::OdataAbnf
            )
            .is_ok(),
            "{ts} stays valid under odata-abnf"
        );
    }
    // the edges themselves are inside
    for ts in [
        "9999-12-31T23:59:59.9999999Z",
        "0001-01-01T00:00:00Z",
        "0001-01-01T00:00:00-14:00",
        "9999-12-31T23:59:59+14:00",
    ] {
        let req = patch("t1", &format!(r#"{{"startedDateTime":"{ts}"}}"#));
        assert_eq!(statuses(&req, &Profile::graph()), vec![200], "{ts}");
    }
    let req = patch(
        "t1",
        r#"{"startedDateTime":"9999-12-31T23:59:59.99999999Z"}"#,
    );
    assert_eq!(
        statuses(&req, &Profile::graph()),
        vec![400],
        "100 ns past the end"
    );
}

#[test]
fn t1_timestamps_of_other_grammars_are_400_each_under_its_clause() {
    use tpr_harness::generate::defect::{Defect, OtherPattern, TimestampProperty};
    let p = TimestampProperty::StartedDateTime;
    for (spelling, d) in [
        (
            "1700000000",
            Defect::TimestampOtherPattern(p, OtherPattern::EpochSeconds),
        ),
        (
            "2024-01-01 12:00:00+01:00",
            Defect::TimestampOtherPattern(p, OtherPattern::SpaceSeparator),
        ),
        (
            "2024-01-01T12:00:00.1234567890123456Z",
            Defect::TimestampOtherPattern(p, OtherPattern::LongFraction),
        ),
        ("2016-12-31T23:59:60Z", Defect::TimestampLeapSecond(p)),
        ("2024-01-01T12:00:00+0100", Defect::TimestampBasicOffset(p)),
    ] {
        let body = json!({ "startedDateTime": spelling }).to_string();
        assert_eq!(
            rules_of(&patch("t1", &body), &g()),
            vec![RuleId::T1],
            "{spelling}"
        );
        assert!(d.clause().starts_with("T1."), "{d:?}");
    }
    // one clause each: T1.g for another pattern (outside the grammar), T1.c for second 60,
    // T1.d for the offset
    assert_eq!(Defect::TimestampLeapSecond(p).clause(), "T1.c");
    assert_eq!(Defect::TimestampBasicOffset(p).clause(), "T1.d");
    assert_eq!(
        Defect::TimestampOtherPattern(p, OtherPattern::EpochSeconds).clause(),
        "T1.g"
    );
}
