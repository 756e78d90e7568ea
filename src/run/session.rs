//! A lane's session with the implementation over one workflow of the fixture: sending (with crash
//! awareness), observing, restoring and re-reading state. What travels between the rooms
//! ([`Failure`], [`Origin`], [`Checked`], [`Observed`]) is defined here.

use super::findings::Collector;
use super::health::Shared;
use super::judge::{self, Kind, Verdict};
use super::{Event, Expected, Observe, StopKind};
use crate::contract::clause::ClauseId;
use crate::contract::path::PathStyle;
use crate::contract::profile::Profile;
use crate::contract::rule::RuleId;
use crate::contract::spec::{ProcessingStatus, Request, TaskProcessingResult};
use crate::generate::{self, Case, CaseSpec, MemberSpec};
use crate::model;
use crate::model::store::Store;
use crate::sut::{Response, TransportError};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::Ordering;

/// A lane's work on one workflow of the fixture.
pub(super) struct Session<'s, 'a> {
    pub(super) shared: &'s Shared<'a>,
    /// What this workflow sends through: the lane's own target (its client and connections) when
    /// lanes run on threads of their own, else the run's.
    pub(super) target: std::sync::Arc<dyn crate::sut::Target + 'a>,
    pub(super) index: usize,
    pub(super) store: Store,
    pub(super) collector: Collector,
    /// pre-shrink key → cause key, so a cause met again is counted, not shrunk again
    pub(super) known: HashMap<String, String>,
    pub(super) coverage: BTreeMap<RuleId, u64>,
    pub(super) clauses: BTreeMap<String, u64>,
    /// Failing cases per clause they put to the test (whatever cause they were filed under).
    pub(super) clause_failures: BTreeMap<String, u64>,
    pub(super) cases: usize,
    pub(super) requests: u64,
    pub(super) round_robin: usize,
    pub(super) recent: VecDeque<Request>,
    pub(super) epoch: u64,
    /// Entities whose observed state could not be read back.
    pub(super) unknown: Vec<String>,
    /// What the last observation's representation lacked or rendered invalidly (S4.a, T2.a).
    pub(super) shape: Vec<Verdict>,
    /// This lane holds the gate alone (re-sending a request that was in flight at a crash).
    pub(super) solo: bool,
    /// The last request without an answer found the implementation down (a crash), not a
    /// request it failed to answer.
    pub(super) last_down: bool,
    /// The `request-id`s of the answers it got (E2, judged over the whole run).
    pub(super) request_ids: super::request_ids::IdLog,
}

/// A verdict with what it was seen on: it travels from the judge through diagnosis to filing.
#[derive(Clone)]
pub(super) struct Failure {
    pub(super) verdict: Verdict,
    pub(super) case: Case,
    pub(super) response: Option<Response>,
    pub(super) expected: Expected,
    /// The addressed entity before the request.
    pub(super) before: Option<TaskProcessingResult>,
}

/// Where a case came from in the run (phase and index: what `cases` regenerates it from).
#[derive(Clone, Copy)]
pub(super) struct Origin {
    pub(super) phase: &'static str,
    pub(super) index: usize,
}

/// What one checked request showed.
pub(super) struct Checked {
    pub(super) verdicts: Vec<Verdict>,
    pub(super) response: Option<Response>,
    pub(super) expected: Expected,
    /// The implementation was down and came back (or not): the case says nothing.
    pub(super) interrupted: bool,
    /// The state after it was due to be observed and could not be (its verdicts say nothing
    /// about the state).
    pub(super) unobserved: bool,
    /// In flight at a crash and answered when sent again alone: the case is to run again.
    pub(super) rerun: bool,
}

impl Checked {
    /// A case that says nothing (not sendable, or caught in a crash); `rerun` when it is to
    /// be sent again.
    pub(super) fn interrupted(expected: Expected, rerun: bool) -> Checked {
        Checked {
            verdicts: vec![],
            response: None,
            expected,
            interrupted: true,
            unobserved: false,
            rerun,
        }
    }
}

