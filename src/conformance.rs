//! The conformance runner: sends generated cases to any implementation, predicts each answer
//! with the model on its own copy of the store, and reports every difference as a shrunk,
//! replayable [`Finding`].
//!
//! Phases, in order: the deterministic boundary cases (which include the auth cases: 401 without
//! a token, 403 with the read-only token when one is configured), `cases` random cases, a few
//! stateful sequences with repeated requests (S5), and a concurrency phase (S7). After each PATCH
//! the runner observes the addressed entity (`observe`), and now and then a sibling (S6).
//!
//! The runner emits [`Event`]s; reporters (console, JSON, JUnit) only consume them and the
//! final [`Report`].

use crate::check::{self, Violation};
use crate::defect::Defect;
use crate::generate::{self, Case, CaseSpec, MemberSpec};
use crate::json;
use crate::model::{self, Outcome};
use crate::path::PathStyle;
use crate::profile::Profile;
use crate::remote::{Remote, Response, TransportError};
use crate::rule::RuleId;
use crate::spec::{ErrorBody, Request, TaskProcessingResult, error_code};
use crate::store::Store;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config as PtConfig, RngAlgorithm, TestRng, TestRunner};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

/// How the runner observes state after a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Observe {
    /// A GET of the entity (default).
    Get,
    /// A `{}` PATCH, whose 200 body is the representation (needs `success = 200-body`).
    EmptyPatch,
    /// No observation (state invariants are then unchecked).
    None,
}

/// Runner settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// The contract profile.
    pub profile: Profile,
    /// Seed of the random cases.
    pub seed: u64,
    /// Number of random cases.
    pub cases: usize,
    /// Number of stateful sequences.
    pub sequences: usize,
    /// Concurrent requests in the concurrency phase.
    pub concurrency: usize,
    /// Observation mode.
    pub observe: Observe,
    /// Shrink failing cases.
    pub shrink: bool,
    /// Findings kept per rule (later failures of the rule are counted, not reported).
    pub max_findings_per_rule: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            profile: Profile::graph(),
            seed: 0,
            cases: 300,
            sequences: 20,
            concurrency: 8,
            observe: Observe::Get,
            shrink: true,
            max_findings_per_rule: 3,
        }
    }
}

/// What the contract expected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expected {
    /// Acceptable statuses.
    pub statuses: Vec<u16>,
    /// The representation for 200, if any.
    pub body: Option<serde_json::Value>,
    /// The rules that decided it.
    pub rules: Vec<RuleId>,
}

/// One difference between the implementation and the contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The broken rule.
    pub rule: RuleId,
    /// One line.
    pub title: String,
    /// What was wrong.
    pub message: String,
    /// The phase (`boundary`, `random`, `sequence`, `concurrency`).
    pub phase: String,
    /// The run's seed.
    pub seed: u64,
    /// Index of the case in its phase (with the seed it regenerates the case).
    pub case_index: usize,
    /// The defects the (shrunk) request carries.
    pub defects: Vec<Defect>,
    /// The (shrunk) request.
    pub request: Request,
    /// What the contract expected.
    pub expected: Expected,
    /// What came back.
    pub actual: Option<Response>,
    /// A curl command that reproduces it (the write token as `$TPR_TOKEN`).
    pub curl: String,
    /// A ready-to-paste Rust test.
    pub rust_test: String,
}

/// What happened during a run; reporters consume these.
#[derive(Debug, Clone)]
pub enum Event {
    /// A phase began with this many cases.
    Phase {
        /// Name.
        name: &'static str,
        /// Number of cases.
        cases: usize,
    },
    /// A case was checked.
    Case,
    /// A finding was made (after shrinking).
    Finding(Box<Finding>),
}

/// The result of a run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// Contract version.
    pub contract_version: String,
    /// Seed.
    pub seed: u64,
    /// Profile name.
    pub profile: String,
    /// Base URL checked.
    pub base_url: String,
    /// Cases checked.
    pub cases: usize,
    /// HTTP requests sent.
    pub requests: u64,
    /// Wall time.
    pub duration_ms: u64,
    /// Findings, one per (rule, minimal case).
    pub findings: Vec<Finding>,
    /// How many cases exercised each rule.
    pub coverage: BTreeMap<RuleId, u64>,
    /// Failures per rule including those not reported (beyond `max_findings_per_rule`).
    pub failures: BTreeMap<RuleId, u64>,
}

/// The run could not go on (no connection at all, or a bad configuration).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The implementation cannot be reached.
    #[error("{0}")]
    Unreachable(TransportError),
    /// The store has no entity to test against.
    #[error("the fixture has no taskProcessingResult to test against")]
    EmptyStore,
}

