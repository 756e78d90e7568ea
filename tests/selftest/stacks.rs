//! Stacks of 2–6 bugs: each found, nothing else blamed; the same findings for any number of lanes.

use super::*;

/// Draws a stack of 2–6 distinct mutants from `seed`.
fn stack(seed: u64) -> Vec<Mutant> {
    let mut rng = SplitMix(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x57AC);
    let n = 2 + (rng.next_u64() % 5) as usize;
    // the stacks run under graph: the bugs that are bugs under graph, but not those that hide
    // every other by necessity (every PATCH refused, or no state observable)
    let mut all: Vec<Mutant> = Mutant::ALL
        .into_iter()
        .filter(|m| m.profile() == Profile::graph() && !m.hides_others())
        .collect();
    let mut out = Vec::new();
    while out.len() < n && !all.is_empty() {
        let i = (rng.next_u64() % all.len() as u64) as usize;
        out.push(all.remove(i));
    }
    out
}

/// Precision and recall of `check` over mutant stacks, in process.
fn stacks(count: u64) -> (u64, u64, u64, u64, Vec<String>) {
    let profile = Profile::graph();
    let (mut findings, mut right, mut active, mut found) = (0, 0, 0, 0);
    let mut problems = Vec::new();
    // TPR_STACK_SEEDS=5,15 runs only those stacks (to look at one closely)
    let seeds: Vec<u64> = match std::env::var("TPR_STACK_SEEDS") {
        Ok(list) => list
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect(),
        Err(_) => (0..count).collect(),
    };
    rt().block_on(async {
        for seed in seeds {
            let ms = stack(seed);
            let r = check_in_process(&profile, &ms, seed, 4).await;
            for f in &r.findings {
                findings += 1;
                if ms.iter().any(|m| m.blamable().contains(&f.rule)) {
                    right += 1;
                } else {
                    problems.push(format!(
                        "stack {seed} {ms:?}: blamed {} ({}) in phase {}: {}\n    {:?} {} {} {}\n    before {:?}\n    answer {:?}",
                        f.rule,
                        f.cause,
                        f.phase,
                        f.message,
                        f.spec,
                        f.request.method,
                        f.request.path,
                        String::from_utf8_lossy(&f.request.body).chars().take(300).collect::<String>(),
                        f.before,
                        f.actual.as_ref().map(|r| (r.status, String::from_utf8_lossy(&r.body).chars().take(400).collect::<String>()))
                    ));
                }
            }
            for m in &ms {
                active += 1;
                if m.rules().iter().any(|want| rules(&r).contains(want)) {
                    found += 1;
                } else {
                    problems.push(format!(
                        "stack {seed} {ms:?}: {m:?} not found (found {:?})",
                        rules(&r)
                    ));
                }
            }
        }
    });
    (findings, right, active, found, problems)
}

#[test]
fn selftest_mutant_stacks_each_found_nothing_else_blamed() {
    // TPR_STACKS=400 runs more (a value that is not a number is refused, not read as 60)
    let count = std::env::var("TPR_STACKS").map_or(60, |v| {
        v.parse()
            .unwrap_or_else(|_| panic!("TPR_STACKS={v:?} is not a number"))
    });
    let (findings, right, active, found, problems) = stacks(count);
    println!(
        "mutant stacks: {count} stacks, precision {right}/{findings} ({:.1} %), recall {found}/{active} ({:.1} %)",
        100.0 * right as f64 / findings.max(1) as f64,
        100.0 * found as f64 / active.max(1) as f64
    );
    for p in &problems {
        println!("  {p}");
    }
    assert!(active > 0, "no stack ran (TPR_STACK_SEEDS?)");
    // precision 100 %: every finding blamable on a bug of its stack
    assert_eq!(right, findings, "precision below 100 %: {problems:#?}");
    // every active mutant found: a miss is a bug to fix and a named test, not a tolerance
    assert_eq!(found, active, "recall below 100 %: {problems:#?}");
}

