//! The stateful phases: siblings (S6), the same PATCH twice (S5), isolation reads (S6) and
//! concurrent PATCHes (S7).

use super::Expected;
use super::health::join_all;
use super::judge::{self, Kind, Verdict};
use super::session::{Failure, Observed, Origin, Session};
use crate::contract::clause::ClauseId;
use crate::contract::path::PathStyle;
use crate::contract::profile::Profile;
use crate::contract::rule::RuleId;
use crate::contract::spec::{Request, TaskProcessingResult};
use crate::generate::{Case, CaseSpec};
use crate::model;
use crate::model::invariants::Detail;
use crate::model::store::Store;
use crate::sut::Response;
use std::sync::atomic::Ordering;

/// One S7 round: the entity, the concurrent PATCHes, the state before them, the profile.
struct S7Round<'r> {
    id: &'r str,
    reqs: &'r [Request],
    initial: &'r Store,
    profile: &'r Profile,
}

impl<'s, 'a> Session<'s, 'a> {
    /// S6: after an accepted PATCH, one other entity of the workflow (round robin) is untouched.
    pub(super) async fn sibling_check(&mut self, updated: &str) -> Option<Verdict> {
        let ids: Vec<String> = self
            .store
            .entities()
            .map(|(id, _)| id.clone())
            .filter(|i| i != updated)
            .collect();
        if ids.is_empty() {
            return None;
        }
        self.round_robin += 1;
        let id = ids[self.round_robin % ids.len()].clone();
        *self.coverage.entry(RuleId::S6).or_default() += 1;
        self.clause("S6");
        let Observed::Seen(seen) = self.observe(&id).await else {
            return None;
        };
        let mv = self.store.get(&id).map(|e| e.value.to_json(true))?;
        let verdict = crate::model::invariants::compare_representation(&mv, &seen, self.profile())
            .err()
            .map(|v| Verdict {
                rule: RuleId::S6,
                clause: ClauseId::S6,
                kind: Kind::Drift,
                message: format!("a PATCH to `{updated}` changed `{id}`: {}", v.message),
                property: v.property,
                detail: v.detail,
            });
        self.resync(&id, &seen);
        verdict
    }

    /// S5: an accepted PATCH sent again gives the same answer and state.
    pub(super) async fn idempotence(&mut self, spec: CaseSpec, index: usize) {
        let profile = self.profile().clone();
        let case = spec.build(&self.store, &profile);
        if case.request.method != "PATCH" || !case.defects.is_empty() || !profile.patch_supported {
            return;
        }
        let before = self.before_of(&case);
        let Ok(first) = self.send(&case.request).await else {
            return;
        };
        if !(200..300).contains(&first.status) {
            // not accepted at all: the main check of this case reports that, under its own rule
            if let Some(t) = case.target.clone() {
                if let Observed::Seen(seen) = self.observe(&t).await {
                    self.resync(&t, &seen);
                }
            }
            return;
        }
        let Ok(second) = self.send(&case.request).await else {
            return;
        };
        let _ = model::apply(&mut self.store, &case.request, &profile);
        *self.coverage.entry(RuleId::S5).or_default() += 1;
        self.clause("S5");
        if let Some(v) = judge::idempotent(&first, &second, &profile) {
            let out = model::apply(&mut self.store.clone(), &case.request, &profile);
            let expected = Expected {
                statuses: out.statuses(),
                body: out.answers[0].json(),
                rules: vec![RuleId::S5],
            };
            self.file(
                Failure {
                    verdict: v,
                    case: case.clone(),
                    response: Some(second),
                    expected,
                    before,
                },
                Origin {
                    phase: "sequence",
                    index,
                },
            );
        }
        if let Some(t) = case.target.clone() {
            if let Observed::Seen(seen) = self.observe(&t).await {
                self.resync(&t, &seen);
            }
        }
    }