/// The runner over one implementation.
pub struct Runner<'a> {
    remote: &'a Remote,
    store: Store,
    config: Config,
    findings: Vec<Finding>,
    seen: BTreeSet<String>,
    coverage: BTreeMap<RuleId, u64>,
    failures: BTreeMap<RuleId, u64>,
    requests: u64,
    cases: usize,
    consecutive_connect_errors: u32,
    /// The last failure was a state mismatch seen by observation (it may predate the request).
    state_mismatch: bool,
    /// The last failure was a valid request rejected (its rule is the feature it used).
    false_rejection: bool,
    /// The property a 200 representation differed in, if that was the last failure.
    mismatched_property: std::cell::Cell<Option<&'static str>>,
    /// The addressed entity's value before the last checked request.
    last_before: Option<(String, TaskProcessingResult)>,
    on_event: Box<dyn FnMut(&Event) + Send + 'a>,
}

fn status_list(s: &[u16]) -> String {
    s.iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The most specific valid feature a case uses: the rule that says it must be accepted.
fn feature_rule(case: &Case) -> RuleId {
    let s = &case.spec;
    let has = |r| case.exercised.contains(&r);
    let mut features = Vec::new();
    for r in [RuleId::R2, RuleId::R3, RuleId::R4] {
        if has(r) {
            features.push(r);
        }
    }
    if s.auth_variant % 3 != 0 {
        features.push(RuleId::H2); // lower-case scheme, or the read-only token on a GET
    }
    if case.request.method == "PATCH"
        && usize::from(s.content_type) % generate::ALLOWED_CONTENT_TYPES.len() != 0
    {
        features.push(RuleId::H3);
    }
    for r in [
        RuleId::H5,
        RuleId::B6,
        RuleId::B9,
        RuleId::B7,
        RuleId::B4,
        RuleId::B10,
        RuleId::T1,
        RuleId::B3,
    ] {
        if has(r) {
            features.push(r);
        }
    }
    features
        .first()
        .copied()
        .unwrap_or(if case.request.method == "GET" {
            RuleId::H1
        } else {
            RuleId::S2
        })
}

impl<'a> Runner<'a> {
    /// A runner against `remote`, whose implementation holds `store`'s state.
    pub fn new(remote: &'a Remote, store: Store, config: Config) -> Runner<'a> {
        Runner {
            remote,
            store,
            config,
            findings: Vec::new(),
            seen: BTreeSet::new(),
            coverage: BTreeMap::new(),
            failures: BTreeMap::new(),
            requests: 0,
            cases: 0,
            consecutive_connect_errors: 0,
            state_mismatch: false,
            false_rejection: false,
            mismatched_property: std::cell::Cell::new(None),
            last_before: None,
            on_event: Box::new(|_| {}),
        }
    }

    /// Calls `f` for every event (progress bars, live logs).
    pub fn on_event(mut self, f: impl FnMut(&Event) + Send + 'a) -> Self {
        self.on_event = Box::new(f);
        self
    }

    async fn send(&mut self, req: &Request) -> Result<Response, TransportError> {
        self.requests += 1;
        let r = self.remote.send(req).await;
        match &r {
            Err(TransportError::Connect { .. }) => self.consecutive_connect_errors += 1,
            _ => self.consecutive_connect_errors = 0,
        }
        r
    }

    fn auth(&self) -> String {
        format!(
            "Bearer {}",
            self.store
                .tokens()
                .write
                .first()
                .cloned()
                .unwrap_or_default()
        )
    }

    /// Observes entity `id`: its representation with every enum member (Prefer header).
    async fn observe(
        &mut self,
        id: &str,
    ) -> Option<Result<serde_json::Value, (RuleId, String, Option<Response>)>> {
        let route = self.store.direct_route(id)?;
        let path = route.to_path(&PathStyle::default());
        let mode = match self.config.observe {
            Observe::EmptyPatch
                if self.config.profile.patch_supported
                    && self.config.profile.success == crate::profile::Success::Ok200Body =>
            {
                Observe::EmptyPatch
            }
            Observe::None => return None,
            _ => Observe::Get,
        };
        let mut req = Request::new(if mode == Observe::Get { "GET" } else { "PATCH" }, &path)
            .header("Authorization", &self.auth())
            .header("Prefer", model::INCLUDE_UNKNOWN_ENUM_MEMBERS);
        if mode == Observe::EmptyPatch {
            req = req.header("Content-Type", "application/json").body("{}");
        }
        match self.send(&req).await {
            Err(e) => Some(Err((
                RuleId::E3,
                format!("observing `{id}` failed: {e}"),
                None,
            ))),
            Ok(resp) if resp.status != 200 => Some(Err((
                RuleId::H1,
                format!("observing `{id}` answered {} instead of 200", resp.status),
                Some(resp),
            ))),
            Ok(resp) => match serde_json::from_slice(&resp.body) {
                Ok(v) => Some(Ok(v)),
                Err(e) => Some(Err((
                    RuleId::S4,
                    format!("observed body is not JSON: {e}"),
                    Some(resp),
                ))),
            },
        }
    }

    /// Compares one answer with the model's outcome (statuses, envelope, representation).
    fn compare(&self, case: &Case, out: &Outcome, resp: &Response) -> Result<(), (RuleId, String)> {
        let p = &self.config.profile;
        if resp.status >= 500 {
            return Err((
                RuleId::E3,
                format!(
                    "answered {} (a 5xx) to client input; expected {}",
                    resp.status,
                    status_list(&out.statuses())
                ),
            ));
        }
        if !out.accepts(resp.status) {
            let expected = status_list(&out.statuses());
            return Err(if out.is_success() {
                if resp.status == 204 || (resp.status == 200 && out.accepts(204)) {
                    (
                        RuleId::S4,
                        format!(
                            "answered {} to an accepted PATCH; the profile's success knob demands {expected}",
                            resp.status
                        ),
                    )
                } else {
                    (
                        feature_rule(case),
                        format!(
                            "rejected a valid request with {}; expected {expected}",
                            resp.status
                        ),
                    )
                }
            } else {
                let rule = out.answers[0].rules[0];
                let what = if (200..300).contains(&resp.status) {
                    "accepted"
                } else {
                    "answered"
                };
                (
                    rule,
                    format!(
                        "{what} ({}) a request that breaks {rule}: {}; expected {expected}",
                        resp.status, out.answers[0].message
                    ),
                )
            });
        }
        let answer = out.answer(resp.status).unwrap_or(&out.answers[0]);
        if resp.status >= 400 {
            let ct = resp.header("content-type").unwrap_or_default();
            if !ct.to_ascii_lowercase().starts_with("application/json") {
                return Err((
                    RuleId::E1,
                    format!(
                        "{} error with Content-Type `{ct}`, expected application/json",
                        resp.status
                    ),
                ));
            }
            let body = ErrorBody::parse(&resp.body).map_err(|e| (RuleId::E1, e.to_string()))?;
            if p.strict_error_codes && body.code != error_code(resp.status) {
                return Err((
                    RuleId::E2,
                    format!(
                        "error code `{}`, expected `{}` (strict_error_codes)",
                        body.code,
                        error_code(resp.status)
                    ),
                ));
            }
        }
        if resp.status == 200 {
            let Some(expected) = &answer.body else {
                return Ok(());
            };
            let actual: serde_json::Value = serde_json::from_slice(&resp.body)
                .map_err(|e| (RuleId::S4, format!("200 body is not JSON: {e}")))?;
            if let Err(v) = check::compare_representation(&expected.to_json(), &actual, p) {
                self.mismatched_property.set(v.property);
                return Err((v.rule, v.message));
            }
            let include = answer.preference_applied;
            if include
                && !resp.header("preference-applied").is_some_and(|v| {
                    v.to_ascii_lowercase()
                        .contains(model::INCLUDE_UNKNOWN_ENUM_MEMBERS)
                })
            {
                return Err((
                    RuleId::H5,
                    "Prefer: include-unknown-enum-members was honoured without Preference-Applied"
                        .into(),
                ));
            }
            let id = actual
                .get("id")
                .and_then(|i| i.as_str())
                .unwrap_or_default()
                .to_string();
            check::s8_representation(&actual, &id, p, include).map_err(|v| (v.rule, v.message))?;
        }
        Ok(())
    }

    /// Checks one case: send, compare, observe. Returns the violation, if any, and keeps the
    /// runner's store in step with the implementation.
    async fn check_case(
        &mut self,
        case: &Case,
    ) -> Result<(), (RuleId, String, Option<Response>, Expected)> {
        self.state_mismatch = false;
        self.false_rejection = false;
        self.mismatched_property.set(None);
        let before = self.store.clone();
        self.last_before = case
            .target
            .as_ref()
            .and_then(|id| before.get(id).map(|e| (id.clone(), e.value.clone())));
        let out = model::apply(&mut self.store, &case.request, &self.config.profile);
        let expected = Expected {
            statuses: out.statuses(),
            body: out.answers[0].json(),
            rules: out.rules(),
        };
        let resp = match self.send(&case.request).await {
            Ok(r) => r,
            Err(TransportError::Unsendable(m)) => {
                self.store = before;
                return Err((
                    RuleId::E3,
                    format!("request not sendable: {m}"),
                    None,
                    expected,
                ));
            }
            Err(e) => return Err((RuleId::E3, format!("no answer: {e}"), None, expected)),
        };
        let mut verdict = self
            .compare(case, &out, &resp)
            .map_err(|(r, m)| (r, m, Some(resp.clone()), expected.clone()));
        self.false_rejection =
            verdict.is_err() && out.is_success() && resp.status >= 400 && resp.status < 500;
        // A 200 representation that differs in a property the request did not name shows the
        // entity's state, not this request's effect: decide S2 or drift (S6) like an observation.
        if let (Err(v), Some(p)) = (&mut verdict, self.mismatched_property.take()) {
            let named = match json::parse(&case.request.body) {
                Ok(json::Json::Object(m)) => m.iter().any(|(n, _)| n == p),
                _ => false,
            };
            if !named || case.request.method == "GET" {
                v.0 = RuleId::S2;
                self.state_mismatch = true;
            }
        }
        let is_patch = case.request.method == "PATCH";
        if let (true, Some(id)) = (is_patch, case.target.clone()) {
            match self.observe(&id).await {
                Some(Ok(seen)) => {
                    let model_view = self.store.get(&id).map(|e| e.value.to_json(true));
                    if let Some(mv) = &model_view {
                        if verdict.is_ok() {
                            if let Err(v) =
                                check::compare_representation(mv, &seen, &self.config.profile)
                            {
                                let rule = if out.is_success() { v.rule } else { RuleId::S3 };
                                self.state_mismatch = true;
                                let what = if out.is_success() {
                                    "after an accepted PATCH"
                                } else {
                                    "after a rejected request"
                                };
                                verdict = Err((
                                    rule,
                                    format!(
                                        "{what} the entity differs from the contract: {}",
                                        v.message
                                    ),
                                    Some(resp.clone()),
                                    expected.clone(),
                                ));
                            } else if resp.status == 200 {
                                // S4: the PATCH's representation equals what a GET right after returns
                                if let Ok(body) =
                                    serde_json::from_slice::<serde_json::Value>(&resp.body)
                                {
                                    // the observation carries Prefer; without it the PATCH may render the sentinel
                                    let mut b = body.clone();
                                    let mut g = seen.clone();
                                    if !out.answers[0].preference_applied {
                                        b["processingStatus"] = serde_json::Value::Null;
                                        g["processingStatus"] = serde_json::Value::Null;
                                    }
                                    if let Err(v) =
                                        check::compare_representation(&b, &g, &self.config.profile)
                                    {
                                        verdict = Err((
                                            RuleId::S4,
                                            format!(
                                                "the 200 body differs from a GET right after: {}",
                                                v.message
                                            ),
                                            Some(resp.clone()),
                                            expected.clone(),
                                        ));
                                    }
                                }
                            }
                        }
                    }
                    // keep in step with the implementation whatever happened
                    self.resync(&id, &seen);
                    // S6: after an accepted PATCH, one sibling (round robin) must be untouched
                    if verdict.is_ok() && out.updated.is_some() {
                        if let Some((rule, m)) = self.sibling_check(&id).await {
                            verdict = Err((rule, m, Some(resp.clone()), expected.clone()));
                        }
                    }
                }
                Some(Err((rule, m, r))) if verdict.is_ok() => {
                    verdict = Err((rule, m, r, expected.clone()))
                }
                _ => {}
            }
        }
        verdict
    }

    fn record_coverage(&mut self, case: &Case) {
        self.cases += 1;
        for r in case.rules() {
            *self.coverage.entry(r).or_default() += 1;
        }
        (self.on_event)(&Event::Case);
    }

    /// Shrinks a failing spec against the implementation: greedily drops defects, members and
    /// spelling variations while the same rule still fails.
    async fn shrink(
        &mut self,
        spec: &CaseSpec,
        rule: RuleId,
        pre: Option<(String, TaskProcessingResult)>,
    ) -> CaseSpec {
        let false_rejection = self.false_rejection;
        let mut best = spec.clone();
        let mut budget = 80;
        'outer: loop {
            for cand in candidates(&best) {
                if budget == 0 {
                    break 'outer;
                }
                budget -= 1;
                if let Some((id, v)) = &pre {
                    self.restore(id, v).await;
                }
                let case = cand.build(&self.store, &self.config.profile);
                let wanted_false_rejection = false_rejection;
                if let Err((r, ..)) = self.check_case(&case).await {
                    // a rejected valid request shrinks to the one feature it is rejected for,
                    // whatever rule that feature turns out to be
                    if r == rule || (wanted_false_rejection && self.false_rejection) {
                        best = cand;
                        continue 'outer;
                    }
                }
            }
            break;
        }
        best
    }

    async fn run_case(&mut self, spec: CaseSpec, phase: &'static str, index: usize) {
        let case = spec.build(&self.store, &self.config.profile);
        self.record_coverage(&case);
        let Err((mut rule, mut message, actual, expected)) = self.check_case(&case).await else {
            return;
        };
        if self.state_mismatch && rule != RuleId::S6 {
            // The entity was observed (and re-synced) after the failure. Put it back as it was
            // before the request and send the request again: if it now passes, the entity had
            // drifted before the request, written by a request to another entity (S6).
            if let Some((id, pre)) = self.last_before.clone() {
                if self.restore(&id, &pre).await && self.check_case(&case).await.is_ok() {
                    rule = RuleId::S6;
                    message = format!(
                        "`{id}` held a value no request to it wrote (a request to another entity changed it); first seen as: {message}"
                    );
                    self.record(rule, message, phase, index, &case, actual, expected);
                    return;
                }
            }
        }
        self.report(spec, case, phase, index, rule, message, actual, expected)
            .await;
    }

    /// Writes `value` back into entity `id` with one PATCH naming every property (the state a
    /// failing request needs, for re-checks and shrinking). False when that is not possible.
    async fn restore(&mut self, id: &str, value: &TaskProcessingResult) -> bool {
        if !self.config.profile.patch_supported
            || value.status == crate::spec::ProcessingStatus::UnknownFutureValue
        {
            return false;
        }
        let Some(route) = self.store.direct_route(id) else {
            return false;
        };
        let ts = |t: &Option<crate::timestamp::Timestamp>| {
            t.map(|t| serde_json::Value::String(t.to_string()))
                .unwrap_or(serde_json::Value::Null)
        };
        let body = serde_json::json!({
            "createdDateTime": value.created.to_string(),
            "processingStatus": value.status.as_str(),
            "startedDateTime": ts(&value.started),
            "completedDateTime": ts(&value.completed),
            "failureReason": value.failure_reason,
        });
        let req = Request::new("PATCH", &route.to_path(&PathStyle::default()))
            .header("Authorization", &self.auth())
            .header("Content-Type", "application/json")
            .header("Prefer", model::INCLUDE_UNKNOWN_ENUM_MEMBERS)
            .body(body.to_string());
        let mut probe = self.store.clone();
        if !model::apply(&mut probe, &req, &self.config.profile).is_success() {
            return false;
        }
        match self.send(&req).await {
            Ok(r) if (200..300).contains(&r.status) => {
                self.store.set_value(id, value.clone());
                true
            }
            _ => false,
        }
    }

    /// Takes the observed representation of `id` into the runner's store, so one bug does not
    /// cascade into many findings (a representation of another entity is ignored).
    fn resync(&mut self, id: &str, seen: &serde_json::Value) {
        if let Some(t) = TaskProcessingResult::from_json(seen).filter(|t| t.id == id) {
            self.store.set_value(id, t);
        }
    }

    /// S6: observes one other entity (round robin) and compares it with the model.
    async fn sibling_check(&mut self, updated: &str) -> Option<(RuleId, String)> {
        let ids: Vec<String> = self
            .store
            .entities()
            .map(|(id, _)| id.clone())
            .filter(|i| i != updated)
            .collect();
        if ids.is_empty() {
            return None;
        }
        let id = ids[(self.requests as usize) % ids.len()].clone();
        *self.coverage.entry(RuleId::S6).or_default() += 1;
        let Some(Ok(seen)) = self.observe(&id).await else {
            return None;
        };
        let mv = self.store.get(&id).map(|e| e.value.to_json(true))?;
        let verdict = check::compare_representation(&mv, &seen, &self.config.profile)
            .err()
            .map(|v| {
                (
                    RuleId::S6,
                    format!("a PATCH to `{updated}` changed `{id}`: {}", v.message),
                )
            });
        self.resync(&id, &seen);
        verdict
    }

    #[allow(clippy::too_many_arguments)]
    async fn report(
        &mut self,
        spec: CaseSpec,
        case: Case,
        phase: &'static str,
        index: usize,
        mut rule: RuleId,
        message: String,
        actual: Option<Response>,
        expected: Expected,
    ) {
        let first_rule = rule;
        *self.failures.entry(rule).or_default() += 1;
        if self.findings.iter().filter(|f| f.rule == rule).count()
            >= self.config.max_findings_per_rule
        {
            return;
        }
        let was_false_rejection = self.false_rejection;
        let (case, message, actual, expected) = if self.config.shrink {
            let pre = self.last_before.clone();
            let small = self.shrink(&spec, rule, pre.clone()).await;
            if let Some((id, v)) = &pre {
                self.restore(id, v).await;
            }
            let case2 = small.build(&self.store, &self.config.profile);
            match self.check_case(&case2).await {
                Err((r, m, a, e)) if r == rule => (case2, m, a, e),
                Err((r, m, a, e)) if was_false_rejection && self.false_rejection => {
                    rule = r;
                    if rule != first_rule {
                        *self.failures.entry(first_rule).or_default() -= 1;
                        *self.failures.entry(rule).or_default() += 1;
                    }
                    (case2, m, a, e)
                }
                _ => (case, message, actual, expected),
            }
        } else {
            (case, message, actual, expected)
        };
        let key = format!(
            "{rule}|{}|{:?}|{}",
            case.request.method,
            case.defects,
            String::from_utf8_lossy(&case.request.body).len().min(64)
        );
        if !self.seen.insert(key) {
            return;
        }
        let finding = self.finding(rule, message, phase, index, &case, actual, expected);
        (self.on_event)(&Event::Finding(Box::new(finding.clone())));
        self.findings.push(finding);
    }

    /// Counts a failure of `rule` and keeps it as a finding unless the rule already has
    /// `max_findings_per_rule` of them (no shrinking: for failures of phases, not of one case).
    #[allow(clippy::too_many_arguments)]
    fn record(
        &mut self,
        rule: RuleId,
        message: String,
        phase: &str,
        index: usize,
        case: &Case,
        actual: Option<Response>,
        expected: Expected,
    ) {
        *self.failures.entry(rule).or_default() += 1;
        if self.findings.iter().filter(|f| f.rule == rule).count()
            >= self.config.max_findings_per_rule
        {
            return;
        }
        let f = self.finding(rule, message, phase, index, case, actual, expected);
        (self.on_event)(&Event::Finding(Box::new(f.clone())));
        self.findings.push(f);
    }

    #[allow(clippy::too_many_arguments)]
    fn finding(
        &self,
        rule: RuleId,
        message: String,
        phase: &str,
        index: usize,
        case: &Case,
        actual: Option<Response>,
        expected: Expected,
    ) -> Finding {
        let token = self
            .store
            .tokens()
            .write
            .first()
            .cloned()
            .unwrap_or_default();
        let request = crate::report::redact(&case.request, &token);
        Finding {
            rule,
            title: format!("{rule}: {}", rule.title()),
            message,
            phase: phase.to_string(),
            seed: self.config.seed,
            case_index: index,
            defects: case.defects.clone(),
            curl: crate::report::curl(self.remote.base_url(), &request),
            rust_test: crate::report::rust_test(
                self.remote.base_url(),
                rule,
                &request,
                &expected.statuses,
            ),
            request,
            expected,
            actual,
        }
    }

    /// Runs every phase and returns the report.
    pub async fn run(mut self) -> Result<Report, RunError> {
        let started = Instant::now();
        let profile = self.config.profile.clone();
        let first = self
            .store
            .entities()
            .next()
            .map(|(id, _)| id.clone())
            .ok_or(RunError::EmptyStore)?;
        // preflight: a connection that never works is an error, not a finding
        let probe = Request::new(
            "GET",
            &self
                .store
                .direct_route(&first)
                .map(|r| r.to_path(&PathStyle::default()))
                .unwrap_or_default(),
        )
        .header("Authorization", &self.auth());
        if let Err(e @ (TransportError::Connect { .. } | TransportError::Timeout { .. })) =
            self.send(&probe).await
        {
            return Err(RunError::Unreachable(e));
        }

        // F1: the implementation holds the fixture's state (the preflight GET just read it)
        *self.coverage.entry(RuleId::F1).or_default() += 1;
        let boundary = generate::boundary_cases(&profile);
        (self.on_event)(&Event::Phase {
            name: "boundary",
            cases: boundary.len(),
        });
        for (i, spec) in boundary.into_iter().enumerate() {
            self.run_case(spec, "boundary", i).await;
            if self.consecutive_connect_errors > 5 {
                break;
            }
        }

        let mut runner = TestRunner::new_with_rng(
            PtConfig::default(),
            TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes(self.config.seed)),
        );
        let strategy = generate::any_case(&profile);
        (self.on_event)(&Event::Phase {
            name: "random",
            cases: self.config.cases,
        });
        for i in 0..self.config.cases {
            let Ok(tree) = strategy.new_tree(&mut runner) else {
                continue;
            };
            self.run_case(tree.current(), "random", i).await;
            if self.consecutive_connect_errors > 5 {
                break;
            }
        }

        let seq_strategy = generate::sequence(&profile, 8);
        (self.on_event)(&Event::Phase {
            name: "sequence",
            cases: self.config.sequences,
        });
        for i in 0..self.config.sequences {
            let Ok(tree) = seq_strategy.new_tree(&mut runner) else {
                continue;
            };
            for spec in tree.current() {
                self.run_case(spec.clone(), "sequence", i).await;
                self.idempotence(spec, i).await;
            }
            self.isolation(i).await;
        }

        (self.on_event)(&Event::Phase {
            name: "concurrency",
            cases: 4,
        });
        for round in 0..4 {
            self.concurrency(round).await;
        }

        Ok(Report {
            contract_version: crate::rule::CONTRACT_VERSION.to_string(),
            seed: self.config.seed,
            profile: profile.name.clone(),
            base_url: self.remote.base_url().to_string(),
            cases: self.cases,
            requests: self.requests,
            duration_ms: started.elapsed().as_millis() as u64,
            findings: self.findings,
            coverage: self.coverage,
            failures: self.failures,
        })
    }

    /// S5: an accepted PATCH sent again gives the same answer and state.
    async fn idempotence(&mut self, spec: CaseSpec, index: usize) {
        let case = spec.build(&self.store, &self.config.profile);
        if case.request.method != "PATCH"
            || !case.defects.is_empty()
            || !self.config.profile.patch_supported
        {
            return;
        }
        let Ok(first) = self.send(&case.request).await else {
            return;
        };
        if !(200..300).contains(&first.status) {
            // not accepted at all: the main check of this case reports that, under its own rule
            if let Some(t) = case.target.as_deref() {
                if let Some(Ok(seen)) = self.observe(t).await {
                    self.resync(t, &seen);
                }
            }
            return;
        }
        let Ok(second) = self.send(&case.request).await else {
            return;
        };
        let _ = model::apply(&mut self.store, &case.request, &self.config.profile);
        *self.coverage.entry(RuleId::S5).or_default() += 1;
        let same_body = match (
            serde_json::from_slice::<serde_json::Value>(&first.body),
            serde_json::from_slice::<serde_json::Value>(&second.body),
        ) {
            (Ok(a), Ok(b)) => check::compare_representation(&a, &b, &self.config.profile).is_ok(),
            _ => first.body == second.body,
        };
        if first.status != second.status || !same_body {
            let out = model::apply(&mut self.store.clone(), &case.request, &self.config.profile);
            let expected = Expected {
                statuses: out.statuses(),
                body: out.answers[0].json(),
                rules: vec![RuleId::S5],
            };
            let msg = format!(
                "the same PATCH twice answered {} then {}",
                first.status, second.status
            );
            self.record(
                RuleId::S5,
                msg,
                "sequence",
                index,
                &case,
                Some(second),
                expected,
            );
        }
    }

    /// S6: a sibling entity still holds what the model says.
    async fn isolation(&mut self, index: usize) {
        let ids: Vec<String> = self.store.entities().map(|(id, _)| id.clone()).collect();
        if ids.is_empty() {
            return;
        }
        let id = ids[index % ids.len()].clone();
        *self.coverage.entry(RuleId::S6).or_default() += 1;
        let Some(Ok(seen)) = self.observe(&id).await else {
            return;
        };
        let Some(mv) = self.store.get(&id).map(|e| e.value.to_json(true)) else {
            return;
        };
        if let Err(v) = check::compare_representation(&mv, &seen, &self.config.profile) {
            let case = CaseSpec {
                get: true,
                ..CaseSpec::default()
            }
            .build(&self.store, &self.config.profile);
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
            let message = format!(
                "entity `{id}` changed though no request addressed it: {}",
                v.message
            );
            self.record(
                RuleId::S6,
                message,
                "sequence",
                index,
                &case,
                None,
                expected,
            );
            self.resync(&id, &seen);
        }
    }

    /// S7: concurrent PATCHes of distinct properties to one entity; nothing accepted is lost.
    async fn concurrency(&mut self, round: usize) {
        let profile = self.config.profile.clone();
        if !profile.patch_supported {
            return;
        }
        let ids: Vec<String> = self.store.entities().map(|(id, _)| id.clone()).collect();
        let id = ids[round % ids.len()].clone();
        let Some(route) = self.store.direct_route(&id) else {
            return;
        };
        let path = route.to_path(&PathStyle::default());
        let n = self.config.concurrency.max(7);
        let mut bodies = vec![
            format!(r#"{{"createdDateTime":"2011-01-01T00:00:{round:02}Z"}}"#),
            format!(r#"{{"startedDateTime":"2012-02-02T00:00:{round:02}Z"}}"#),
            format!(r#"{{"completedDateTime":"2013-03-03T00:00:{round:02}Z"}}"#),
            r#"{"processingStatus":"completedWithErrors"}"#.to_string(),
        ];
        for i in bodies.len()..n {
            bodies.push(format!(r#"{{"failureReason":"concurrent {round}/{i}"}}"#));
        }
        if profile.required_in_body {
            // B4 under required_in_body: every body names both required properties
            for (i, b) in bodies.iter_mut().enumerate() {
                let extra = if b.contains("createdDateTime") {
                    r#""processingStatus":"failed""#.to_string()
                } else if b.contains("processingStatus") {
                    format!(r#""createdDateTime":"2014-04-04T00:00:{:02}Z""#, i % 60)
                } else {
                    format!(
                        r#""createdDateTime":"2014-04-04T00:00:{:02}Z","processingStatus":"failed""#,
                        i % 60
                    )
                };
                b.insert_str(1, &format!("{extra},"));
            }
        }
        let reqs: Vec<Request> = bodies
            .into_iter()
            .map(|b| {
                Request::new("PATCH", &path)
                    .header("Authorization", &self.auth())
                    .header("Content-Type", "application/json")
                    .body(b)
            })
            .collect();
        let initial = self.store.clone();
        // the phase only sends what the contract accepts; anything else is a harness bug
        if let Some(bad) = reqs
            .iter()
            .find(|r| !model::apply(&mut initial.clone(), r, &profile).is_success())
        {
            debug_assert!(false, "concurrency phase built an invalid request: {bad:?}");
            return;
        }
        let sends = reqs.iter().map(|r| self.remote.send(r));
        let results = futures_join_all(sends).await;
        self.requests += reqs.len() as u64;
        *self.coverage.entry(RuleId::S7).or_default() += 1;
        let accepted: Vec<Request> = reqs
            .iter()
            .zip(&results)
            .filter(|(_, r)| r.as_ref().is_ok_and(|r| (200..300).contains(&r.status)))
            .map(|(q, _)| q.clone())
            .collect();
        let Some(Ok(seen)) = self.observe(&id).await else {
            return;
        };
        let Some(observed) = TaskProcessingResult::from_json(&seen) else {
            return;
        };
        let mut fin = initial.clone();
        fin.set_value(&id, observed);
        let verdict = if accepted.len() < reqs.len() {
            Err(Violation {
                property: None,
                rule: RuleId::S7,
                message: format!(
                    "only {} of {} concurrent valid PATCHes were accepted (the others were rejected or not answered)",
                    accepted.len(),
                    reqs.len()
                ),
            })
        } else {
            check::s7_linearizable(&initial, &accepted, &fin, &profile)
        };
        self.store = fin;
        if let Err(v) = verdict {
            let case = CaseSpec::default().build(&initial, &profile);
            let case = Case {
                request: reqs[0].clone(),
                ..case
            };
            let expected = Expected {
                statuses: vec![200],
                body: None,
                rules: vec![RuleId::S7],
            };
            let message = format!("{} concurrent PATCHes to `{id}`: {}", reqs.len(), v.message);
            self.record(
                RuleId::S7,
                message,
                "concurrency",
                round,
                &case,
                None,
                expected,
            );
        }
    }
}

/// Awaits all futures concurrently (a tiny join_all so the core needs no futures crate).
async fn futures_join_all<F: std::future::Future>(futs: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut set = Vec::new();
    for f in futs {
        set.push(Box::pin(f));
    }
    let mut out: Vec<Option<F::Output>> = (0..set.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in set.iter_mut().enumerate() {
            if out[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => out[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().flatten().collect()
}

fn seed_bytes(seed: u64) -> [u8; 32] {
    let mut b = [0u8; 32];
    for (i, chunk) in b.chunks_mut(8).enumerate() {
        chunk.copy_from_slice(
            &(seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)).to_le_bytes(),
        );
    }
    b
}

/// Smaller variants of a spec, most aggressive first.
pub fn candidates(spec: &CaseSpec) -> Vec<CaseSpec> {
    let mut out = Vec::new();
    for i in 0..spec.defects.len() {
        let mut c = spec.clone();
        c.defects.remove(i);
        out.push(c);
    }
    if !spec.members.is_empty() {
        out.push(CaseSpec {
            members: vec![],
            ..spec.clone()
        });
    }
    for i in 0..spec.members.len() {
        let mut c = spec.clone();
        c.members.remove(i);
        out.push(c);
    }
    for i in 0..spec.members.len() {
        if let MemberSpec::FailureReason(Some(t)) = &spec.members[i] {
            if t.text.len() > 1 || t.repeat == 255 || t.escape_all {
                let mut c = spec.clone();
                c.members[i] = MemberSpec::FailureReason(Some(generate::TextSpec {
                    text: "x".into(),
                    escape_all: false,
                    repeat: 0,
                }));
                out.push(c);
            }
        }
    }
    let simpler = [
        CaseSpec {
            alias: None,
            ..spec.clone()
        },
        CaseSpec {
            style: PathStyle::default(),
            ..spec.clone()
        },
        CaseSpec {
            style: PathStyle {
                paren: 0,
                ..spec.style
            },
            ..spec.clone()
        },
        CaseSpec {
            style: PathStyle {
                case: crate::path::NameCase::Canonical,
                ..spec.style
            },
            ..spec.clone()
        },
        CaseSpec {
            style: PathStyle {
                trailing_slash: false,
                ..spec.style
            },
            ..spec.clone()
        },
        CaseSpec {
            prefer: false,
            ..spec.clone()
        },
        CaseSpec {
            content_type: 0,
            ..spec.clone()
        },
        CaseSpec {
            auth_variant: 0,
            ..spec.clone()
        },
    ];
    out.extend(simpler.into_iter().filter(|c| c != spec));
    out
}
