//! The findings collector: one [`Finding`] per (rule, cause), however many cases hit it. The
//! cause key is built from what the *shrunk* case carries (its rule, kind, property, method,
//! defect kinds, valid variants and the status class that came back), so one bug met through
//! many random cases is one finding with a count, and two bugs under one rule are two.

use super::{Finding, Kind};
use crate::contract::clause::ClauseId;
use crate::contract::rule::RuleId;
use std::collections::BTreeMap;

/// The cause key of a verdict on a case. It starts with the clause, so two clauses never share
/// a cause.
pub fn cause_key(
    clause: ClauseId,
    kind: Kind,
    property: Option<&str>,
    method: &str,
    defects: &[String],
    variants: &[&str],
    status: Option<u16>,
) -> String {
    let mut k = format!("{clause} {kind:?}");
    if let Some(p) = property {
        k.push_str(&format!(" property={p}"));
    }
    match kind {
        // the transport failed whatever the request said: one cause per method
        Kind::NoAnswer | Kind::Oversized => k.push_str(&format!(" {method}")),
        // a valid request rejected for its variants: the variants are the cause, whatever the
        // method
        Kind::Rejected if !variants.is_empty() => {
            k.push_str(&format!(" variants={}", variants.join("+")));
        }
        // what matters is the request shape that provoked it
        Kind::Rejected
        | Kind::Accepted
        | Kind::WrongStatus
        | Kind::ServerError
        | Kind::Stopped
        | Kind::SuccessShape => {
            k.push_str(&format!(" {method}"));
            if !defects.is_empty() {
                k.push_str(&format!(" defects={}", defects.join("+")));
            }
            if !variants.is_empty() {
                k.push_str(&format!(" variants={}", variants.join("+")));
            }
        }
        _ => {}
    }
    if let (Some(s), Kind::Rejected | Kind::WrongStatus | Kind::Envelope | Kind::SuccessShape) =
        (status, kind)
    {
        k.push_str(&format!(" got={s}"));
    }
    k
}

/// Distinct causes a collector keeps findings for.
pub const MAX_CAUSES: usize = 256;

/// Collects findings of one workflow (or a whole run), keyed by cause.
#[derive(Debug, Default, Clone)]
pub struct Collector {
    by_cause: BTreeMap<String, usize>,
    findings: Vec<Finding>,
    failures: BTreeMap<RuleId, u64>,
}

impl Collector {
    /// Whether this cause already has a finding.
    pub fn has(&self, cause: &str) -> bool {
        self.by_cause.contains_key(cause)
    }

    /// Counts one more case for a known cause; false if unknown. The case counts under the
    /// rule its finding was filed under (`_rule`, the verdict's before diagnosis, is not it when
    /// diagnosis blamed another clause: counts and findings would disagree).
    pub fn count(&mut self, cause: &str, _rule: RuleId) -> bool {
        match self.by_cause.get(cause) {
            Some(&i) => {
                self.findings[i].count += 1;
                *self.failures.entry(self.findings[i].rule).or_default() += 1;
                true
            }
            None => false,
        }
    }

    /// Adds a finding (or counts it when its cause is known). Returns true when it is new.
    /// Past [`MAX_CAUSES`] distinct causes, new ones are only counted (memory stays bounded
    /// whatever the implementation does).
    pub fn add(&mut self, f: Finding) -> bool {
        *self.failures.entry(f.rule).or_default() += f.count.max(1);
        if let Some(&i) = self.by_cause.get(&f.cause) {
            self.findings[i].count += f.count.max(1);
            return false;
        }
        if self.findings.len() >= MAX_CAUSES {
            return false;
        }
        self.by_cause.insert(f.cause.clone(), self.findings.len());
        self.findings.push(f);
        true
    }

    /// Merges another collector's findings in (workflows are merged in workflow order, so the result
    /// does not depend on how many lanes ran them).
    pub fn merge(&mut self, other: Collector) {
        for f in other.findings {
            let n = f.count.max(1);
            if let Some(&i) = self.by_cause.get(&f.cause) {
                self.findings[i].count += n;
            } else if self.findings.len() < MAX_CAUSES {
                self.by_cause.insert(f.cause.clone(), self.findings.len());
                self.findings.push(f);
            }
        }
        for (r, n) in other.failures {
            *self.failures.entry(r).or_default() += n;
        }
    }

    /// The findings, ordered by rule then by first appearance, and the failures per rule.
    pub fn finish(self) -> (Vec<Finding>, BTreeMap<RuleId, u64>) {
        let mut f = self.findings;
        f.sort_by_key(|f| f.rule);
        (f, self.failures)
    }
}

#[cfg(test)]
mod cause_key_tests {
    use super::*;