    /// S6: an entity of the workflow still holds what the model says.
    pub(super) async fn isolation(&mut self, index: usize) {
        let ids: Vec<String> = self.store.entities().map(|(id, _)| id.clone()).collect();
        if ids.is_empty() {
            return;
        }
        let id = ids[index % ids.len()].clone();
        *self.coverage.entry(RuleId::S6).or_default() += 1;
        self.clause("S6");
        let Observed::Seen(seen) = self.observe(&id).await else {
            return;
        };
        let Some(mv) = self.store.get(&id).map(|e| e.value.to_json(true)) else {
            return;
        };
        if let Err(v) = crate::model::invariants::compare_representation(&mv, &seen, self.profile())
        {
            let case = CaseSpec {
                get: true,
                ..CaseSpec::default()
            }
            .build(&self.store, self.profile());
            let mut req = case.request.clone();
            req.path = self
                .store
                .direct_route(&id)
                .map(|r| r.to_path(&PathStyle::default()))
                .unwrap_or_default();
            let case = Case {
                request: req,
                ..case
            };
            let expected = Expected {
                statuses: vec![200],
                body: Some(mv),
                rules: vec![RuleId::S6],
            };
            let verdict = Verdict {
                rule: RuleId::S6,
                clause: ClauseId::S6,
                kind: Kind::Drift,
                message: format!(
                    "entity `{id}` changed though no request addressed it: {}",
                    v.message
                ),
                property: v.property,
                detail: v.detail,
            };
            self.file(
                Failure {
                    verdict,
                    case: case.clone(),
                    response: None,
                    expected,
                    before: None,
                },
                Origin {
                    phase: "sequence",
                    index,
                },
            );
            self.resync(&id, &seen);
        }
    }

    /// S7: concurrent PATCHes of distinct properties to one entity; nothing accepted is lost.
    pub(super) async fn concurrency(&mut self, round: usize) {
        let profile = self.profile().clone();
        if !profile.patch_supported {
            return;
        }
        let Some((id, reqs)) = self.s7_requests(round, &profile) else {
            return;
        };
        if !self.s7_start(&id).await {
            return;
        }
        let initial = self.store.clone();
        // the phase only sends what the contract accepts
        if reqs
            .iter()
            .any(|r| !model::apply(&mut initial.clone(), r, &profile).is_success())
        {
            return;
        }
        let Some(results) = self.send_at_once(&reqs).await else {
            return;
        };
        let answers: Vec<&Response> = results.iter().collect();
        let accepted = answers
            .iter()
            .filter(|r| (200..300).contains(&r.status))
            .count();
        if accepted < reqs.len() && self.rejected_alone(&id, &reqs, &answers).await {
            return;
        }
        let Some(observed) = self.s7_end(&id).await else {
            return;
        };
        let mut fin = initial.clone();
        fin.set_value(&id, observed);
        let round_of = S7Round {
            id: &id,
            reqs: &reqs,
            initial: &initial,
            profile: &profile,
        };
        let verdict = if accepted < reqs.len() {
            Err(crate::model::invariants::Violation {
                property: None,
                detail: Detail::None,
                rule: RuleId::S7,
                message: format!(
                    "only {accepted} of {} concurrent valid PATCHes were accepted (the others were rejected or not answered)",
                    reqs.len()
                ),
            })
        } else {
            s7_serial(&initial, &fin, &id, &reqs, &answers, &profile)
        };
        let verdict = self
            .own_write_shown_alone(&round_of, verdict, &mut fin)
            .await;
        self.store = fin;
        if let Err(v) = verdict {
            self.file_s7(round, &round_of, v);
        }
    }

    /// Sends `reqs` at once and records what came back; `None` when any got no answer (no
    /// answer is not a lost update: if the implementation went away, this waits for it).
    async fn send_at_once(&mut self, reqs: &[Request]) -> Option<Vec<Response>> {
        let target = self.target.clone();
        let results = join_all(reqs.iter().map(|r| target.send(r))).await;
        self.requests += reqs.len() as u64;
        for (q, r) in reqs.iter().zip(&results) {
            if let Ok(r) = r {
                self.request_ids.record(q, r);
            }
        }
        *self.coverage.entry(RuleId::S7).or_default() += 1;
        self.clause("S7");
        if results.iter().any(|r| r.is_err()) {
            let epoch = self.shared.epoch.load(Ordering::SeqCst);
            if self.probe_down().await {
                self.shared.wait_for_recovery(epoch, &*target).await;
            }
            return None;
        }
        Some(results.into_iter().flatten().collect())
    }

