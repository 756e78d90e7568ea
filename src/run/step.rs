//! The one step: build a case, predict it with the model, send it, judge the answer and the
//! state it leaves (through the pure judge), then hand each verdict to diagnosis.

use super::judge::{self, Kind, Verdict};
use super::session::{Checked, Failure, Observed, Origin, Session};
use super::{Event, Expected};
use crate::contract::clause::ClauseId;
use crate::contract::profile::Profile;
use crate::contract::spec::{NOT_UPDATABLE, TaskProcessingResult};
use crate::generate::defect::Defect;
use crate::generate::{Case, CaseSpec};
use crate::model;
use crate::sut::TransportError;
use std::sync::atomic::Ordering;

/// What a judged answer keeps for diagnosis and findings: its status, headers and the first
/// `max` bytes of its body with its length (a large body is judged, then not held on to).
pub(super) fn kept(resp: crate::sut::Response, max: usize) -> crate::sut::Response {
    if resp.body.len() <= max {
        resp
    } else {
        resp.clipped(max)
    }
}

/// Bodies longer than this, as sent, make a case large.
pub(super) const LARGE_BODY: usize = 64 * 1024;

/// Whether a case's body is large as sent or once decoded (H4's over-size body, H6.d's bomb):
/// its request, its copies on the way and its decoding each hold megabytes.
pub(super) fn is_large(case: &Case) -> bool {
    case.request.body.len() > LARGE_BODY
        || case.defects.iter().any(|d| {
            matches!(
                d,
                Defect::Oversize
                    | Defect::OversizeAfterValue
                    | Defect::GzipBomb
                    | Defect::GzipHugeBomb
            )
        })
}

/// Whether a spec builds a large body (see [`is_large`]): padded to the limit, past it, a gzip
/// bomb, or B10's long text; known before it is built.
pub(super) fn may_be_large(spec: &CaseSpec) -> bool {
    spec.pad_to_limit
        || spec.defects.iter().any(|d| {
            matches!(
                d,
                Defect::Oversize
                    | Defect::OversizeAfterValue
                    | Defect::GzipBomb
                    | Defect::GzipHugeBomb
            )
        })
        || spec.members.iter().any(
            |m| matches!(m, crate::generate::MemberSpec::FailureReason(Some(t)) if t.repeat > 0),
        )
}

impl<'s, 'a> Session<'s, 'a> {
    pub(super) async fn run_case(&mut self, spec: CaseSpec, phase: &'static str, index: usize) {
        let epoch = self.shared.epoch.load(Ordering::SeqCst);
        if epoch != self.epoch {
            self.epoch = epoch;
            self.resync_all().await;
        }
        self.settle().await;
        if self.store.is_empty() {
            return; // every entity of the workflow was retired
        }
        // a case with a large body (as sent or decoded) is built and runs while no other lane
        // runs one: what the run holds stays within a fixed budget, whatever the number of lanes
        let mut large = if may_be_large(&spec) {
            self.shared.large.acquire().await.ok()
        } else {
            None
        };
        let case = spec.build(&self.store, self.profile());
        if large.is_none() && is_large(&case) {
            large = self.shared.large.acquire().await.ok();
        }
        let _large = large;
        self.cases += 1;
        for r in case.rules() {
            *self.coverage.entry(r).or_default() += 1;
        }
        for c in case.clauses(self.profile()) {
            self.clause(c);
        }
        self.shared.emit(&Event::Case);
        let before = self.before_of(&case);
        let mut checked = self.check(&case).await;
        if checked.rerun {
            // in flight when the implementation went down, and answered when sent again alone:
            // not the cause; the case runs again from the state the workflow re-read
            self.settle().await;
            let case = case.spec.build(&self.store, self.profile());
            let before = self.before_of(&case);
            checked = self.check(&case).await;
            if !checked.interrupted {
                return self.diagnose_all(checked, case, before, phase, index).await;
            }
        }
        if checked.interrupted {
            return;
        }
        self.diagnose_all(checked, case, before, phase, index).await;
    }

