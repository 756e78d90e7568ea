//! Every built-in bug found, citing the clause it breaks (in process and over HTTP), as many as
//! docs/MEASUREMENTS.md counts; the phases that find the bugs no single request shows.

use super::*;

fn assert_every_mutant_killed(reports: Vec<(Mutant, Report)>, how: &str) {
    assert_eq!(reports.len(), Mutant::ALL.len(), "mutants run {how}");
    let mut survived = Vec::new();
    for (m, r) in &reports {
        if !m.rules().iter().any(|want| rules(r).contains(want)) {
            survived.push((m, rules(r)));
        }
    }
    println!(
        "kill rate {how}: {}/{} mutants",
        reports.len() - survived.len(),
        reports.len()
    );
    assert!(
        survived.is_empty(),
        "survivors {how} (mutant, rules found): {survived:?}"
    );
}

/// How many built-in bugs docs/MEASUREMENTS.md says `check` finds, of how many (its
/// "**N / N**"; the README's own count is held by tests/readme.rs).
fn measured_mutant_claim() -> (usize, usize) {
    let measurements = include_str!("../../docs/MEASUREMENTS.md");
    let row = measurements
        .lines()
        .find(|l| l.starts_with("| built-in bugs found by `check`"))
        .expect("the row of built-in bugs in docs/MEASUREMENTS.md");
    let claim = regex::Regex::new(r"\*\*(\d+) / (\d+)\*\*")
        .unwrap()
        .captures(row)
        .expect("a **N / N** figure");
    (claim[1].parse().unwrap(), claim[2].parse().unwrap())
}

#[test]
fn s7_strict_concurrency_phase_sends_required_properties() {
    // Found against our own endpoint: under strict (required_in_body) the S7 phase sent bodies
    // without createdDateTime/processingStatus, got 400s and reported a false S7 finding.
    rt().block_on(async {
        let r = check(&Profile::strict(), None, 1).await;
        assert!(!rules(&r).contains(&RuleId::S7), "{:#?}", r.findings);
        assert!(r.coverage.contains_key(&RuleId::S7));
    });
}

#[test]
fn selftest_check_kills_every_mutant_over_http_citing_its_rule() {
    let reports = rt().block_on(async {
        let mut v = Vec::new();
        for m in Mutant::ALL {
            v.push((m, check(&m.profile(), Some(m), 1).await));
        }
        v
    });
    assert_every_mutant_killed(reports, "over HTTP");
}