    /// A 200 body that does not show its own request when it comes alone either is the cases'
    /// to judge (S4.b), not a concurrency bug: such a verdict stands only when the request sent
    /// alone shows its own write. Re-reads the entity into `fin` when it asked.
    async fn own_write_shown_alone(
        &mut self,
        round: &S7Round<'_>,
        verdict: Result<(), crate::model::invariants::Violation>,
        fin: &mut Store,
    ) -> Result<(), crate::model::invariants::Violation> {
        match verdict {
            Err(v) if v.detail == Detail::BodyNotItsOwnWrite => {
                let shows_own = self
                    .shows_own_write(round.id, &round.reqs[0], round.initial, round.profile)
                    .await;
                if let Observed::Seen(seen) = self.observe(round.id).await {
                    self.resync(round.id, &seen);
                    *fin = self.store.clone();
                }
                if shows_own { Err(v) } else { Ok(()) }
            }
            v => v,
        }
    }

    /// Files an S7 finding for round `round`: the first request of the round is its example.
    fn file_s7(
        &mut self,
        index: usize,
        round: &S7Round<'_>,
        v: crate::model::invariants::Violation,
    ) {
        let case = Case {
            request: round.reqs[0].clone(),
            ..CaseSpec::default().build(round.initial, round.profile)
        };
        let verdict = Verdict::new(
            ClauseId::S7,
            Kind::Linearizability,
            format!(
                "{} concurrent PATCHes to `{}`: {}",
                round.reqs.len(),
                round.id,
                v.message
            ),
        );
        let failure = Failure {
            verdict,
            case,
            response: None,
            expected: Expected {
                statuses: vec![200],
                body: None,
                rules: vec![RuleId::S7],
            },
            before: None,
        };
        let at = Origin {
            phase: "concurrency",
            index,
        };
        self.file(failure, at);
    }

    /// The entity of this round and its concurrent PATCHes, on both of its routes in turn (the
    /// aliases are one entity, R2.c).
    fn s7_requests(&self, round: usize, profile: &Profile) -> Option<(String, Vec<Request>)> {
        let ids: Vec<String> = self.store.entities().map(|(id, _)| id.clone()).collect();
        if ids.is_empty() {
            return None;
        }
        let id = ids[round % ids.len()].clone();
        let route = self.store.direct_route(&id)?;
        let mut paths = vec![route.to_path(&PathStyle::default())];
        paths.extend(
            self.store
                .via_task_routes(&id)
                .iter()
                .take(3)
                .map(|r| r.to_path(&PathStyle::default())),
        );
        let n = self.shared.config.concurrency.max(7);
        let reqs = s7_bodies(n, round, profile.required_in_body)
            .into_iter()
            .enumerate()
            .map(|(i, b)| {
                Request::new("PATCH", &paths[i % paths.len()])
                    .header("Authorization", &self.auth())
                    .header("Content-Type", "application/json")
                    .body(b)
            })
            .collect();
        Some((id, reqs))
    }

    /// The state S7 starts from, as the implementation holds it: false when it cannot be read
    /// back or read as it is (a value the session cannot read decides nothing).
    async fn s7_start(&mut self, id: &str) -> bool {
        match self.observe(id).await {
            Observed::Seen(seen)
                if std::mem::take(&mut self.shape)
                    .iter()
                    .all(|v| v.property == Some("@odata.type")) =>
            {
                if TaskProcessingResult::from_json(&seen).is_none_or(|t| t.id != id) {
                    return false;
                }
                self.resync(id, &seen);
                !self.unknown.iter().any(|u| u == id)
            }
            _ => false,
        }
    }

    /// Some concurrent PATCH was rejected: true when the first rejected one is rejected when it
    /// comes alone too (a rejection the cases judge and name, not a concurrency bug).
    async fn rejected_alone(&mut self, id: &str, reqs: &[Request], answers: &[&Response]) -> bool {
        let rejected = reqs
            .iter()
            .zip(answers)
            .find(|(_, r)| !(200..300).contains(&r.status));
        let Some((q, _)) = rejected else {
            return false;
        };
        self.requests += 1;
        let alone = self.target.send(q).await;
        if !alone.is_ok_and(|r| !(200..300).contains(&r.status)) {
            return false;
        }
        if let Observed::Seen(seen) = self.observe(id).await {
            self.resync(id, &seen);
        }
        true
    }