    /// Every verdict of a checked case, each diagnosed as a cause of its own.
    async fn diagnose_all(
        &mut self,
        checked: Checked,
        case: Case,
        before: Option<TaskProcessingResult>,
        phase: &'static str,
        index: usize,
    ) {
        let mut verdicts = checked.verdicts;
        // a state difference may predate the request: decide drift (S6) before anything else
        if let Some(i) = verdicts.iter().position(|v| v.kind == Kind::State) {
            let status = checked.response.as_ref().map(|r| r.status);
            if let Some(drift) = self
                .drift(&verdicts[i], &case, before.as_ref(), status)
                .await
            {
                verdicts[i] = drift;
            }
        }
        // every verdict is a cause of its own and gets its own diagnosis (a state difference
        // first: it may explain the rest); causes met before are only counted
        if let Some(i) = verdicts.iter().position(|v| v.kind == Kind::State) {
            let v = verdicts.remove(i);
            verdicts.insert(0, v);
        }
        // the clauses this failing case put to the test and failed, whatever cause diagnosis
        // files it under: each verdict's own, and a mishandled defect's
        // (a rejected valid request names the clause of what it was rejected for only after
        // diagnosis: its finding marks that one)
        let mut failed: Vec<String> = verdicts
            .iter()
            .filter(|v| v.kind != Kind::Rejected)
            .map(|v| v.clause.to_string())
            .collect();
        if verdicts
            .iter()
            .any(|v| matches!(v.kind, Kind::Accepted | Kind::WrongStatus))
        {
            failed.extend(case.defects.iter().map(|d| d.clause().to_string()));
        }
        failed.sort();
        failed.dedup();
        for c in failed {
            *self.clause_failures.entry(c).or_default() += 1;
        }
        for v in verdicts {
            if !self.shared.stopped() {
                self.settle().await;
            }
            let failure = Failure {
                verdict: v,
                case: case.clone(),
                response: checked.response.clone(),
                expected: checked.expected.clone(),
                before: before.clone(),
            };
            self.diagnose(failure, Origin { phase, index }).await;
        }
    }

    pub(super) fn before_of(&self, case: &Case) -> Option<TaskProcessingResult> {
        case.target
            .as_ref()
            .and_then(|id| self.store.get(id).map(|e| e.value.clone()))
    }

    /// Sends a case, judges the answer, observes the state it leaves and keeps the session's store
    /// in step with the implementation.
    pub(super) async fn check(&mut self, case: &Case) -> Checked {
        let profile = self.shared.config.profile.clone();
        let before = self.store.clone();
        let out = model::apply(&mut self.store, &case.request, &profile);
        let expected = Expected {
            statuses: out.statuses(),
            body: out.answers[0].json(),
            rules: out.rules(),
        };
        let epoch = self.shared.epoch.load(Ordering::SeqCst);
        let resp = match self.send(&case.request).await {
            Ok(r) => r,
            Err(e) => {
                self.store = before;
                return match &e {
                    TransportError::Unsendable(_) => Checked::interrupted(expected, false),
                    // no complete answer, whatever the way (refused, broken, timed out): sent
                    // again alone before anything is blamed; a crash another lane's request
                    // caused, or a timeout under the load of the other lanes, is not this one's
                    e => self.after_failure(case, e, epoch, expected).await,
                };
            }
        };
        let stored = before.status_of(case.target.as_deref()).map(|s| s.as_str());
        let mut verdicts = judge::answer_verdicts(case, &out, &resp, stored, &profile);
        let method = case.request.method.as_str();
        let accepted_wrongly = verdicts.first().is_some_and(|v| v.kind == Kind::Accepted);
        if accepted_wrongly && self.retired_structural_probe(case, &profile) {
            return Checked {
                verdicts,
                response: Some(kept(resp, self.shared.config.max_kept_body)),
                expected,
                interrupted: false,
                unobserved: false,
                rerun: false,
            };
        }
        let observe = method == "PATCH" || (!verdicts.is_empty() && method != "GET");
        let judge_state = judge::observation::state_is_judged(&out, &resp, &verdicts);
        let target = case.target.clone().or_else(|| {
            if accepted_wrongly {
                self.addressed_anyway(case)
            } else {
                None
            }
        });
        if method == "PATCH" && (200..300).contains(&resp.status) {
            self.adopt_alias_write(case, target.as_deref(), &profile)
                .await;
        }
        let mut unobserved = false;
        if let (true, Some(id)) = (observe, target) {
            let after = After {
                request: &case.request,
                outcome: &out,
                response: &resp,
                judge_state,
            };
            match self.judge_read_back(&id, after, &mut verdicts).await {
                ReadBack::Judged => {}
                ReadBack::Unobserved => unobserved = true,
                ReadBack::NoAnswer => return Checked::interrupted(expected, true),
            }
        }
        Checked {
            verdicts,
            response: Some(kept(resp, self.shared.config.max_kept_body)),
            expected,
            interrupted: false,
            unobserved,
            rerun: false,
        }
    }

