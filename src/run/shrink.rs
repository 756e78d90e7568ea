//! Rejections of valid requests (which variant, T3, B4.a, H1), greedy shrinking against the
//! implementation, and filing a shrunk failure as a finding.

use super::findings::cause_key;
use super::judge::{Kind, Verdict};
use super::session::{Failure, Origin, Session};
use super::{Event, Finding};
use crate::contract::clause::ClauseId;
use crate::contract::rule::RuleId;
use crate::contract::spec::{ProcessingStatus, TaskProcessingResult};
use crate::generate::variants::{shrink_candidates, variants};
use crate::generate::{self, Case, CaseSpec, MemberSpec};
use crate::model::invariants::Detail;

impl<'s, 'a> Session<'s, 'a> {
    /// A valid request was rejected: remove valid variants one at a time while it stays
    /// rejected; what remains is the cause, filed under its variant's rule.
    pub(super) async fn diagnose_rejection(&mut self, f: Failure, at: Origin) -> String {
        let kind = f.verdict.kind;
        let status = f.response.as_ref().map(|r| r.status);
        let shrunk = self
            .shrink(&f.case, f.before.clone(), |w, st| {
                w.kind == kind && (kind == Kind::Rejected || st == status)
            })
            .await
            .unwrap_or(f);
        let (small, sbefore) = (&shrunk.case, shrunk.before.as_ref());
        let mut sv = shrunk.verdict.clone();
        let left = variants(&small.spec);
        // B4.a: a PATCH may omit a required property. When the same PATCH naming both is
        // accepted, the omission is what it was rejected for
        let omits = |s: &CaseSpec| {
            let named = |f: fn(&MemberSpec) -> bool| s.members.iter().any(f);
            !named(|m| matches!(m, MemberSpec::Created(_)))
                || !named(|m| matches!(m, MemberSpec::Status(_)))
        };
        let rejected = sv.kind == Kind::Rejected;
        let omission = if rejected && left.is_empty() && !small.spec.get && omits(&small.spec) {
            let mut full = small.spec.clone();
            full.members
                .push(MemberSpec::Created(generate::TsSpec::new_year(2025)));
            full.members
                .push(MemberSpec::Status(ProcessingStatus::InProgress));
            self.right_without(small, &full, sbefore, &|w: &Verdict| {
                w.kind == Kind::Rejected
            })
            .await
                == Some(true)
        } else {
            false
        };
        // T3: two timestamps each accepted alone and rejected together: their order
        let stamps = left
            .iter()
            .filter(|x| x.name.ends_with(" timestamp"))
            .count();
        match left.first() {
            Some(_) if rejected && stamps >= 2 && stamps == left.len() => {
                let names: Vec<&str> = left.iter().map(|v| v.name).collect();
                sv.blame(
                    ClauseId::T3,
                    &format!(
                        "cause: {} together, each accepted alone: an order between them is not part of the contract",
                        names.join(" + ")
                    ),
                );
            }
            Some(first) => {
                let names: Vec<&str> = left.iter().map(|v| v.name).collect();
                sv.blame(first.clause, &format!("cause: {}", names.join(" + ")));
            }
            None if omission => {
                sv.blame(
                    ClauseId::B4a,
                    "cause: a required property omitted; the same PATCH naming both is accepted",
                );
            }
            None => {
                // nothing it carries is the cause: the method itself is not served (H1)
                if small.request.method == "GET" {
                    sv.set_clause(ClauseId::H1b);
                } else if status == Some(405) {
                    sv.set_clause(ClauseId::H1a);
                }
                sv.message = format!(
                    "{} (a plain valid {}: no variant involved)",
                    sv.message, small.request.method
                );
            }
        }
        self.file(
            Failure {
                verdict: sv,
                ..shrunk
            },
            at,
        )
    }