#[test]
fn selftest_the_same_seed_gives_the_same_findings_for_any_number_of_lanes() {
    rt().block_on(async {
        let key = |r: &Report| {
            r.findings
                .iter()
                .map(|f| (f.rule, f.cause.clone(), f.count, f.request.clone()))
                .collect::<Vec<_>>()
        };
        let ms = [
            Mutant::OpenEnum,
            Mutant::EmptyErrorBody,
            Mutant::PutSemantics,
        ];
        let one = check_in_process(&Profile::graph(), &ms, 3, 1).await;
        let eight = check_in_process(&Profile::graph(), &ms, 3, 8).await;
        assert!(!one.findings.is_empty());
        assert_eq!(key(&one), key(&eight));
        assert_eq!(one.cases, eight.cases);
        assert_eq!(one.requests, eight.requests);
        let again = check(&Profile::graph(), Some(Mutant::OpenEnum), 3).await;
        let again2 = check(&Profile::graph(), Some(Mutant::OpenEnum), 3).await;
        assert_eq!(key(&again), key(&again2));
    });
}

#[test]
fn r2_an_alias_writing_another_entity_is_r2_even_when_the_answer_is_204() {
    // Found by the stacks: with no body to show the wrong entity, the state left by the alias
    // was filed as T2/B10 for the property; the same PATCH without the alias is right, so R2.
    assert_stack_precise(
        &[Mutant::WrongAliasTarget, Mutant::NoContentInsteadOf200],
        15,
    );
    assert_stack_precise(
        &[Mutant::WrongAliasTarget, Mutant::TimestampWithoutOffset],
        38,
    );
}

#[test]
fn s2_state_is_judged_when_the_status_class_is_right_but_the_answer_is_not() {
    // Found by the stacks: a 204 (S4) or an empty error body (E1) hid the state bug beside it.
    assert_stack_precise(
        &[
            Mutant::NoAuthentication,
            Mutant::SentinelStored,
            Mutant::NoContentInsteadOf200,
        ],
        34,
    );
    assert_stack_precise(
        &[
            Mutant::NonAtomicRejection,
            Mutant::EmptyErrorBody,
            Mutant::AcceptNullCreated,
        ],
        30,
    );
}

#[test]
fn s3_a_rejected_request_is_never_blamed_on_its_spelling() {
    // Found by the stacks: removing a via-task alias or parenthesised keys from a rejected
    // request also removed its defect, and the S3 state was blamed on R2/R3.
    assert_stack_precise(
        &[
            Mutant::NonAtomicRejection,
            Mutant::OpenEnum,
            Mutant::SentinelStored,
        ],
        14,
    );
}

#[test]
fn s6_drift_seen_by_a_get_is_s6_not_s2() {
    // Found by the stacks: a GET showed a sibling's leaked value; the runner restored the value
    // it believed the entity held without reading it first, and the drift was filed under S2.
    assert_stack_precise(&[Mutant::IsolationLeak], 1);
    assert_stack_precise(&[Mutant::IsolationLeak, Mutant::OpenEnum], 37);
}

#[test]
fn h4_a_body_past_the_limit_is_not_blamed_on_h4_by_body_rewriting_bugs() {
    // Found by the stacks (a harness bug in the mutants): bugs that rewrite the body shrank an
    // oversize body under the limit, so H4 was blamed; a server checks the size first.
    assert_stack_precise(
        &[Mutant::DuplicatesAccepted, Mutant::TimestampWithoutOffset],
        24,
    );
}

#[test]
fn h1_a_mishandled_defect_among_several_is_found_by_sending_each_alone() {
    // Found by 400 stacks: a PUT with a route defect, answered 403 by a server that treats PUT
    // as PATCH, was filed under R5 (the first defect in E4 order). Each defect alone shows that
    // the route defect is answered right and the method is not: H1.
    assert_stack_precise(
        &[
            Mutant::PutAccepted,
            Mutant::WrongAliasTarget,
            Mutant::AnyContentType,
        ],
        303,
    );
    assert_stack_precise(
        &[
            Mutant::PutAccepted,
            Mutant::OpenEnum,
            Mutant::SentinelStored,
            Mutant::LostUpdates,
        ],
        389,
    );
}