#[test]
fn selftest_check_kills_every_mutant_in_process_citing_only_its_rules() {
    let reports = rt().block_on(async {
        let mut v = Vec::new();
        for m in Mutant::ALL {
            v.push((m, run_in_process(&m.profile(), &[m], 1, 4, true).await));
        }
        v
    });
    let mut problems = Vec::new();
    for (m, r) in &reports {
        let wrong: Vec<_> = r
            .findings
            .iter()
            .filter(|f| !m.blamable().contains(&f.rule))
            .map(|f| (f.rule, f.clause.clone(), f.message.clone()))
            .collect();
        if !wrong.is_empty() {
            problems.push(format!("{m:?} blamed elsewhere: {wrong:#?}"));
        }
        // a finding names the clause the bug breaks (one of them, when it breaks several)
        let clauses: Vec<&str> = r.findings.iter().map(|f| f.clause.as_str()).collect();
        let named = |c: &&str| *c == m.clause() || m.also_breaks().contains(c);
        if !clauses.iter().any(named) {
            problems.push(format!(
                "{m:?}: no finding cites {}: {clauses:?}",
                m.clause()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_every_mutant_killed(reports, "in process");
}

#[test]
fn selftest_every_built_in_bug_is_counted_as_measurements_says() {
    // the kill tests above run every mutant of `Mutant::ALL` and fail on any survivor; this
    // holds the number they run to the one docs/MEASUREMENTS.md reports (109 / 109)
    assert_eq!(Mutant::ALL.len(), 109);
    assert_eq!(
        measured_mutant_claim(),
        (Mutant::ALL.len(), Mutant::ALL.len())
    );
    let mut names: Vec<String> = Mutant::ALL.iter().map(|m| format!("{m:?}")).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), Mutant::ALL.len(), "a mutant listed twice");
}

#[test]
fn s5_a_patch_that_differs_when_sent_again_is_found_by_the_idempotence_phase() {
    // before, no built-in bug broke S5, so the idempotence phase was never shown to report
    let r = assert_stack_precise(&[Mutant::NotIdempotent], 1);
    assert!(rules(&r).contains(&RuleId::S5), "{:?}", rules(&r));
}

#[test]
fn s7_lost_updates_among_eight_concurrent_patches_are_found_without_sleeps() {
    // the concurrency phase sends 8 PATCHes (more than the exhaustive check's 6): in process
    // the bug interleaves deterministically (it yields between its read and its write)
    for seed in [1, 2, 3] {
        let r = assert_stack_precise(&[Mutant::LostUpdates], seed);
        let s7 = r
            .findings
            .iter()
            .find(|f| f.rule == RuleId::S7)
            .expect("an S7 finding");
        assert!(s7.message.starts_with("8 concurrent"), "{}", s7.message);
    }
}

#[test]
fn t2_timestamps_stored_to_the_millisecond_are_found() {
    let r = assert_stack_precise(&[Mutant::CoarseTimestamps], 1);
    assert!(rules(&r).contains(&RuleId::T2), "{:?}", rules(&r));
}

#[test]
fn e2_generic_error_codes_are_found_under_strict_codes_and_ignored_otherwise() {
    rt().block_on(async {
        let strict = check_in_process(&Profile::strict(), &[Mutant::GenericErrorCodes], 1, 4).await;
        assert!(!strict.findings.is_empty());
        assert!(
            strict.findings.iter().all(|f| f.rule == RuleId::E2),
            "{:#?}",
            strict.findings
        );
        let graph = check_in_process(&Profile::graph(), &[Mutant::GenericErrorCodes], 1, 4).await;
        assert!(graph.findings.is_empty(), "{:#?}", graph.findings);
    });
}

#[test]
fn clause_coverage_the_default_run_puts_every_clause_to_the_test_but_the_listed_ones() {
    // a clause counts only when a request puts it to the test (a defect that breaks it, or a
    // valid feature that relies on it). What is never generated is listed here, so a generator
    // that stopped reaching a clause fails this test.
    use std::collections::BTreeSet;
    // R6: the contract says the harness never sends a query string (decision 27)
    let never: BTreeSet<&str> = ["R6"].into();
    let lenient = crate::support::lenient();
    let mut union: BTreeSet<String> = BTreeSet::new();
    rt().block_on(async {
        for (profile, missing) in [
            (Profile::graph(), vec!["R6", "H1.d", "B4.d", "T1.f"]),
            (Profile::strict(), vec![]),
            (Profile::graph_live(), vec![]),
            // the custom profile: T1.f (odata-abnf) is reached only here
            (lenient, vec![]),
        ] {
            let store = seeded(1, &profile);
            let target = ModelTarget::new(store.clone(), profile.clone());
            let r = Runner::new(&target, store, config(&profile, 1))
                .run()
                .await
                .unwrap();
            let not: Vec<&str> = tpr_harness::contract::clause::all()
                .iter()
                .map(|c| c.id.as_str())
                .filter(|id| !r.clause_coverage.contains_key(*id))
                .collect();
            if !missing.is_empty() {
                assert_eq!(not, missing, "{}", profile.name);
            }
            union.extend(r.clause_coverage.keys().cloned());
        }
    });
    let not: BTreeSet<&str> = tpr_harness::contract::clause::all()
        .iter()
        .map(|c| c.id.as_str())
        .filter(|id| !union.contains(*id))
        .collect();
    assert_eq!(not, never, "clauses no profile puts to the test");
}

#[test]
fn clause_findings_name_the_clause_each_bug_breaks() {
    // a finding names its rule and its clause: the defect's for a mishandled defect, the
    // variant's for a rejected valid request, the sentence for a wrong answer
    let table: [(Mutant, &str); 12] = [
        (Mutant::AcceptNullCreated, "B4.b"),
        (Mutant::CaseSensitiveSegments, "R4.a"),
        (Mutant::TimestampWithoutOffset, "T1.d"),
        (Mutant::CoarseTimestamps, "T2.b"),
        (Mutant::EmptyErrorBody, "E1"),
        (Mutant::NoPreferenceApplied, "H5.b"),
        (Mutant::NoContentInsteadOf200, "S4.c"),
        (Mutant::OpenEnum, "B6.b"),
        (Mutant::DuplicatesAccepted, "B2"),
        (Mutant::PutAccepted, "H1.c"),
        (Mutant::ReadOnlyTokenWrites, "H2.d"),
        (Mutant::NotIdempotent, "S5"),
    ];
    rt().block_on(async {
        for (m, clause) in table {
            let r = check_in_process(&m.profile(), &[m], 1, 4).await;
            let clauses: Vec<&str> = r.findings.iter().map(|f| f.clause.as_str()).collect();
            assert!(clauses.contains(&clause), "{m:?}: {clauses:?}");
            for f in &r.findings {
                assert!(
                    tpr_harness::contract::clause::find(&f.clause)
                        .is_some_and(|c| c.rule == f.rule),
                    "{m:?}: clause {} of rule {}",
                    f.clause,
                    f.rule
                );
            }
        }
    });
}

#[test]
fn s7_torn_writes_are_found_with_both_routes_and_no_sleeps() {
    // a server that writes a PATCH member by member, other requests running in between: with
    // members in either order two requests interleave into a state no serial order gives
    assert_cause(Mutant::TornWrites, "S7", &[]);
}