/// What an observation showed.
pub(super) enum Observed {
    Seen(serde_json::Value),
    Gone,
    Failed(Verdict),
    /// Every read of the entity fails since the request: it is retired.
    Poisoned(Verdict),
    Skipped,
}

/// Requests the ring of a workflow's last sends keeps (a crash's repro sequence).
pub(super) const RECENT: usize = 6;

/// Bodies longer than this are kept in the ring as their first `max_kept_body` bytes only.
pub(super) const RECENT_FULL_BODY: usize = 64 * 1024;

/// Puts `req` in the ring of the last [`RECENT`] sends. Memory stays bounded whatever the cases
/// send, and no large body is copied for it: a body over [`RECENT_FULL_BODY`] is kept as its
/// first `keep` bytes (a crash's sequence shows it cut; the crashing request itself is kept
/// whole by its finding).
pub(super) fn remember(recent: &mut VecDeque<Request>, req: &Request, keep: usize) {
    if recent.len() >= RECENT {
        recent.pop_front();
    }
    if req.body.len() > RECENT_FULL_BODY {
        recent.push_back(Request {
            method: req.method.clone(),
            path: req.path.clone(),
            headers: req.headers.clone(),
            body: req.body[..keep.min(req.body.len())].to_vec(),
        });
    } else {
        recent.push_back(req.clone());
    }
}

impl<'s, 'a> Session<'s, 'a> {
    pub(super) fn new(shared: &'s Shared<'a>, index: usize, store: Store) -> Session<'s, 'a> {
        Session {
            shared,
            target: std::sync::Arc::new(shared.target),
            index,
            store,
            collector: Collector::default(),
            known: HashMap::new(),
            coverage: BTreeMap::new(),
            clauses: BTreeMap::new(),
            clause_failures: BTreeMap::new(),
            cases: 0,
            requests: 0,
            round_robin: 0,
            recent: VecDeque::new(),
            epoch: shared.epoch.load(Ordering::SeqCst),
            unknown: Vec::new(),
            shape: Vec::new(),
            solo: false,
            last_down: false,
            request_ids: Default::default(),
        }
    }

    pub(super) fn profile(&self) -> &Profile {
        &self.shared.config.profile
    }

    pub(super) fn auth(&self) -> String {
        format!("Bearer {}", self.shared.tokens_write)
    }

    pub(super) async fn run(
        &mut self,
        boundary: &[CaseSpec],
        units: usize,
        concurrency_rounds: usize,
    ) {
        let config = self.shared.config.clone();
        let me = self.index;
        let mine = move |i: usize| i % units == me;
        for (i, spec) in boundary.iter().enumerate() {
            if mine(i) && !self.shared.stopped() {
                self.run_case(spec.clone(), "boundary", i).await;
            }
        }
        for i in (0..config.cases).filter(|i| mine(*i)) {
            if self.shared.stopped() {
                return;
            }
            let spec = generate::random_case(config.seed, i, self.profile());
            self.run_case(spec, "random", i).await;
        }
        for i in (0..config.sequences).filter(|i| mine(*i)) {
            if self.shared.stopped() {
                return;
            }
            let seq = generate::sequence_case(config.seed, i, self.profile(), 8);
            for spec in seq {
                self.run_case(spec.clone(), "sequence", i).await;
                self.idempotence(spec, i).await;
            }
            self.isolation(i).await;
            self.shared.emit(&Event::Case);
        }
        // a deterministic S5 probe per workflow: the same PATCH of every updatable kind, twice
        if !self.shared.stopped() && self.shared.config.sequences > 0 {
            let probe = CaseSpec {
                members: vec![
                    MemberSpec::Status(ProcessingStatus::Failed),
                    MemberSpec::FailureReason(Some(generate::TextSpec {
                        text: "sent twice".into(),
                        escape_all: false,
                        repeat: 0,
                    })),
                ],
                ..CaseSpec::default()
            };
            self.idempotence(probe, 0).await;
        }
        for round in (0..concurrency_rounds).filter(|r| mine(*r)) {
            if self.shared.stopped() {
                return;
            }
            self.concurrency(round).await;
            self.shared.emit(&Event::Case);
        }
    }