#[test]
fn s5_put_semantics_may_show_as_a_patch_that_answers_differently_the_second_time() {
    // Found by 400 stacks: the first answer hides the reset that PUT semantics did; the second
    // shows it. A true consequence of the bug, listed in Mutant::blamable.
    assert_stack_precise(
        &[
            Mutant::CaseSensitiveSegments,
            Mutant::OpenEnum,
            Mutant::PutAccepted,
            Mutant::PutSemantics,
            Mutant::EmptyErrorBody,
        ],
        207,
    );
}

#[test]
fn s3_a_restore_the_implementation_cannot_hold_is_observed_not_believed() {
    // Found by 400 stacks: restoring an entity through a server that stores coarser timestamps
    // (or appends to a text it already holds) left the runner believing the value it sent, and
    // later cases on that entity were false S3/S6 findings. Restores are now observed, and drift
    // is decided from the state the implementation really holds.
    assert_stack_precise(&[Mutant::AnyContentType, Mutant::CoarseTimestamps], 89);
    assert_stack_precise(
        &[
            Mutant::CoarseTimestamps,
            Mutant::SentinelStored,
            Mutant::IsolationLeak,
        ],
        18,
    );
    assert_stack_precise(
        &[
            Mutant::NotIdempotent,
            Mutant::IsolationLeak,
            Mutant::CoarseTimestamps,
            Mutant::TimestampWithoutOffset,
            Mutant::ServerErrorOnBadJson,
            Mutant::AnyContentType,
        ],
        95,
    );
}

#[test]
fn r4_a_variant_left_by_shrinking_is_blamed_not_the_defect_beside_it() {
    // Found by 400 stacks: the original case's twin was answered right (its alias was the
    // bug's way around), shrinking dropped the alias and kept a segment-case variant the server
    // rejects; the finding was filed under S1. The shrunk case's twin is now asked again.
    assert_stack_precise(
        &[
            Mutant::PutSemantics,
            Mutant::SentinelStored,
            Mutant::WrongAliasTarget,
            Mutant::CaseSensitiveSegments,
            Mutant::PutAccepted,
            Mutant::TimestampWithoutOffset,
        ],
        146,
    );
}

#[test]
fn b1_d_an_append_is_not_blamed_on_the_byte_order_mark_of_the_request_that_saw_it() {
    assert_stack_precise(
        &[
            Mutant::NoAuthentication,
            Mutant::CoarseTimestamps,
            Mutant::NotIdempotent,
            Mutant::PutAccepted,
            Mutant::IsolationLeak,
        ],
        213,
    );
    assert_stack_precise(
        &[
            Mutant::NotIdempotent,
            Mutant::EmptyErrorBody,
            Mutant::SentinelStored,
            Mutant::OpenEnum,
            Mutant::AnyContentType,
        ],
        354,
    );
}

#[test]
fn r2_c_a_defect_answered_wrongly_only_on_the_via_task_route_is_r2() {
    // Found by 1000 stacks: the alias resolved to `{t0}`, whose id (upper-cased by the IdCase
    // defect) differed from the body's `id`: 400 instead of 404, filed under S1. On the direct
    // route the same defect is answered right, so the via-task route is the cause.
    assert_stack_precise(
        &[
            Mutant::NotIdempotent,
            Mutant::PutAccepted,
            Mutant::CoarseTimestamps,
            Mutant::AnyContentType,
            Mutant::LostUpdates,
            Mutant::WrongAliasTarget,
        ],
        688,
    );
}

// Wrong causes found when the two chunked-framing bugs changed what the stacks draw (each
// failed before its fix; decisions 59–62).

#[test]
fn s4_b_a_stale_body_beside_a_wrong_state_is_s4_b_and_the_state_its_own_finding() {
    // was: S2 for the body's values (it showed the state before the PATCH, the GET right
    // after a fraction read without its leading zeros), and T1.a never found
    let r = assert_stack_precise(
        &[
            Mutant::FractionLeadingZerosDropped,
            Mutant::OffsetClamped,
            Mutant::IdInBodyRejected,
            Mutant::StaleRepresentation,
            Mutant::IdMismatchIgnored,
        ],
        6,
    );
    let clauses: Vec<&str> = r.findings.iter().map(|f| f.clause.as_str()).collect();
    assert!(
        clauses.contains(&"S4.b") && clauses.contains(&"T1.a"),
        "{clauses:?}"
    );
}