    #[test]
    fn cause_key_tells_causes_apart_by_what_provokes_them() {
        let key = |kind, method, variants: &[&str], status| {
            cause_key(ClauseId::S2, kind, None, method, &[], variants, status)
        };
        // the transport failed: one cause per method
        assert_ne!(
            key(Kind::NoAnswer, "PATCH", &[], None),
            key(Kind::NoAnswer, "GET", &[], None)
        );
        assert_ne!(
            key(Kind::Oversized, "PATCH", &[], None),
            key(Kind::Oversized, "GET", &[], None)
        );
        // a rejection for its variants: one cause whatever the method, two variants two causes
        assert_eq!(
            key(Kind::Rejected, "PATCH", &["via-task route"], Some(400)),
            key(Kind::Rejected, "GET", &["via-task route"], Some(400))
        );
        assert_ne!(
            key(Kind::Rejected, "PATCH", &["via-task route"], Some(400)),
            key(Kind::Rejected, "PATCH", &["segment case"], Some(400))
        );
        // a defect answered wrongly: one cause per defect kind
        let wrong = |defects: &[String]| {
            cause_key(
                ClauseId::B1b,
                Kind::WrongStatus,
                None,
                "PATCH",
                defects,
                &[],
                Some(500),
            )
        };
        assert_ne!(wrong(&["Truncated".into()]), wrong(&["EmptyBody".into()]));
        assert_ne!(wrong(&["Truncated".into()]), wrong(&[]));
        // two clauses never share a cause, whatever else the verdicts share
        assert_ne!(
            cause_key(
                ClauseId::T1b,
                Kind::Accepted,
                None,
                "PATCH",
                &[],
                &[],
                Some(200)
            ),
            cause_key(
                ClauseId::T1c,
                Kind::Accepted,
                None,
                "PATCH",
                &[],
                &[],
                Some(200)
            )
        );
        // a plain valid request rejected: by method
        assert_ne!(
            key(Kind::Rejected, "PATCH", &[], Some(405)),
            key(Kind::Rejected, "GET", &[], Some(405))
        );
    }
}

#[cfg(test)]
mod collector_tests {
    use super::*;

    #[test]
    fn h2_b_a_case_counted_under_a_cause_counts_under_the_rule_its_finding_names() {
        // found as a new user: "H2 (1 cause, 114 failing cases)" above "[H2.b] … [134
        // cases]": a case met again was counted under its verdict's rule before diagnosis
        let mut c = Collector::default();
        let mut f = finding(RuleId::H2, "H2.b x", 1);
        f.count = 1;
        c.add(f);
        assert!(c.count("H2.b x", RuleId::S2));
        let (findings, failures) = c.finish();
        assert_eq!(findings[0].count, 2);
        assert_eq!(failures.get(&RuleId::H2), Some(&2));
        assert_eq!(failures.get(&RuleId::S2), None);
    }
    use crate::contract::spec::Request;
    use crate::run::Expected;

    fn finding(rule: RuleId, cause: &str, count: u64) -> Finding {
        Finding {
            rule,
            clause: String::new(),
            title: String::new(),
            kind: Kind::WrongStatus,
            cause: cause.into(),
            count,
            message: String::new(),
            phase: "random".into(),
            seed: 1,
            case_index: 0,
            defects: vec![],
            spec: None,
            before: None,
            request: Request::new("PATCH", "/x"),
            sequence: vec![],
            expected: Expected {
                statuses: vec![400],
                body: None,
                rules: vec![rule],
            },
            actual: None,
            curl: String::new(),
            rust_test: String::new(),
        }
    }

    #[test]
    fn findings_collector_counts_each_case_once_per_cause_and_failures_per_rule() {
        let mut c = Collector::default();
        assert!(!c.has("a"));
        assert!(!c.count("a", RuleId::B1), "an unknown cause is not counted");
        assert!(c.add(finding(RuleId::B1, "a", 1)));
        assert!(c.has("a") && !c.has("b"));
        assert!(c.count("a", RuleId::B1));
        assert!(c.count("a", RuleId::B1));
        // a known cause added again is counted with its own count (0 counts as 1)
        assert!(!c.add(finding(RuleId::B1, "a", 3)));
        assert!(!c.add(finding(RuleId::B1, "a", 0)));
        assert!(c.add(finding(RuleId::H2, "b", 2)));
        let (f, failures) = c.clone().finish();
        assert_eq!(f.len(), 2);
        assert_eq!((f[0].rule, f[0].count), (RuleId::H2, 2), "ordered by rule");
        assert_eq!((f[1].rule, f[1].count), (RuleId::B1, 1 + 2 + 3 + 1));
        assert_eq!(failures.get(&RuleId::B1), Some(&7));
        assert_eq!(failures.get(&RuleId::H2), Some(&2));
        // merging adds counts of shared causes and keeps the others
        let mut other = Collector::default();
        other.add(finding(RuleId::B1, "a", 5));
        other.add(finding(RuleId::E3, "c", 0));
        c.merge(other);
        let (f, failures) = c.finish();
        let count = |cause: &str| f.iter().find(|x| x.cause == cause).map(|x| x.count);
        assert_eq!(count("a"), Some(12));
        assert_eq!(count("b"), Some(2));
        assert_eq!(
            count("c"),
            Some(0),
            "a merged new finding keeps its own count"
        );
        assert_eq!(failures.get(&RuleId::B1), Some(&12));
        assert_eq!(failures.get(&RuleId::E3), Some(&1));
    }

    #[test]
    fn findings_collector_keeps_at_most_max_causes_and_still_counts_the_rest() {
        let mut c = Collector::default();
        for i in 0..MAX_CAUSES + 10 {
            let new = c.add(finding(RuleId::S2, &format!("cause {i}"), 1));
            assert_eq!(new, i < MAX_CAUSES, "{i}");
        }
        let mut more = Collector::default();
        more.add(finding(RuleId::S2, "one more", 1));
        c.merge(more);
        let (f, failures) = c.finish();
        assert_eq!(f.len(), MAX_CAUSES);
        assert!(!f.iter().any(|x| x.cause == "one more"));
        assert_eq!(failures.get(&RuleId::S2), Some(&(MAX_CAUSES as u64 + 11)));
    }
}