    pub(super) fn clause(&mut self, id: &str) {
        *self.clauses.entry(id.to_string()).or_default() += 1;
    }

    /// Sends one request, keeping the last few for sequence repros and tracking health.
    pub(super) async fn send(&mut self, req: &Request) -> Result<Response, TransportError> {
        self.requests += 1;
        remember(&mut self.recent, req, self.shared.config.max_kept_body);
        let shared = self.shared;
        let gate = if self.solo {
            None
        } else {
            Some(shared.gate.read().await)
        };
        let r = self.target.send(req).await;
        drop(gate);
        if let Ok(resp) = &r {
            self.request_ids.record(req, resp);
        }
        self.last_down = false;
        match &r {
            Ok(_) => {
                self.shared.answered.store(true, Ordering::SeqCst);
                self.shared.consecutive_failures.store(0, Ordering::SeqCst);
            }
            Err(e) if e.is_down() => self.last_down = true,
            // the implementation went down with this request in flight: a crash, which costs
            // the wait for it to come back (`crash_wait`), never a count of failed requests
            Err(TransportError::Unsendable(_)) => {}
            Err(_) if self.probe_down().await => self.last_down = true,
            Err(e) => {
                let n = self
                    .shared
                    .consecutive_failures
                    .fetch_add(1, Ordering::SeqCst)
                    + 1;
                let total = self.shared.failures_total.fetch_add(1, Ordering::SeqCst) + 1;
                let config = &self.shared.config;
                if n >= config.max_transport_failures
                    || total >= config.max_transport_failures_total
                {
                    self.shared.stop_with(
                        StopKind::Unresponsive,
                        format!(
                            "the implementation stopped giving answers: {total} requests got none ({n} in a row; last: {e}); the run stopped"
                        ),
                    );
                }
            }
        }
        r
    }

    /// After a request got no answer: is the implementation gone (a refused connection), or
    /// was it this one answer?
    /// A probe that fails otherwise than by a refused connection may have met a dying
    /// listener (it accepted, then went away): it is asked once more, a moment later.
    pub(super) async fn probe_down(&mut self) -> bool {
        let probe = self.shared.probe.clone();
        // (a client's idle connections to a process that died fail before a new one is
        // refused: three tries, 50 ms apart)
        for _ in 0..3 {
            match self.target.send(&probe).await {
                Ok(_) => return false,
                Err(e) if e.is_down() => return true,
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            }
        }
        false
    }

    /// Re-reads every entity of the workflow after the implementation came back.
    pub(super) async fn resync_all(&mut self) {
        let ids: Vec<String> = self.store.entities().map(|(id, _)| id.clone()).collect();
        for id in ids {
            match self.observe(&id).await {
                Observed::Seen(v) => self.resync(&id, &v),
                Observed::Gone => self.retire(&id),
                _ => {}
            }
        }
    }

    /// The entity a request names by its last id, even when the model says it does not resolve
    /// (an implementation that resolves it anyway may have written it).
    pub(super) fn addressed_anyway(&self, case: &Case) -> Option<String> {
        case.target.clone().or_else(|| {
            crate::contract::path::Route::parse(&case.request.path, self.profile())
                .ok()
                .map(|r| r.addressed().to_string())
                .filter(|id| self.store.get(id).is_some())
        })
    }

    /// Takes an entity out of the workflow: no later case addresses or judges it.
    pub(super) fn retire(&mut self, id: &str) {
        self.store.remove(id);
    }