#[test]
fn s6_drift_needs_the_property_that_differed_back_at_its_old_value() {
    // was: S6 for a property a PUT-semantics server reset, because the restore was refused
    // (the timestamps' order enforced) and the request, re-sent from the state as it was,
    // showed nothing about that property
    assert_stack_precise(
        &[
            Mutant::TimestampOrderEnforced,
            Mutant::CoarseTimestamps,
            Mutant::ViaTaskAnyTask,
            Mutant::PutSemantics,
            Mutant::ParenKeysRejected,
        ],
        15,
    );
}

#[test]
fn t2_a_a_missing_type_hides_no_timestamp_rendered_without_offset() {
    // was: only the first shape problem was reported, so the missing @odata.type hid the
    // unreadable timestamps: T2.a never found, and the S7 phase read them as lost updates
    let r = assert_stack_precise(
        &[
            Mutant::ChunkedLimitUnchecked,
            Mutant::TimestampsRenderedWithoutOffset,
            Mutant::ReadOnlyTokenWrites,
            Mutant::NoOdataTypeInBody,
            Mutant::ContentTypeParametersRejected,
            Mutant::AnyContentType,
        ],
        5,
    );
    let clauses: Vec<&str> = r.findings.iter().map(|f| f.clause.as_str()).collect();
    assert!(
        clauses.contains(&"T2.a") && clauses.contains(&"S4.a"),
        "{clauses:?}"
    );
    assert!(!clauses.contains(&"S7"), "{clauses:?}");
}

#[test]
fn h4_b_a_chunked_body_read_as_empty_and_accepted_is_h4_b_not_s2() {
    // was: S2 and B6 for the 200 bodies (a server that reads chunked bodies as empty, and
    // accepts an empty body, shows the old values); the same body with Content-Length is
    // written and shown right
    assert_stack_precise(
        &[
            Mutant::CenturyLeapYearRejected,
            Mutant::EmptyBodyAccepted,
            Mutant::ChunkedBodyIgnored,
            Mutant::OutOfRangeInstantsClamped,
        ],
        212,
    );
}

#[test]
fn h4_b_a_defect_in_a_chunked_body_accepted_alone_is_h4_b_not_its_rule() {
    // was: T1 for a bad timestamp accepted, found by sending each defect of a pair alone; the
    // one defect alone was not A/B-tested against its framing
    assert_stack_precise(
        &[
            Mutant::EnumCaseInsensitive,
            Mutant::ChunkedBodyIgnored,
            Mutant::EmptyBodyAccepted,
            Mutant::NonObjectAccepted,
            Mutant::FirstPreferenceOnly,
            Mutant::AnyContentType,
        ],
        294,
    );
}

#[test]
fn s6_drift_is_told_from_a_request_answered_wrongly_the_same_way_twice() {
    // was: S3 for a value a sibling's PATCH leaked into this entity, seen after a request the
    // server answered with the wrong status (the media type in another case): the re-sent
    // request, answered the same way from the state put back, shows the state right
    assert_stack_precise(
        &[
            Mutant::ViaTaskAnyTask,
            Mutant::IsolationLeak,
            Mutant::MediaTypeCaseSensitive,
            Mutant::EmptyBodyAccepted,
            Mutant::CaseSensitiveSegments,
        ],
        143,
    );
}

#[test]
fn s6_an_entity_is_put_back_by_what_differs_when_its_whole_value_is_refused() {
    // was: S3 for a value an alias wrote into this entity earlier; putting the entity back
    // sent every property, nulls too, and a server that refuses nulls refused it all, so the
    // drift could not be shown. Under the case stream of 2026-12-05 the drift was a null the
    // server refuses, so it could not be put back at all: now the entity before `/task/` of
    // an accepted alias PATCH is read back and adopted as soon as the alias is answered.
    assert_stack_precise(
        &[
            Mutant::NullNullableRejected,
            Mutant::NoOdataTypeInBody,
            Mutant::UnknownPropertiesIgnored,
            Mutant::WrongAliasTarget,
            Mutant::NoPreferenceAppliedOnGet,
        ],
        365,
    );
}