    /// The state S7 ends in: `None` when it cannot be read as it is (T2.a, an omitted
    /// property decide nothing here; a representation that only lacks its type does).
    async fn s7_end(&mut self, id: &str) -> Option<TaskProcessingResult> {
        let Observed::Seen(seen) = self.observe(id).await else {
            return None;
        };
        if std::mem::take(&mut self.shape)
            .iter()
            .any(|v| v.property != Some("@odata.type"))
        {
            self.resync(id, &seen);
            return None;
        }
        TaskProcessingResult::from_json(&seen)
    }

    /// Whether the first concurrent PATCH, sent alone, is answered with a body that shows its
    /// own write (if not, the body's difference is the cases' S4.b, not S7's).
    async fn shows_own_write(
        &mut self,
        id: &str,
        req: &Request,
        initial: &Store,
        profile: &Profile,
    ) -> bool {
        self.requests += 1;
        let alone = self.target.send(req).await;
        alone.is_ok_and(|r| {
            r.status != 200
                || serde_json::from_slice::<serde_json::Value>(&r.body)
                    .ok()
                    .and_then(|b| TaskProcessingResult::from_json(&b))
                    .is_some_and(|b| {
                        let mut one = initial.clone();
                        model::apply(&mut one, req, profile);
                        one.get(id)
                            .is_some_and(|e| e.value.failure_reason == b.failure_reason)
                    })
        })
    }
}

/// S7's bodies: every request writes failureReason and one more property, each value its own,
/// so the final state and every 200 body say who wrote what: requests sharing a property are
/// ordered by it (a torn write is a cycle), one whose write is gone was lost.
fn s7_bodies(n: usize, round: usize, required_in_body: bool) -> Vec<String> {
    let r = round % 60;
    (0..n)
        .map(|i| {
            let mut members = vec![format!(r#""failureReason":"s7 {round}/{i}""#)];
            let at = |day: u32| {
                format!(
                    "20{:02}-0{}-0{}T00:{:02}:{r:02}Z",
                    11 + day,
                    day,
                    day,
                    i % 60
                )
            };
            match i % 3 {
                0 => members.push(format!(r#""startedDateTime":"{}""#, at(2))),
                1 => members.push(format!(r#""completedDateTime":"{}""#, at(3))),
                _ => members.push(format!(r#""createdDateTime":"{}""#, at(1))),
            }
            if required_in_body {
                // B4 under required_in_body: every body names both required properties
                if i % 3 != 2 {
                    members.push(format!(r#""createdDateTime":"{}""#, at(4)));
                }
                members.push(r#""processingStatus":"failed""#.to_string());
            }
            // members in either order: a server writing them one by one in the order
            // given then interleaves two requests' writes in opposite orders (torn)
            if i % 2 == 1 {
                members.reverse();
            }
            format!("{{{}}}", members.join(","))
        })
        .collect()
}

/// Whether the accepted concurrent writes have a serial order that explains the final state
/// and every 200 body.
fn s7_serial(
    initial: &Store,
    fin: &Store,
    id: &str,
    reqs: &[Request],
    answers: &[&Response],
    profile: &Profile,
) -> Result<(), crate::model::invariants::Violation> {
    let Some(start) = initial.get(id).map(|e| e.value.clone()) else {
        return Ok(());
    };
    let writes: Vec<crate::model::invariants::ConcurrentWrite> = reqs
        .iter()
        .zip(answers)
        .filter_map(|(q, r)| {
            let body = Some(r)
                .filter(|r| r.status == 200)
                .and_then(|r| serde_json::from_slice(&r.body).ok())
                .and_then(|v| TaskProcessingResult::from_json(&v));
            crate::model::invariants::ConcurrentWrite::of(initial, q, id, profile, body)
        })
        .collect();
    match fin.get(id) {
        Some(f) => crate::model::invariants::s7_serial_order(&start, &writes, &f.value),
        None => Ok(()),
    }
}
