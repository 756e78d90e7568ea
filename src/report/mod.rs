//! Reporters: they consume a finished [`Report`] (and its findings) and write JSON, JUnit XML
//! and the console summary. They never decide anything, and the runner never calls them.

use crate::rule::RuleId;
use crate::run::{Finding, Report};
use std::fmt::Write;

pub use crate::run::repro::{TOKEN_PLACEHOLDER, curl, redact, rust_test, shell_quote, unredact};

/// The report as pretty JSON.
pub fn json(report: &Report) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default()
}

/// JUnit XML: one test case per rule id; failed when it has findings, skipped when no case
/// exercised it.
pub fn junit(report: &Report) -> String {
    use quick_junit::{NonSuccessKind, Report as JReport, TestCase, TestCaseStatus, TestSuite};
    let mut suite = TestSuite::new(format!(
        "tpr-harness contract v{} ({})",
        report.contract_version, report.profile
    ));
    for rule in RuleId::ALL {
        let findings: Vec<&Finding> = report.findings.iter().filter(|f| f.rule == *rule).collect();
        let failures = report.failures.get(rule).copied().unwrap_or(0);
        let status = if !findings.is_empty() || failures > 0 {
            let mut st = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let text = findings
                .iter()
                .map(|f| format!("{}\n{}\n", f.message, f.curl))
                .collect::<String>();
            st.set_message(format!(
                "{failures} failing case(s): {}",
                findings.first().map(|f| f.message.as_str()).unwrap_or("")
            ));
            st.set_description(text);
            st
        } else if report.coverage.get(rule).copied().unwrap_or(0) == 0 {
            let mut st = TestCaseStatus::skipped();
            st.set_message("no case exercised this rule");
            st
        } else {
            TestCaseStatus::success()
        };
        let mut tc = TestCase::new(format!("{rule} {}", rule.title()), status);
        tc.set_classname(format!("tpr_harness.{}", report.profile));
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
            let _ = writeln!(s, "  - {} [{} case(s)]", f.message, f.count.max(1));
            let _ = writeln!(
                s,
                "    expected: {:?}, got: {}",
                f.expected.statuses,
                f.actual
                    .as_ref()
                    .map(|a| a.status.to_string())
                    .unwrap_or_else(|| "no answer".into())
            );
            if f.phase != "preflight" && f.phase != "concurrency" {
                let _ = writeln!(
                    s,
                    "    case:     tpr-harness cases --seed {} --phase {} --index {}",
                    f.seed, f.phase, f.case_index
                );
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
        report.jobs,
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