    /// Greedy shrinking against the implementation: keeps a candidate while `same` holds for
    /// its primary verdict. Restores the addressed entity before every attempt.
    pub(super) async fn shrink(
        &mut self,
        case: &Case,
        before: Option<TaskProcessingResult>,
        same: impl Fn(&Verdict, Option<u16>) -> bool,
    ) -> Option<Failure> {
        let mut best: Option<Failure> = None;
        let mut spec = case.spec.clone();
        let mut budget = self.shared.config.shrink_budget;
        'outer: loop {
            for cand in shrink_candidates(&spec) {
                if budget == 0 || self.shared.stopped() {
                    break 'outer;
                }
                budget -= 1;
                if let (Some(id), Some(pre)) = (&case.target, &before) {
                    self.restore(id, pre).await;
                }
                let c = cand.build(&self.store, self.profile());
                let cb = self.before_of(&c);
                let checked = self.check(&c).await;
                if checked.interrupted {
                    break 'outer;
                }
                let st = checked.response.as_ref().map(|r| r.status);
                if let Some(v) = checked.verdicts.into_iter().find(|v| same(v, st)) {
                    spec = cand;
                    best = Some(Failure {
                        verdict: v,
                        case: c,
                        response: checked.response,
                        expected: checked.expected,
                        before: cb,
                    });
                    continue 'outer;
                }
            }
            break;
        }
        // re-establish the shrunk failure from its own pre-state for the report
        if let Some(Failure {
            case: c,
            before: Some(pre),
            ..
        }) = &best
        {
            if let Some(id) = &c.target {
                self.restore(id, pre).await;
            }
        }
        best
    }

    /// Files a verdict as a finding (or counts it under its known cause). Returns the cause key.
    pub(super) fn file(&mut self, f: Failure, at: Origin) -> String {
        let Failure {
            verdict: v,
            case,
            response: resp,
            expected,
            before,
        } = f;
        let Origin { phase, index } = at;
        let cause = cause_key_of(&v, &case, resp.as_ref().map(|r| r.status));
        if self.collector.count(&cause, v.rule) {
            return cause;
        }
        let base = self.shared.target.describe();
        let request = super::repro::redact(&case.request, &self.shared.tokens_write);
        let sequence = if v.kind == Kind::Stopped {
            self.recent
                .iter()
                .map(|r| super::repro::redact(r, &self.shared.tokens_write))
                .collect()
        } else {
            vec![]
        };
        let f = Finding {
            rule: v.rule,
            clause: v.clause.to_string(),
            title: format!("{}: {}", v.rule, v.rule.title()),
            kind: v.kind,
            cause: cause.clone(),
            count: 1,
            message: v.message,
            phase: phase.to_string(),
            seed: self.shared.config.seed,
            case_index: index,
            defects: case.defects.clone(),
            spec: Some(case.spec.clone()),
            before: before.map(|b| b.to_json(true)),
            curl: super::repro::curl(&base, &request),
            rust_test: super::repro::rust_test(&base, v.rule, &request, &expected.statuses),
            request,
            sequence,
            expected,
            actual: resp.map(|r| r.clipped(self.shared.config.max_kept_body)),
        };
        self.shared.emit(&Event::Finding(Box::new(f.clone())));
        self.collector.add(f);
        cause
    }
}

/// The cause a verdict on `case` is filed under (answered `status`): its clause and kind, the
/// property and how it differed, the method ("(another method)" for a method defect), its
/// defects by kind and clause (E4: the order of checks broken) and, for a rejection, the valid
/// variants it carries.
fn cause_key_of(v: &Verdict, case: &Case, status: Option<u16>) -> String {
    // a defect kind by its name and clause: kinds of one family (timestamp flaws) that
    // break different clauses are different causes
    let defects: Vec<String> = if v.clause == ClauseId::E4 {
        // an order of checks the contract does not demand is one cause per pair of the
        // classes E4 orders, whichever defects of those classes met (found on a real
        // server: 45 causes for five orders)
        vec![precedence_pair(&case.defects, status)]
    } else {
        case.defects
            .iter()
            .map(|d| format!("{}@{}", d.variant(), d.clause()))
            .collect()
    };
    let names: Vec<&str> = variants(&case.spec).iter().map(|v| v.name).collect();
    let variant_names: Vec<&str> = if v.kind == Kind::Rejected {
        names
    } else {
        vec![]
    };
    let property = v.property.map(|p| match v.detail {
        Detail::None => p.to_string(),
        d => format!("{p} {}", d.as_str()),
    });
    // a request whose method is its defect: one cause whatever other method it was (a
    // server answering every other method 400 is one bug, not one per method)
    let method = if case.defects.iter().any(|d| d.rule() == RuleId::H1) {
        "(another method)"
    } else {
        case.request.method.as_str()
    };
    cause_key(
        v.clause,
        v.kind,
        property.as_deref(),
        method,
        &defects,
        &variant_names,
        status,
    )
}

/// The pair of E4's classes an answer put in the wrong order: the class the contract demands
/// first, and the class of the status answered (`"401/403 before body 400"`).
fn precedence_pair(defects: &[crate::generate::defect::Defect], status: Option<u16>) -> String {
    use crate::generate::defect::Defect;
    let first = defects.iter().map(|d| d.rank()).min().unwrap_or(6);
    let answered = defects
        .iter()
        .filter(|d| Some(d.status()) == status)
        .map(|d| d.rank())
        .min();
    let answered = match (answered, status) {
        (Some(r), _) => Defect::rank_name(r).to_string(),
        (None, Some(s)) => s.to_string(),
        (None, None) => "no answer".to_string(),
    };
    format!("{} before {answered}", Defect::rank_name(first))
}