#[test]
fn s7_a_torn_write_beside_a_dropped_preference_is_not_blamed_on_b6() {
    // Found by the stacks once a new defect shifted the case stream (2026-12-05): the torn-writes
    // bug decided what to tear on the request before the other bugs rewrote it, so a member
    // the dropped preference made refusable was refused alone and silently left out of a 200,
    // which the judge could only file as B6. A torn write now tears what the implementation
    // accepts as it reads the request.
    assert_stack_precise(
        &[
            Mutant::TornWrites,
            Mutant::AnnotationsRejected,
            Mutant::ChunkedBodyIgnored,
            Mutant::CenturyLeapYearRejected,
            Mutant::OtherMethodsAre400,
            Mutant::FirstPreferenceOnly,
        ],
        27,
    );
}

#[test]
fn b6_c_a_stored_sentinel_is_found_beside_a_server_refusing_nulls() {
    // Found by the stacks (2026-12-05): an entity holding the sentinel could not be put back,
    // since the whole value carried a null the server refuses, and putting back only what
    // differs was tried only for entities the unit could read; the entity was retired and the
    // finding lost. Now what differs is taken from the entity read back.
    assert_stack_precise(
        &[
            Mutant::MediaTypeCaseSensitive,
            Mutant::ViaTaskAnyTask,
            Mutant::WrongAliasTarget,
            Mutant::NullNullableRejected,
            Mutant::SentinelStored,
        ],
        59,
    );
}

#[test]
fn s2_a_refused_restore_that_wrote_all_the_same_leaves_the_unit_in_step() {
    // Found while fixing the one above: a restore refused (a null) but written all the same (a
    // rejection that is not atomic) left the unit believing the old value, and every later
    // case on the entity was blamed S2/B6. What a refused restore leaves is read back and
    // adopted.
    assert_stack_precise(
        &[
            Mutant::IdsCaseInsensitive,
            Mutant::ChunkedLimitUnchecked,
            Mutant::NullNullableRejected,
            Mutant::NonAtomicRejection,
        ],
        52,
    );
}

#[test]
fn h4_b_a_chunked_body_read_as_empty_is_blamed_even_when_the_defect_retired_the_entity() {
    // Found by the 400 stacks (2026-12-05): a chunked PATCH naming `task`, read as no body and
    // then as `{}`, was accepted; accepting a navigation property retires the entity, so the
    // same body with Content-Length could not be tried on it, and B7 was blamed. The framing
    // is now tried on another entity of the unit.
    assert_stack_precise(
        &[
            Mutant::GzipUnsupported,
            Mutant::EmptyBodyAccepted,
            Mutant::PropertyNamesCaseInsensitive,
            Mutant::ErrorsAsPlainText,
            Mutant::ChunkedBodyIgnored,
        ],
        218,
    );
}

#[test]
fn t2_b_coarse_timestamps_torn_member_by_member_are_not_blamed_on_s4() {
    // Found by the 400 stacks (2026-12-05): the torn-writes bug answered with the model's
    // entity after the last member, where every earlier member's timestamp was already stored
    // coarser, so the 200 body mixed coarse and fine values and differed from the GET (S4). A
    // server writing member by member answers with what it stored.
    assert_stack_precise(&[Mutant::CoarseTimestamps, Mutant::TornWrites], 384);
}

#[test]
fn b4_c_a_refused_null_is_not_turned_into_text_by_another_bug() {
    // Found by the 400 stacks (2026-12-05): the refused-null bug refused a null by reading it as
    // the number 0, which the numbers-as-text bug then stored as "0": a bug no real server has,
    // blamed S2. The null is now read as an empty object, which no other bug reads as text.
    assert_stack_precise(
        &[
            Mutant::AfterSentinelRenderedByName,
            Mutant::AnnotationsRejected,
            Mutant::NullNullableRejected,
            Mutant::FractionLeadingZerosDropped,
            Mutant::NumericEnumAccepted,
            Mutant::ScalarsCoercedToText,
        ],
        75,
    );
}