    /// State safety: a wrongly accepted probe that may have changed more than values (another
    /// method, a navigation or read-only property) retires its entity. Whether it was one.
    fn retired_structural_probe(&mut self, case: &Case, profile: &Profile) -> bool {
        let method = case.request.method.as_str();
        let names = judge::observation::body_names(&case.request, profile);
        let structural = method != "PATCH" && method != "GET"
            || names.iter().any(|n| NOT_UPDATABLE.contains(&n.as_str()));
        if structural {
            if let Some(id) = self.addressed_anyway(case) {
                self.retire(&id);
            }
        }
        structural
    }

    /// An implementation resolving an alias to the entity before `/task/` ({t0}) writes that
    /// one: after a 2xx to an alias PATCH it is read back and adopted, so a write there is
    /// known before a later case addresses it, and not blamed on that case (S3).
    async fn adopt_alias_write(&mut self, case: &Case, target: Option<&str>, profile: &Profile) {
        let t0 = crate::contract::path::Route::parse(&case.request.path, profile)
            .ok()
            .filter(|r| r.via_task.is_some())
            .map(|r| r.result)
            .filter(|t0| target != Some(t0.as_str()) && self.store.get(t0).is_some());
        if let Some(t0) = t0 {
            if let Observed::Seen(seen) = self.observe(&t0).await {
                self.resync(&t0, &seen);
            }
        }
    }

    /// Reads `id` back after a request and adds what the read shows to `verdicts` (through the
    /// pure judge), keeping the session's store in step: a right state is adopted, a vanished
    /// entity or one every read fails on is retired.
    async fn judge_read_back(
        &mut self,
        id: &str,
        after: After<'_>,
        verdicts: &mut Vec<Verdict>,
    ) -> ReadBack {
        let profile = self.shared.config.profile.clone();
        let out = after.outcome;
        match self.observe(id).await {
            Observed::Seen(seen) => {
                let model_view = self.store.get(id).map(|e| e.value.to_json(true));
                let observation = judge::observation::Observation {
                    request: after.request,
                    outcome: out,
                    response: after.response,
                    model_view: model_view.as_ref(),
                    seen: &seen,
                    shapes: std::mem::take(&mut self.shape),
                    judge_state: after.judge_state,
                };
                judge::observation::judge_observation(verdicts, observation, &profile);
                self.resync(id, &seen);
                if after.judge_state && out.updated.is_some() {
                    if let Some(v) = self.sibling_check(id).await {
                        verdicts.push(v);
                    }
                }
                ReadBack::Judged
            }
            Observed::Gone => {
                if after.judge_state {
                    let clause = if out.is_success() {
                        ClauseId::S2
                    } else {
                        ClauseId::S3
                    };
                    verdicts.push(Verdict::new(
                        clause,
                        Kind::State,
                        format!("after this request `{id}` no longer exists"),
                    ));
                }
                self.retire(id);
                ReadBack::Judged
            }
            // the read got no answer (the implementation went down meanwhile, say): it says
            // nothing about this request, which runs again once the entity is read back
            Observed::Failed(v) if v.kind == Kind::NoAnswer => {
                if !self.unknown.iter().any(|u| u == id) {
                    self.unknown.push(id.to_string());
                }
                ReadBack::NoAnswer
            }
            Observed::Failed(v) => {
                if verdicts.is_empty() {
                    verdicts.push(v);
                }
                ReadBack::Unobserved
            }
            Observed::Poisoned(v) => {
                verdicts.insert(0, v);
                self.retire(id);
                ReadBack::Unobserved
            }
            Observed::Skipped => ReadBack::Judged,
        }
    }
}

/// A request and its answers, as the read right after it is judged against them.
struct After<'c> {
    request: &'c crate::contract::spec::Request,
    outcome: &'c model::Outcome,
    response: &'c crate::sut::Response,
    judge_state: bool,
}

/// What reading an entity back after a request came to.
enum ReadBack {
    /// Read (or vanished, or not to be read) and judged.
    Judged,
    /// The read failed: the state is no evidence either way.
    Unobserved,
    /// The read got no answer: the request runs again once the entity is read back.
    NoAnswer,
}
