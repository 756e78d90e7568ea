//! Reporters: they consume a finished [`Report`] (and its findings) and write JSON, JUnit XML
//! and the console summary. They never decide anything, and the runner never calls them.

use crate::contract::rule::RuleId;
use crate::run::{Finding, Report};
use std::fmt::Write;

pub use crate::run::repro::{TOKEN_PLACEHOLDER, curl, redact, rust_test, shell_quote, unredact};

/// The report as pretty JSON.
pub fn json(report: &Report) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default()
}

/// JUnit XML: one test case per clause of the contract (`R3.c`, or the rule id for a rule
/// without clauses); failed when a finding names it, skipped when no case put it to the test.
pub fn junit(report: &Report) -> String {
    use quick_junit::{NonSuccessKind, Report as JReport, TestCase, TestCaseStatus, TestSuite};
    let mut suite = TestSuite::new(format!(
        "tpr-harness contract v{} ({})",
        report.contract_version, report.profile
    ));
    for clause in crate::contract::clause::all() {
        let findings: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.clause == clause.id)
            .collect();
        let failed_cases = report.clause_failures.get(&clause.id).copied();
        let status = if !findings.is_empty() {
            let mut st = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let cases: u64 = findings.iter().map(|f| f.count.max(1)).sum();
            let text = findings
                .iter()
                .map(|f| format!("{}\n{}\n", f.message, f.curl))
                .collect::<String>();
            st.set_message(format!("{cases} failing case(s): {}", findings[0].message));
            st.set_description(text);
            st
        } else if let Some(n) = failed_cases {
            // the cases that tested it failed, and diagnosis filed them under another clause
            let mut st = TestCaseStatus::non_success(NonSuccessKind::Failure);
            st.set_message(format!(
                "{n} case(s) that put this clause to the test failed (filed under the clause diagnosis found to be the cause)"
            ));
            st
        } else if !report.clause_coverage.contains_key(&clause.id) {
            let mut st = TestCaseStatus::skipped();
            st.set_message("no case put this clause to the test");
            st
        } else {
            TestCaseStatus::success()
        };
        // cut between words, and say so
        let text = if clause.text.chars().count() <= 100 {
            clause.text.clone()
        } else {
            let head: String = clause.text.chars().take(100).collect();
            let cut = head.rfind(' ').unwrap_or(head.len());
            format!("{}…", &head[..cut])
        };
        let mut tc = TestCase::new(format!("{} {text}", clause.id), status);
        tc.set_classname(format!("tpr_harness.{}.{}", report.profile, clause.rule));
        suite.add_test_case(tc);
    }
    let mut r = JReport::new("tpr-harness check");
    r.add_test_suite(suite);
    r.to_string().unwrap_or_default()
}

/// The console summary: findings grouped by rule, every distinct cause with its count and one
/// shrunk example, then totals and why the run stopped early, if it did.
pub fn console(report: &Report) -> String {
    let mut s = String::new();
    let mut rules: Vec<RuleId> = report.findings.iter().map(|f| f.rule).collect();
    rules.sort();
    rules.dedup();
    for rule in &rules {
        let n = report.failures.get(rule).copied().unwrap_or(0);
        let causes = report.findings.iter().filter(|f| f.rule == *rule).count();
        let _ = writeln!(
            s,
            "\n{rule} {} ({causes} cause(s), {n} failing case(s))",
            rule.title()
        );
        for f in report.findings.iter().filter(|f| f.rule == *rule) {
            let _ = writeln!(
                s,
                "  - [{}] {} [{} case(s)]",
                f.clause,
                f.message,
                f.count.max(1)
            );
            if let (crate::run::Kind::RequestId, Some(a)) = (f.kind, &f.actual) {
                let _ = writeln!(
                    s,
                    "    expected: a request-id no answer carried before, got: `{}` again",
                    a.header("request-id").unwrap_or_default()
                );
            } else {
                let _ = writeln!(
                    s,
                    "    expected: {:?}, got: {}",
                    f.expected.statuses,
                    f.actual
                        .as_ref()
                        .map(|a| a.status.to_string())
                        .unwrap_or_else(|| "no answer".into())
                );
            }
            if let Some(line) = crate::run::repro::case_line(report, f) {
                let _ = writeln!(s, "    case:     {line}");
            }
            if !f.sequence.is_empty() {
                let _ = writeln!(
                    s,
                    "    after {} earlier request(s) (in the JSON report)",
                    f.sequence.len()
                );
            }
            let _ = writeln!(s, "    {}", f.curl);
        }
    }
    let exercised = report.coverage.len();
    let _ = writeln!(
        s,
        "\n{} finding(s) ({} failing case(s)) against {} (profile {}, seed {}): {} cases, {} requests in {} ms with {} lane(s), {} of {} rules exercised",
        report.findings.len(),
        report.failures.values().sum::<u64>(),
        report.base_url,
        report.profile,
        report.seed,
        report.cases,
        report.requests,
        report.duration_ms,
        report.lanes,
        exercised,
        RuleId::ALL.len()
    );
    let all = crate::contract::clause::all();
    let missing: Vec<&str> = all
        .iter()
        .filter(|c| !report.clause_coverage.contains_key(&c.id))
        .map(|c| c.id.as_str())
        .collect();
    let _ = writeln!(
        s,
        "{} of {} clauses of contract {} put to the test{}",
        all.len() - missing.len(),
        all.len(),
        report.contract_version,
        if missing.is_empty() {
            String::new()
        } else {
            format!("; not exercised: {}", missing.join(" "))
        }
    );
    if let Some(st) = &report.stopped {
        let _ = writeln!(s, "stopped early: {}", st.message);
    }
    s
}