#[test]
fn b10_a_truncated_failure_reason_is_found_beside_a_representation_without_its_type() {
    // issue 28: with `is_shape` wrong, the missing `@odata.type` (a shape) was taken for the
    // first value difference and the truncated text (B10) was never judged: stack 7 lost it
    let r = assert_stack_precise(
        &[Mutant::FailureReasonTruncated, Mutant::NoOdataTypeInBody],
        7,
    );
    let clauses: Vec<&str> = r.findings.iter().map(|f| f.clause.as_str()).collect();
    assert!(clauses.contains(&"B10"), "{clauses:?}");
    assert!(clauses.contains(&"S4.a"), "{clauses:?}");
}

#[test]
fn h6_a_a_single_gzip_member_server_is_found_beside_four_other_bugs() {
    // Found when adding RequestIdFromRequest (E2) re-drew the stacks (stack 13): a valid PATCH
    // of several gzip members, refused by the one bug and turned into a 500 by the other, was
    // filed as E3 only; diagnosis now asks a 5xx to a valid request which variant it fails on
    // (decision 95). The shrunk 5xx of a request with a defect is asked too (its E3 in the
    // sequence phase shrank to the same valid request).
    let ms = [
        Mutant::ServerErrorOnBadJson,
        Mutant::BodyLimitOffByOne,
        Mutant::SingleGzipMemberOnly,
        Mutant::MissingAuthIs403,
        Mutant::SentinelInPatchRejected,
    ];
    let r = assert_stack_precise(&ms, 13);
    let clauses: Vec<&str> = r.findings.iter().map(|f| f.clause.as_str()).collect();
    assert!(
        clauses.contains(&"H6.a") && clauses.contains(&"E3"),
        "{clauses:?}"
    );
    // no valid request's 5xx is left under E3 when a variant is what it failed on
    assert!(
        !r.findings
            .iter()
            .any(|f| f.clause == "E3" && f.expected.statuses.iter().all(|s| *s < 300)),
        "{clauses:?}"
    );
}

// Recall gaps of the 400 stacks of 2026-12-08 (stop 35), drawn over every built-in bug with
// RequestIdFromRequest: not fixed this session, kept as named tests that fail today.

#[test]
#[ignore = "a recall gap, not fixed: 400 stacks of 2026-12-08, stack 132"]
fn s7_torn_writes_are_found_among_six_bugs_of_stack_132() {
    assert_stack_precise(
        &[
            Mutant::TrailingSlashRejected,
            Mutant::GzipNameCaseSensitive,
            Mutant::AcceptNullCreated,
            Mutant::TornWrites,
            Mutant::RequestIdFromRequest,
            Mutant::PutAccepted,
        ],
        132,
    );
}

#[test]
#[ignore = "a recall gap, not fixed: 400 stacks of 2026-12-08, stack 134"]
fn b1_e_a_shallow_nesting_limit_is_found_among_six_bugs_of_stack_134() {
    assert_stack_precise(
        &[
            Mutant::AnnotationsRejected,
            Mutant::ViaTaskAnyTask,
            Mutant::TimestampWithoutOffset,
            Mutant::ShallowNestingLimit,
            Mutant::ReadOnlyTokenWrites,
            Mutant::OffsetClamped,
        ],
        134,
    );
}

#[test]
#[ignore = "a recall gap, not fixed: 400 stacks of 2026-12-08, stack 192"]
fn t1_a_fraction_leading_zeros_dropped_are_found_among_four_bugs_of_stack_192() {
    assert_stack_precise(
        &[
            Mutant::TimestampsRenderedWithoutOffset,
            Mutant::AstralCharactersReplaced,
            Mutant::FractionLeadingZerosDropped,
            Mutant::AfterSentinelRenderedByName,
        ],
        192,
    );
}