    /// Observes entity `id` (with every enum member, `Prefer`).
    pub(super) async fn observe(&mut self, id: &str) -> Observed {
        self.shape.clear();
        let Some(route) = self.store.direct_route(id) else {
            return Observed::Skipped;
        };
        let path = route.to_path(&PathStyle::default());
        let p = self.profile();
        let empty_patch = self.shared.config.observe == Observe::EmptyPatch
            && p.patch_supported
            && p.success == crate::contract::profile::Success::Ok200Body;
        if self.shared.config.observe == Observe::None {
            return Observed::Skipped;
        }
        let mut req = judge::observation::read_back(&path, &self.auth());
        if empty_patch {
            req.method = "PATCH".into();
            req = req.header("Content-Type", "application/json").body("{}");
        }
        match self.send(&req).await {
            Err(e) => Observed::Failed(Verdict::new(
                ClauseId::E3,
                Kind::NoAnswer,
                format!("observing `{id}` failed: {e}"),
            )),
            Ok(r) if r.status == 404 => Observed::Gone,
            // the request left the entity unreadable (a stored value every read fails on):
            // the request's own failure (E3), and the entity is retired
            Ok(r) if r.status >= 500 => Observed::Poisoned(Verdict::new(
                ClauseId::E3,
                Kind::ServerError,
                format!(
                    "after this request every read of `{id}` fails: a GET right after answered {}",
                    r.status
                ),
            )),
            Ok(r) if r.status != 200 => Observed::Failed(Verdict::new(
                ClauseId::H1b,
                Kind::WrongStatus,
                format!("observing `{id}` answered {} instead of 200", r.status),
            )),
            Ok(r) => match serde_json::from_slice(&r.body) {
                Ok(mut v) => {
                    let view = self.store.get(id).map(|e| e.value.to_json(true));
                    let profile = self.profile().clone();
                    self.shape = judge::readable(&mut v, view.as_ref(), &profile);
                    Observed::Seen(v)
                }
                Err(e) => Observed::Failed(Verdict::new(
                    ClauseId::S4a,
                    Kind::Representation,
                    format!("observed body is not JSON: {e}"),
                )),
            },
        }
    }

    /// Takes the observed representation of `id` into the session's store, so one bug does not
    /// cascade into many findings (a representation of another entity is ignored).
    pub(super) fn resync(&mut self, id: &str, seen: &serde_json::Value) {
        match TaskProcessingResult::from_json(seen) {
            // a stored sentinel breaks S8 and cannot be written back: treat it as unreadable
            Some(t) if t.id == id && t.status != ProcessingStatus::UnknownFutureValue => {
                self.store.set_value(id, t);
            }
            Some(t) if t.id == id => {
                if !self.unknown.iter().any(|u| u == id) {
                    self.unknown.push(id.to_string());
                }
            }
            Some(_) => {}
            // it holds what the contract cannot express (a wrongly accepted year 10000, an
            // unknown status): put it back before the next case, or retire it
            None => {
                if !self.unknown.iter().any(|u| u == id) {
                    self.unknown.push(id.to_string());
                }
            }
        }
    }

    /// Entities whose state could not be read back are written back to the last value the
    /// session knows; those that cannot be are retired, so no later case is judged on a guess.
    pub(super) async fn settle(&mut self) {
        for id in std::mem::take(&mut self.unknown) {
            let Some(value) = self.store.get(&id).map(|e| e.value.clone()) else {
                continue;
            };
            let back = self.force_restore(&id, &value).await
                && matches!(self.observe(&id).await, Observed::Seen(v)
                    if TaskProcessingResult::from_json(&v).is_some_and(|t| t == value));
            if !back {
                self.retire(&id);
            }
        }
    }

    /// Writes `value` back into entity `id` with one PATCH naming every property (the state a
    /// failing request needs, for re-checks and shrinking). False when that is not possible.
    pub(super) async fn restore(&mut self, id: &str, value: &TaskProcessingResult) -> bool {
        if self.store.get(id).is_some_and(|e| e.value == *value)
            && !self.unknown.iter().any(|u| u == id)
        {
            return true;
        }
        self.force_restore(id, value).await
    }

    /// As [`Session::restore`], always sending the PATCH.
    pub(super) async fn force_restore(&mut self, id: &str, value: &TaskProcessingResult) -> bool {
        let profile = self.profile().clone();
        if !profile.patch_supported || value.status == ProcessingStatus::UnknownFutureValue {
            return false;
        }
        let Some(route) = self.store.direct_route(id) else {
            return false;
        };
        let ts = |t: &Option<crate::contract::timestamp::Timestamp>| {
            t.map(|t| serde_json::Value::String(t.to_string()))
                .unwrap_or(serde_json::Value::Null)
        };
        let full = serde_json::json!({
            "createdDateTime": value.created.to_string(),
            "processingStatus": value.status.as_str(),
            "startedDateTime": ts(&value.started),
            "completedDateTime": ts(&value.completed),
            "failureReason": value.failure_reason,
        });
        // the whole value first; refused, then only what differs from what the implementation
        // holds now, read back (a server that refuses some value, a null say, is still put back
        // in the properties that differ, even when what it holds is no value the workflow can keep,
        // a stored sentinel say)
        if let Some(back) = self.patch_back(id, &route, &full, value).await {
            return back;
        }
        let Observed::Seen(now) = self.observe(id).await else {
            return false;
        };
        // what it holds is what the session knows from now on (a refused PATCH may have written
        // some of it all the same); held already, the entity is back
        self.resync(id, &now);
        if self.store.get(id).is_some_and(|e| e.value == *value)
            && !self.unknown.iter().any(|u| u == id)
        {
            return true;
        }
        let Some(all) = full.as_object() else {
            return false;
        };
        let differs: serde_json::Map<String, serde_json::Value> = all
            .iter()
            .filter(|(k, v)| now.get(k.as_str()) != Some(*v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if differs.is_empty() || differs.len() == all.len() {
            return false;
        }
        let differs = serde_json::Value::Object(differs);
        self.patch_back(id, &route, &differs, value)
            .await
            .unwrap_or(false)
    }

    /// One PATCH of [`Session::force_restore`]: `body` to entity `id`, meant to leave it holding
    /// `value`. `None` when the implementation refuses it (another body may still do);
    /// `Some(false)` when the model would refuse it or it cannot be sent; else whether the
    /// entity read back holds `value`.
    pub(super) async fn patch_back(
        &mut self,
        id: &str,
        route: &crate::contract::path::Route,
        body: &serde_json::Value,
        value: &TaskProcessingResult,
    ) -> Option<bool> {
        let profile = self.profile().clone();
        let req = Request::new("PATCH", &route.to_path(&PathStyle::default()))
            .header("Authorization", &self.auth())
            .header("Content-Type", "application/json")
            .header("Prefer", model::INCLUDE_UNKNOWN_ENUM_MEMBERS)
            .body(body.to_string());
        let mut probe = self.store.clone();
        if !model::apply(&mut probe, &req, &profile).is_success() {
            return Some(false);
        }
        match self.send(&req).await {
            Ok(r) if (200..300).contains(&r.status) => {
                self.store.set_value(id, value.clone());
                self.unknown.retain(|u| u != id);
                // believe the state, not the answer: an implementation may store something
                // else than it says (coarser timestamps, an appended text)
                Some(match self.observe(id).await {
                    Observed::Seen(seen) => {
                        self.resync(id, &seen);
                        self.store.get(id).is_some_and(|e| e.value == *value)
                    }
                    Observed::Skipped => true,
                    _ => false,
                })
            }
            Ok(_) => None,
            Err(_) => Some(false),
        }
    }
}
