//! The runner: sequences phases, talks to the [`Target`], hands answers to the [`judge`] and
//! verdicts to the [`Collector`]. It decides nothing about the contract itself.
//!
//! Order of a run: preflight (tokens, seeding, fixture values), then per unit of the fixture
//! (a workflow, owned by one lane): the boundary cases, the random cases, stateful sequences
//! with repeats (S5) and isolation reads (S6), and concurrency rounds (S7). Units run in
//! `jobs` lanes at once; each unit's work is fixed by the seed, so the findings do not depend
//! on the number of lanes.
//!
//! Diagnosis: a request with a defect that is answered wrongly is re-sent as its *valid twin*
//! (same spelling, headers and framing, without the defect). If the twin is rejected too, the
//! finding belongs to the valid variant the twin still carries, found by removing variants one
//! at a time; otherwise it is shrunk (valid variants first) and filed under the defect's rule.

use super::findings::{Collector, cause_key};
use super::judge::{self, Kind, Verdict};
use super::{
    Config, Event, Expected, Finding, Observe, Report, RunError, StopKind, Stopped, lanes,
};
use crate::generate::{self, Case, CaseSpec, MemberSpec};
use crate::json;
use crate::model;
use crate::path::{NameCase, PathStyle};
use crate::profile::Profile;
use crate::rule::RuleId;
use crate::spec::{NOT_UPDATABLE, ProcessingStatus, Request, TaskProcessingResult};
use crate::store::Store;
use crate::target::{Response, Target, TransportError};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::Instant;

type EventSink<'a> = Box<dyn FnMut(&Event) + Send + 'a>;

/// The runner over one implementation.
pub struct Runner<'a> {
    target: &'a dyn Target,
    store: Store,
    config: Config,
    on_event: EventSink<'a>,
}

/// What lanes share: the target, the configuration, the implementation's health.
struct Shared<'a> {
    target: &'a dyn Target,
    config: Config,
    tokens_write: String,
    started: Instant,
    /// Bumped each time the implementation came back after a crash: lanes re-read their state.
    epoch: AtomicU64,
    answered: AtomicBool,
    consecutive_failures: AtomicU32,
    failures_total: AtomicU32,
    stop: Mutex<Option<Stopped>>,
    recovery: tokio::sync::Mutex<()>,
    probe: Request,
    events: Mutex<EventSink<'a>>,
}

impl Shared<'_> {
    fn emit(&self, e: &Event) {
        if let Ok(mut f) = self.events.lock() {
            f(e)
        }
    }

    fn stopped(&self) -> bool {
        if let Some(limit) = self.config.max_time {
            if self.started.elapsed() >= limit {
                self.stop_with(
                    StopKind::MaxTime,
                    format!(
                        "the run was cut short: --max-time {} s expired",
                        limit.as_secs()
                    ),
                );
            }
        }
        self.stop.lock().map(|s| s.is_some()).unwrap_or(true)
    }

    fn stop_with(&self, kind: StopKind, message: String) {
        if let Ok(mut s) = self.stop.lock() {
            if s.is_none() {
                *s = Some(Stopped { kind, message });
            }
        }
    }

    /// The implementation stopped answering: wait (bounded) for it to come back.
    async fn wait_for_recovery(&self, epoch_seen: u64) -> Recovery {
        let _guard = self.recovery.lock().await;
        if self.epoch.load(Ordering::SeqCst) != epoch_seen {
            return Recovery::ByAnotherLane;
        }
        if self.stopped() {
            return Recovery::Gone;
        }
        let wait = self.config.crash_wait;
        self.emit(&Event::Note(format!(
            "the implementation stopped answering; waiting up to {} s for it to come back",
            wait.as_secs()
        )));
        let until = Instant::now() + wait;
        while Instant::now() < until {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            if self.target.send(&self.probe).await.is_ok() {
                self.epoch.fetch_add(1, Ordering::SeqCst);
                self.emit(&Event::Note(
                    "the implementation answers again; re-reading its state".into(),
                ));
                return Recovery::Back;
            }
        }
        self.stop_with(
            StopKind::Crashed,
            format!(
                "the implementation stopped answering and did not come back within {} s",
                wait.as_secs()
            ),
        );
        Recovery::Gone
    }
}

/// How a wait for a crashed implementation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Recovery {
    /// This lane waited and it came back.
    Back,
    /// Another lane saw the same crash and waited.
    ByAnotherLane,
    /// It did not come back: the run stops.
    Gone,
}

/// A lane's work on one unit of the fixture.
struct Unit<'s, 'a> {
    shared: &'s Shared<'a>,
    index: usize,
    store: Store,
    collector: Collector,
    /// pre-shrink key → cause key, so a cause met again is counted, not shrunk again
    known: HashMap<String, String>,
    coverage: BTreeMap<RuleId, u64>,
    clauses: BTreeMap<String, u64>,
    cases: usize,
    requests: u64,
    round_robin: usize,
    recent: VecDeque<Request>,
    epoch: u64,
    /// Entities whose observed state could not be read back.
    unknown: Vec<String>,
    /// What the last observation's representation lacked or rendered invalidly (S4.a, T2.a).
    shape: Vec<Verdict>,
}

/// What one checked request showed.
struct Checked {
    verdicts: Vec<Verdict>,
    response: Option<Response>,
    expected: Expected,
    /// The implementation was down and came back (or not): the case says nothing.
    interrupted: bool,
    /// The state after it was due to be observed and could not be (its verdicts say nothing
    /// about the state).
    unobserved: bool,
}

/// A valid variant a case carries (the features a server may wrongly reject).
struct Variant {
    name: &'static str,
    /// The clause of the contract the variant relies on (a server rejecting it breaks that).
    clause: &'static str,
    without: CaseSpec,
}

impl Variant {
    /// The rule of its clause.
    fn rule(&self) -> RuleId {
        let id = self.clause.split('.').next().unwrap_or(self.clause);
        id.parse().unwrap_or(RuleId::S2)
    }
}

fn variants(spec: &CaseSpec) -> Vec<Variant> {
    let mut v = Vec::new();
    let mut push = |name, clause, without: CaseSpec| {
        if &without != spec {
            v.push(Variant {
                name,
                clause,
                without,
            })
        }
    };
    // the framing first: a chunked body read wrongly shows as whatever the body then breaks
    // (an empty body, one past the limit); the same body with Content-Length tells (H4.b)
    if spec.chunked && !spec.get {
        push(
            "chunked framing",
            "H4.b",
            CaseSpec {
                chunked: false,
                ..spec.clone()
            },
        );
    }
    // H2.d names both routes: a read-only token refused on one of them is H2.d
    if spec.get && spec.auth_variant % 3 == 2 {
        push(
            "read-only token",
            "H2.d",
            CaseSpec {
                auth_variant: 0,
                ..spec.clone()
            },
        );
    }
    // the via-task route next: with it the request addresses another way, and a variant needed
    // only together with it is the alias's doing (R2.c). While its own key is parenthesised,
    // removing the route removes that spelling too: then it comes last, after the spelling
    let via_task = CaseSpec {
        alias: None,
        ..spec.clone()
    };
    let own_key_parenthesised = spec.style.paren & 0b1_0000 != 0;
    if spec.alias.is_some() && !own_key_parenthesised {
        push("via-task route", "R2.c", via_task.clone());
    }
    if spec.style.paren != 0 {
        push(
            "parenthesised keys",
            "R3.b",
            CaseSpec {
                style: PathStyle {
                    paren: 0,
                    ..spec.style
                },
                ..spec.clone()
            },
        );
    }
    if spec.pad_to_limit && !spec.get {
        push(
            "body of exactly the size limit",
            "H4.a",
            CaseSpec {
                pad_to_limit: false,
                ..spec.clone()
            },
        );
    }
    // (the spec is normalised: a style is kept only when the request carries the preference)
    if spec.prefer_style % 4 >= 2 {
        push(
            "preference in a list",
            "H5.a",
            CaseSpec {
                prefer_style: 0,
                ..spec.clone()
            },
        );
    }
    if spec.style.encode {
        push(
            "percent-encoded ids",
            "R3.c",
            CaseSpec {
                style: PathStyle {
                    encode: false,
                    ..spec.style
                },
                ..spec.clone()
            },
        );
    }
    if spec.style.case != NameCase::Canonical {
        push(
            "segment case",
            "R4.a",
            CaseSpec {
                style: PathStyle {
                    case: NameCase::Canonical,
                    ..spec.style
                },
                ..spec.clone()
            },
        );
    }
    if spec.style.trailing_slash {
        push(
            "trailing slash",
            "R4.c",
            CaseSpec {
                style: PathStyle {
                    trailing_slash: false,
                    ..spec.style
                },
                ..spec.clone()
            },
        );
    }
    if spec.bom && !spec.get {
        push(
            "byte-order mark",
            "B1.d",
            CaseSpec {
                bom: false,
                ..spec.clone()
            },
        );
    }
    if spec.gzip && !spec.get {
        push(
            "gzip request body",
            "H6.a",
            CaseSpec {
                gzip: false,
                ..spec.clone()
            },
        );
    }
    if spec.prefer {
        push(
            "Prefer header",
            "H5.a",
            CaseSpec {
                prefer: false,
                ..spec.clone()
            },
        );
    }
    let ct = generate::ALLOWED_CONTENT_TYPES
        [usize::from(spec.content_type) % generate::ALLOWED_CONTENT_TYPES.len()];
    // the media type in another case (H3.a), then its parameters (H3.b), each its own step
    let lower = ct.to_ascii_lowercase();
    let lower_index = generate::ALLOWED_CONTENT_TYPES
        .iter()
        .position(|c| *c != ct && c.replace(' ', "") == lower.replace(' ', ""));
    if let (false, Some(i)) = (spec.get, lower_index) {
        push(
            "media type case",
            "H3.a",
            CaseSpec {
                content_type: i as u8,
                ..spec.clone()
            },
        );
    }
    if !spec.get && ct != generate::ALLOWED_CONTENT_TYPES[0] {
        push(
            "Content-Type spelling",
            if ct.contains(';') { "H3.b" } else { "H3.a" },
            CaseSpec {
                content_type: 0,
                ..spec.clone()
            },
        );
    }
    if spec.auth_variant % 3 == 1 {
        push(
            "lower-case bearer scheme",
            "H2.b",
            CaseSpec {
                auth_variant: 0,
                ..spec.clone()
            },
        );
    }
    if !spec.get {
        // a timestamp only the full ABNF admits (T1.f; the spec is normalised, so only under
        // `odata-abnf`), the same member in Graph's pattern without it
        for (i, m) in spec.members.iter().enumerate() {
            let plain = m.without_abnf_feature();
            if &plain != m {
                let mut without = spec.clone();
                without.members[i] = plain;
                push(
                    "timestamp spelling only the OData ABNF admits",
                    "T1.f",
                    without,
                );
            }
        }
        // the 32-level annotation: the same annotation without the depth (B1.e)
        for (i, m) in spec.members.iter().enumerate() {
            if m.is_deep() {
                let mut without = spec.clone();
                without.members[i] = MemberSpec::Annotation(0);
                push("32 levels of nesting", "B1.e", without);
            }
        }
        for (i, m) in spec.members.iter().enumerate() {
            let (name, clause) = (member_name(m), m.clause());
            let mut without = spec.clone();
            without.members.remove(i);
            push(name, clause, without);
        }
    }
    if spec.alias.is_some() && own_key_parenthesised {
        push("via-task route", "R2.c", via_task);
    }
    v
}

fn member_name(m: &MemberSpec) -> &'static str {
    match m {
        MemberSpec::Created(_) => "createdDateTime timestamp",
        MemberSpec::Started(Some(_)) => "startedDateTime timestamp",
        MemberSpec::Completed(Some(_)) => "completedDateTime timestamp",
        MemberSpec::Started(None) => "null startedDateTime",
        MemberSpec::Completed(None) => "null completedDateTime",
        MemberSpec::FailureReason(None) => "null failureReason",
        MemberSpec::FailureReason(Some(_)) => "failureReason text",
        MemberSpec::Status(s) if s.is_after_sentinel() => "member after the sentinel",
        MemberSpec::Status(ProcessingStatus::UnknownFutureValue) => "unknownFutureValue in a PATCH",
        MemberSpec::Status(_) => "processingStatus member",
        MemberSpec::OdataType(_) => "@odata.type",
        MemberSpec::Annotation(_) => "annotation",
        MemberSpec::IdEqual => "id equal to the key",
    }
}

/// The clause a verdict on `case` names: the defect's for a mishandled defect, the variant's
/// for a rejected valid request, the rule's sentence for everything else.
fn clause_of(v: &Verdict, case: &Case) -> String {
    // a diagnosis that named a variant as the cause (A/B, or what shrinking left): its clause
    if let Some(named) = v.message.split("(cause: ").nth(1) {
        let blamed = variants(&case.spec)
            .into_iter()
            .filter(|x| x.rule() == v.rule && named.starts_with(x.name))
            .map(|x| x.clause)
            .next();
        if let Some(c) = blamed {
            return c.to_string();
        }
    }
    let specific = match v.kind {
        Kind::Accepted | Kind::WrongStatus => case
            .defects
            .iter()
            .find(|d| d.rule() == v.rule)
            .map(|d| d.clause())
            // blamed on a variant the request carries (the via-task route, R2.c)
            .or_else(|| {
                variants(&case.spec)
                    .iter()
                    .find(|x| x.rule() == v.rule)
                    .map(|x| x.clause)
            })
            // H1 demanded of a PATCH whose method is right: only `patch_supported = false`
            .unwrap_or(
                if v.rule == RuleId::H1
                    && case.request.method == "PATCH"
                    && !case.defects.iter().any(|d| d.rule() == RuleId::H1)
                {
                    "H1.d"
                } else {
                    ""
                },
            ),
        Kind::Rejected => variants(&case.spec)
            .iter()
            .find(|x| x.rule() == v.rule)
            .map(|x| x.clause)
            .unwrap_or(match v.rule {
                RuleId::B4 => "B4.a",
                RuleId::T3 => "T3",
                RuleId::H1 if case.request.method == "GET" => "H1.b",
                RuleId::H1 => "H1.a",
                _ => "",
            }),
        Kind::SuccessShape => "S4.c",
        Kind::Envelope => "E1",
        Kind::ErrorCode => "E2",
        Kind::ServerError | Kind::Oversized | Kind::NoAnswer | Kind::Stopped => "E3",
        Kind::PreferenceApplied => "H5.b",
        Kind::Invariant => "S8",
        Kind::Drift => "S6",
        Kind::Idempotence => "S5",
        Kind::Linearizability => "S7",
        Kind::Fixture => "F1",
        Kind::Representation | Kind::State => match (v.rule, v.property, v.detail) {
            (RuleId::B6, _, "member-shown-instead-of-sentinel") => "B6.e",
            // the sentinel where a member is due: stored from a PATCH that sent it (B6.c), or a
            // stored member rendered as the sentinel although the preference was sent (B6.e)
            (RuleId::B6, _, "sentinel-instead-of-member")
                if !String::from_utf8_lossy(&case.request.body).contains("unknownFutureValue") =>
            {
                "B6.e"
            }
            // a member after the sentinel sent and not stored
            (RuleId::B6, _, "other-value") => "B6.d",
            (RuleId::B6, _, _) => "B6.c",
            (RuleId::T2, _, "invalid-rendering") => "T2.a",
            (RuleId::T1, _, "fraction-leading-zeros") => "T1.a",
            (RuleId::T2, ..) => "T2.b",
            (RuleId::R2, ..) => "R2.c",
            (RuleId::S4, Some("@odata.type"), _) => "S4.a",
            (RuleId::S4, ..) if v.message.contains("GET right after") => "S4.b",
            (RuleId::S4, ..) => "S4.a",
            _ => "",
        },
    };
    if !specific.is_empty() {
        return specific.to_string();
    }
    crate::contract::clause::of(v.rule)
        .next()
        .map(|c| c.id.clone())
        .unwrap_or_else(|| v.rule.to_string())
}

/// Smaller variants of a spec for shrinking, valid variants first (so a finding ends up
/// carrying only what provokes it), then members, then extra defects, then long texts.
fn shrink_candidates(spec: &CaseSpec) -> Vec<CaseSpec> {
    let mut out: Vec<CaseSpec> = variants(spec)
        .into_iter()
        .filter(|v| v.without.members.len() == spec.members.len())
        .map(|v| v.without)
        .collect();
    if spec.members.len() > 1 {
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
    if spec.defects.len() > 1 {
        for i in 0..spec.defects.len() {
            let mut c = spec.clone();
            c.defects.remove(i);
            out.push(c);
        }
    }
    for (i, m) in spec.members.iter().enumerate() {
        if let MemberSpec::FailureReason(Some(t)) = m {
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
    out
}

fn body_names(req: &Request, profile: &Profile) -> Vec<String> {
    let Ok(decoded) = model::decode_body(req, profile) else {
        return Vec::new();
    };
    // a byte-order mark the implementation may ignore (B1.d) does not hide the names
    json::parse(json::strip_bom(&decoded).0)
        .map(|j| j.member_names())
        .unwrap_or_default()
}

impl<'a> Runner<'a> {
    /// A runner against `target`, whose implementation holds `store`'s state.
    pub fn new(target: &'a dyn Target, store: Store, config: Config) -> Runner<'a> {
        Runner {
            target,
            store,
            config,
            on_event: Box::new(|_| {}),
        }
    }

    /// Calls `f` for every event (progress bars, live logs).
    pub fn on_event(mut self, f: impl FnMut(&Event) + Send + 'a) -> Self {
        self.on_event = Box::new(f);
        self
    }

    /// Runs the preflight and every phase, and returns the report.
    pub async fn run(self) -> Result<Report, RunError> {
        let started = Instant::now();
        let Runner {
            target,
            mut store,
            config,
            on_event,
        } = self;
        let profile = config.profile.clone();
        if store.is_empty() {
            return Err(RunError::EmptyStore);
        }
        if profile.members_after_sentinel.is_empty() {
            if let Some((id, e)) = store
                .entities()
                .find(|(_, e)| !profile.has_member(e.value.status))
            {
                return Err(RunError::FixtureProfile(format!(
                    "the fixture holds `{}` (entity `{id}`), a member profile {} does not have. Make a matching fixture with `tpr-harness fixtures --profile {} --out FILE` and seed the implementation with it",
                    e.value.status.as_str(),
                    profile.name,
                    profile.name
                )));
            }
        }
        let write = store.tokens().write.first().cloned().unwrap_or_default();
        let first_id = store
            .entities()
            .next()
            .map(|(id, _)| id.clone())
            .unwrap_or_default();
        let probe_path = store
            .direct_route(&first_id)
            .map(|r| r.to_path(&PathStyle::default()))
            .unwrap_or_default();
        let probe =
            Request::new("GET", &probe_path).header("Authorization", &format!("Bearer {write}"));
        let shared = Shared {
            target,
            config: config.clone(),
            tokens_write: write,
            started,
            epoch: AtomicU64::new(0),
            answered: AtomicBool::new(false),
            consecutive_failures: AtomicU32::new(0),
            failures_total: AtomicU32::new(0),
            stop: Mutex::new(None),
            recovery: tokio::sync::Mutex::new(()),
            probe,
            events: Mutex::new(on_event),
        };

        // preflight: tokens, seeding, values; the runner adopts what it read
        let mut preflight = Collector::default();
        let mut requests = preflight_run(&shared, &mut store, &mut preflight).await?;

        let units = lanes::units(&store);
        let n_units = units.len();
        // the boundary cases, then every pair of defect kinds (E4)
        let boundary = if config.pairs {
            generate::deterministic_cases(&profile)
        } else {
            generate::boundary_cases(&profile)
        };
        // S7: enough rounds to catch a race that shows one time in ten (1 - 0.9^32 > 96 %),
        // each one round of `concurrency` requests
        let concurrency_rounds = 32;
        let total = boundary.len() + config.cases + config.sequences + concurrency_rounds;
        shared.emit(&Event::Phase {
            name: "cases",
            cases: total,
        });
        let jobs = config.jobs.clamp(1, n_units.max(1));
        let lane_futures = (0..jobs).map(|lane| {
            let shared = &shared;
            let units = &units;
            let boundary = &boundary;
            async move {
                let mut done = Vec::new();
                for u in lanes::units_of_lane(lane, jobs, n_units) {
                    let mut unit = Unit::new(shared, u, units[u].clone());
                    unit.run(boundary, n_units, concurrency_rounds).await;
                    done.push(unit);
                }
                done
            }
        });
        let mut finished: Vec<Unit> = join_all(lane_futures).await.into_iter().flatten().collect();
        finished.sort_by_key(|u| u.index);

        let mut collector = preflight;
        let mut coverage: BTreeMap<RuleId, u64> = BTreeMap::new();
        coverage.insert(RuleId::F1, 1);
        let mut clause_coverage: BTreeMap<String, u64> = BTreeMap::new();
        clause_coverage.insert("F1".into(), 1);
        let mut cases = 0;
        for u in finished {
            requests += u.requests;
            cases += u.cases;
            for (r, n) in u.coverage {
                *coverage.entry(r).or_default() += n;
            }
            for (c, n) in u.clauses {
                *clause_coverage.entry(c).or_default() += n;
            }
            collector.merge(u.collector);
        }
        let (findings, failures) = collector.finish();
        let stopped = shared.stop.lock().ok().and_then(|s| s.clone());
        Ok(Report {
            contract_version: crate::rule::CONTRACT_VERSION.to_string(),
            seed: config.seed,
            profile: profile.name.clone(),
            profile_knobs: serde_json::to_value(&profile).unwrap_or_default(),
            base_url: target.describe(),
            cases,
            requests,
            duration_ms: started.elapsed().as_millis() as u64,
            jobs,
            findings,
            coverage,
            clause_coverage,
            failures,
            stopped,
        })
    }
}

/// What replaying one finding showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replayed {
    /// The same judge finds nothing wrong now.
    Fixed,
    /// Still wrong: what the judge says.
    StillFailing(String),
    /// The finding is about a whole run (drift, concurrency, fixture): run `check` again.
    NeedsFullRun(String),
}

impl Runner<'_> {
    /// Replays findings one by one: restores the state each needs (the `before` value of its
    /// entity), re-sends its request (its sequence first, for crashes) and judges the answer with
    /// the same judge as `check`, under the runner's profile. FIXED only when the verdict is clean.
    pub async fn replay(self, findings: &[Finding]) -> Vec<Replayed> {
        let Runner {
            target,
            store,
            config,
            on_event,
        } = self;
        let write = store.tokens().write.first().cloned().unwrap_or_default();
        let shared = Shared {
            target,
            config: Config {
                crash_wait: std::time::Duration::ZERO,
                ..config
            },
            tokens_write: write.clone(),
            started: Instant::now(),
            epoch: AtomicU64::new(0),
            answered: AtomicBool::new(true),
            consecutive_failures: AtomicU32::new(0),
            failures_total: AtomicU32::new(0),
            stop: Mutex::new(None),
            recovery: tokio::sync::Mutex::new(()),
            probe: Request::new("GET", "/"),
            events: Mutex::new(on_event),
        };
        let mut unit = Unit::new(&shared, 0, store);
        let mut out = Vec::new();
        for f in findings {
            out.push(unit.replay(f, &write).await);
        }
        out
    }
}

impl Unit<'_, '_> {
    async fn replay(&mut self, f: &Finding, token: &str) -> Replayed {
        let req = super::repro::unredact(&f.request, token);
        match f.kind {
            Kind::Drift | Kind::Linearizability | Kind::Fixture => {
                return Replayed::NeedsFullRun(format!(
                    "{} is a property of a whole run: run check again",
                    f.rule
                ));
            }
            Kind::Stopped => {
                for r in &f.sequence {
                    let _ = self.send(&super::repro::unredact(r, token)).await;
                }
                return match self.send(&req).await {
                    Err(e) => Replayed::StillFailing(format!("no answer: {e}")),
                    Ok(_) => match self.send(&self.shared.probe.clone()).await {
                        Ok(_) => Replayed::Fixed,
                        Err(e) => Replayed::StillFailing(format!("stopped answering: {e}")),
                    },
                };
            }
            _ => {}
        }
        let profile = self.profile().clone();
        let case_target = crate::path::Route::parse(&req.path, &profile)
            .ok()
            .and_then(|r| self.store.resolve(&r).map(str::to_string));
        if let (Some(id), Some(before)) = (
            &case_target,
            f.before.as_ref().and_then(TaskProcessingResult::from_json),
        ) {
            // the implementation's current value first, then the value the finding needs
            if let Observed::Seen(seen) = self.observe(id).await {
                self.resync(id, &seen);
            }
            if !self.restore(id, &before).await {
                return Replayed::StillFailing(format!(
                    "could not restore `{id}` to the state the finding needs"
                ));
            }
        }
        let case = Case {
            spec: f.spec.clone().unwrap_or_default(),
            request: req.clone(),
            defects: f.defects.clone(),
            demand: crate::defect::Demand {
                statuses: f.expected.statuses.clone(),
                rules: f.expected.rules.clone(),
            },
            target: case_target,
            exercised: vec![],
        };
        if f.kind == Kind::Idempotence {
            let first = self.send(&req).await;
            let second = self.send(&req).await;
            return match (first, second) {
                (Ok(a), Ok(b)) => match judge::idempotent(&a, &b, &profile) {
                    None => Replayed::Fixed,
                    Some(v) => Replayed::StillFailing(v.message),
                },
                (Err(e), _) | (_, Err(e)) => Replayed::StillFailing(format!("no answer: {e}")),
            };
        }
        let checked = self.check(&case).await;
        match checked.verdicts.first() {
            None => Replayed::Fixed,
            Some(v) => Replayed::StillFailing(format!("{}: {}", v.rule, v.message)),
        }
    }
}

/// Preflight: the write token reads, the read-only token reads, the fixture is there and holds
/// the fixture's values (a difference is one F1 finding per property, and the runner adopts
/// what it read). Returns the requests it sent.
async fn preflight_run(
    shared: &Shared<'_>,
    store: &mut Store,
    collector: &mut Collector,
) -> Result<u64, RunError> {
    let mut requests = 0u64;
    let resp = shared.target.send(&shared.probe).await;
    requests += 1;
    match resp {
        Err(e) => return Err(RunError::Unreachable(e)),
        Ok(r) if r.status == 401 || r.status == 403 => {
            return Err(RunError::TokenRefused {
                which: "write",
                flag: "token",
                perm: " with LifecycleWorkflows.ReadWrite.All",
                path: shared.probe.path.clone(),
                status: r.status,
            });
        }
        Ok(_) => shared.answered.store(true, Ordering::SeqCst),
    }
    if let Some(read) = store.tokens().read_only.first() {
        let req = Request::new("GET", &shared.probe.path)
            .header("Authorization", &format!("Bearer {read}"));
        requests += 1;
        if let Ok(r) = shared.target.send(&req).await {
            if r.status == 401 || r.status == 403 {
                return Err(RunError::TokenRefused {
                    which: "read-only",
                    flag: "read-only-token",
                    perm: " with LifecycleWorkflows.Read.All",
                    path: shared.probe.path.clone(),
                    status: r.status,
                });
            }
        }
    }
    if shared.config.observe == Observe::None {
        return Ok(requests);
    }
    let ids: Vec<String> = store.entities().map(|(id, _)| id.clone()).collect();
    let n = shared.config.preflight_sample.max(1).min(ids.len());
    let sample: Vec<&String> = (0..n).map(|i| &ids[i * ids.len() / n]).collect();
    let mut missing = Vec::new();
    let mut differences: BTreeMap<
        &'static str,
        (u64, String, Request, serde_json::Value, serde_json::Value),
    > = BTreeMap::new();
    for id in sample {
        let Some(path) = store
            .direct_route(id)
            .map(|r| r.to_path(&PathStyle::default()))
        else {
            continue;
        };
        let req = Request::new("GET", &path)
            .header("Authorization", &format!("Bearer {}", shared.tokens_write))
            .header("Prefer", model::INCLUDE_UNKNOWN_ENUM_MEMBERS);
        requests += 1;
        let Ok(r) = shared.target.send(&req).await else {
            continue;
        };
        if r.status == 404 {
            missing.push(path);
            continue;
        }
        if r.status != 200 {
            continue; // H1 is judged by the cases
        }
        let Ok(mut seen) = serde_json::from_slice::<serde_json::Value>(&r.body) else {
            continue;
        };
        let Some(mv) = store.get(id).map(|e| e.value.to_json(true)) else {
            continue;
        };
        // a rendering bug is the cases' to report (S4.a, T2.a), not a fixture difference
        let _ = judge::readable(&mut seen, Some(&mv), &shared.config.profile);
        // every property that differs, each once (a representation may differ in several)
        let mut masked = seen.clone();
        for _ in 0..8 {
            let Err(v) = crate::check::compare_representation(&mv, &masked, &shared.config.profile)
            else {
                break;
            };
            let key = v.property.unwrap_or("representation");
            let e = differences
                .entry(key)
                .or_insert_with(|| (0, v.message.clone(), req.clone(), mv.clone(), seen.clone()));
            e.0 += 1;
            match v.property {
                Some(p) => masked[p] = mv.get(p).cloned().unwrap_or_default(),
                None => break,
            }
        }
        if let Some(t) = TaskProcessingResult::from_json(&seen).filter(|t| t.id == *id) {
            store.set_value(id, t);
        }
    }
    if !missing.is_empty() {
        return Err(RunError::NotSeeded {
            missing: missing.len(),
            sampled: n,
            first: missing[0].clone(),
        });
    }
    for (property, (count, message, req, mv, _seen)) in differences {
        let request = super::repro::redact(&req, &shared.tokens_write);
        let base = shared.target.describe();
        collector.add(Finding {
            rule: RuleId::F1,
            clause: "F1".into(),
            title: format!("F1: {}", RuleId::F1.title()),
            kind: Kind::Fixture,
            cause: format!("F1 Fixture property={property}"),
            count,
            message: format!(
                "before the run, {count} entit{} held a value other than the fixture's: {message} (the runner adopted what it read)",
                if count == 1 { "y" } else { "ies" }
            ),
            phase: "preflight".into(),
            seed: shared.config.seed,
            case_index: 0,
            defects: vec![],
            spec: None,
            before: None,
            curl: super::repro::curl(&base, &request),
            rust_test: super::repro::rust_test(&base, RuleId::F1, &request, &[200]),
            request,
            sequence: vec![],
            expected: Expected {
                statuses: vec![200],
                body: Some(mv),
                rules: vec![RuleId::F1],
            },
            actual: None,
        });
    }
    Ok(requests)
}

impl<'s, 'a> Unit<'s, 'a> {
    fn new(shared: &'s Shared<'a>, index: usize, store: Store) -> Unit<'s, 'a> {
        Unit {
            shared,
            index,
            store,
            collector: Collector::default(),
            known: HashMap::new(),
            coverage: BTreeMap::new(),
            clauses: BTreeMap::new(),
            cases: 0,
            requests: 0,
            round_robin: 0,
            recent: VecDeque::new(),
            epoch: shared.epoch.load(Ordering::SeqCst),
            unknown: Vec::new(),
            shape: Vec::new(),
        }
    }

    fn profile(&self) -> &Profile {
        &self.shared.config.profile
    }

    fn auth(&self) -> String {
        format!("Bearer {}", self.shared.tokens_write)
    }

    async fn run(&mut self, boundary: &[CaseSpec], units: usize, concurrency_rounds: usize) {
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
        // a deterministic S5 probe per unit: the same PATCH of every updatable kind, twice
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

    fn clause(&mut self, id: &str) {
        *self.clauses.entry(id.to_string()).or_default() += 1;
    }

    /// Sends one request, keeping the last few for sequence repros and tracking health.
    async fn send(&mut self, req: &Request) -> Result<Response, TransportError> {
        self.requests += 1;
        self.recent.push_back(req.clone());
        if self.recent.len() > 6 {
            self.recent.pop_front();
        }
        let r = self.shared.target.send(req).await;
        match &r {
            Ok(_) => {
                self.shared.answered.store(true, Ordering::SeqCst);
                self.shared.consecutive_failures.store(0, Ordering::SeqCst);
            }
            Err(e) if !e.is_down() => {
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
            Err(_) => {}
        }
        r
    }

    /// After a request got no answer: is the implementation gone (a refused connection), or
    /// was it this one answer?
    async fn probe_down(&mut self) -> bool {
        let probe = self.shared.probe.clone();
        matches!(self.shared.target.send(&probe).await, Err(e) if e.is_down())
    }

    /// Re-reads every entity of the unit after the implementation came back.
    async fn resync_all(&mut self) {
        let ids: Vec<String> = self.store.entities().map(|(id, _)| id.clone()).collect();
        for id in ids {
            match self.observe(&id).await {
                Observed::Seen(v) => self.resync(&id, &v),
                Observed::Gone => self.retire(&id),
                _ => {}
            }
        }
    }

    async fn run_case(&mut self, spec: CaseSpec, phase: &'static str, index: usize) {
        let epoch = self.shared.epoch.load(Ordering::SeqCst);
        if epoch != self.epoch {
            self.epoch = epoch;
            self.resync_all().await;
        }
        self.settle().await;
        if self.store.is_empty() {
            return; // every entity of the unit was retired
        }
        let case = spec.build(&self.store, self.profile());
        self.cases += 1;
        for r in case.rules() {
            *self.coverage.entry(r).or_default() += 1;
        }
        for c in case.clauses(self.profile()) {
            self.clause(c);
        }
        // B6.e: a stored member after the sentinel is rendered by its rule in this answer
        if let Some(e) = case.target.as_ref().and_then(|id| self.store.get(id)) {
            if e.value.status.is_after_sentinel() && case.defects.is_empty() {
                self.clause("B6.e");
            }
        }
        if case.spec.auth_variant % 3 == 2 || case.defects.iter().any(|d| d.rule() == RuleId::H2) {
            self.clause("F2");
        }
        self.shared.emit(&Event::Case);
        let before = self.before_of(&case);
        let checked = self.check(&case).await;
        if checked.interrupted {
            return;
        }
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
        for v in verdicts {
            if !self.shared.stopped() {
                self.settle().await;
            }
            self.diagnose(
                v,
                case.clone(),
                phase,
                index,
                checked.response.clone(),
                checked.expected.clone(),
                before.clone(),
            )
            .await;
        }
    }

    /// The entity differed from the model after this case: put it back as it was before and
    /// send the case again. If the state is then right, the entity had drifted before the
    /// request, written by a request to another entity (S6).
    async fn drift(
        &mut self,
        v: &Verdict,
        case: &Case,
        before: Option<&TaskProcessingResult>,
        status: Option<u16>,
    ) -> Option<Verdict> {
        let (Some(id), Some(pre)) = (case.target.clone(), before) else {
            return None;
        };
        // what the implementation holds now (a GET case was not observed), then the old value
        if let Observed::Seen(seen) = self.observe(&id).await {
            self.resync(&id, &seen);
        }
        // put it back; if the implementation cannot hold that exact value (it stores coarser
        // timestamps, say), the unit now knows what it holds (force_restore observes): the
        // question is only whether this request, from a known state, does the right thing
        if !self.force_restore(&id, pre).await
            && !matches!(self.observe(&id).await, Observed::Seen(_))
        {
            return None;
        }
        // evidence in the property that differed: it must hold the old value again (a restore
        // the implementation refused leaves it as it is, and the request says nothing about it)
        if let (Some(p), Some(now)) = (v.property, self.store.get(&id)) {
            if now.value.to_json(true).get(p) != pre.to_json(true).get(p) {
                return None;
            }
        }
        // evidence that the state is right from there: the request answered as the first time
        // (another answer, a rejection where it was accepted, says nothing about the property
        // that differed) and its state observed and right
        let again = self.check(case).await;
        if again.interrupted
            || again.unobserved
            || again.response.as_ref().map(|r| r.status) != status
            || again.verdicts.iter().any(|w| w.kind == Kind::State)
        {
            return None;
        }
        Some(Verdict {
            rule: RuleId::S6,
            kind: Kind::Drift,
            message: format!(
                "`{id}` held a value no request to it wrote (a request to another entity changed it); first seen as: {}",
                v.message
            ),
            property: v.property,
            detail: v.detail,
        })
    }

    fn before_of(&self, case: &Case) -> Option<TaskProcessingResult> {
        case.target
            .as_ref()
            .and_then(|id| self.store.get(id).map(|e| e.value.clone()))
    }

    /// Establishes the cause of a primary verdict and files it.
    #[allow(clippy::too_many_arguments)]
    async fn diagnose(
        &mut self,
        v: Verdict,
        case: Case,
        phase: &'static str,
        index: usize,
        resp: Option<Response>,
        expected: Expected,
        before: Option<TaskProcessingResult>,
    ) {
        let no_shrink = !self.shared.config.shrink
            || matches!(
                v.kind,
                Kind::NoAnswer
                    | Kind::Stopped
                    | Kind::Oversized
                    | Kind::Fixture
                    | Kind::Linearizability
            );
        if no_shrink || self.shared.stopped() {
            self.file(v, &case, phase, index, resp, expected, before);
            return;
        }
        let status = resp.as_ref().map(|r| r.status);
        // a rejected valid request is known by the variants it carries too: two rejections of
        // different features are two causes, not one counted twice
        let carried: Vec<&str> = if v.kind == Kind::Rejected {
            variants(&case.spec).iter().map(|x| x.name).collect()
        } else {
            vec![]
        };
        let pre_key = format!(
            "{} {:?} {:?} {} {:?} {:?} {:?}",
            v.rule,
            v.kind,
            v.property,
            case.request.method,
            case.defects.iter().map(|d| d.variant()).collect::<Vec<_>>(),
            status,
            carried
        );
        if let Some(cause) = self.known.get(&pre_key).cloned() {
            if self.collector.count(&cause, v.rule) {
                return;
            }
        }
        // differential diagnosis: is the valid twin answered wrongly too?
        if let Some(cause) = self
            .twin_cause(&v, &case, resp.as_ref(), before.as_ref(), phase, index)
            .await
        {
            self.known.insert(pre_key, cause);
            return;
        }
        // A/B against the same request with one valid variant removed, from the state the
        // request saw: if that one is answered right, the variant is the cause.
        // 1. a state difference that a spelling variant explains (the alias wrote another
        //    entity); "right" means right in the state and in the answer's representation
        //    (which shows the same value, and is judged instead of the state when it is wrong).
        //    Spelling variants only (route, headers): removing a member changes what is written.
        // 2. a defect answered wrongly only on the via-task route and rightly on the direct
        //    route: the alias addresses something else than the entity it names, however the
        //    defect then shows it (R2.c).
        //    Only a property the request names: a spelling that makes the write land elsewhere
        //    leaves the others as they were, so an unnamed one that differs is not its doing
        //    (it differed before, or the request reset it) and an A/B from the restored state
        //    would only show the restore.
        let names_it = v.property.is_none_or(|p| {
            body_names(&case.request, self.profile())
                .iter()
                .any(|n| n == p)
        });
        let state = v.kind == Kind::State
            && v.rule != RuleId::S3
            && case.request.method == "PATCH"
            && names_it;
        // 3. a defect answered wrongly only with a route spelling (parenthesised keys, encoded
        //    ids, segment case, a trailing slash) and rightly without it: the spelling is the
        //    cause, when no defect is in the path itself
        let route_spelling = |x: &Variant| matches!(x.clause, "R3.b" | "R3.c" | "R4.a" | "R4.c");
        let path_defect = case
            .defects
            .iter()
            .any(|d| matches!(d.rule(), RuleId::R3 | RuleId::R4 | RuleId::R5));
        let status = matches!(v.kind, Kind::WrongStatus | Kind::Accepted);
        // 4. the sentinel shown though the request carries the preference: is it the way the
        //    preference is written (second in a list, a second header)?
        let unhonoured = (v.kind == Kind::Representation
            && v.detail == "sentinel-instead-of-member")
            || v.kind == Kind::PreferenceApplied;
        // 5. a 200 body wrong for a chunked request: is the same body with Content-Length
        //    written and shown right (H4.b: a chunked body read wrongly)?
        let body_view = v.kind == Kind::Representation && case.spec.chunked && !judge::is_shape(&v);
        let (wrong, why): (fn(Kind) -> bool, &str) = if unhonoured {
            (
                |k| {
                    matches!(
                        k,
                        Kind::State | Kind::Representation | Kind::PreferenceApplied
                    )
                },
                "without it the preference is honoured",
            )
        } else if state || body_view {
            (
                |k| matches!(k, Kind::State | Kind::Representation),
                "without it the state is right",
            )
        } else {
            (
                |k| matches!(k, Kind::WrongStatus | Kind::Accepted),
                "without it the same request is answered right",
            )
        };
        let candidates = variants(&case.spec).into_iter().filter(|x| {
            (state && x.without.members.len() == case.spec.members.len())
                || (status && x.without.alias.is_none() && case.spec.alias.is_some())
                || (status && !path_defect && route_spelling(x))
                // a read-only token refused for a GET before the route is resolved (H2.d);
                // a method defect made it another method, which the token may not use
                || (status && x.clause == "H2.d" && case.request.method == "GET")
                // a chunked body answered or shown wrongly, right with Content-Length (H4.b)
                || ((status || body_view) && x.clause == "H4.b")
                // only how the preference is written: without it, none is due
                || (unhonoured && x.without.prefer_style != case.spec.prefer_style)
        });
        for variant in candidates {
            match self
                .right_without(&case, &variant.without, before.as_ref(), &|w: &Verdict| {
                    // the same wrong thing: its kind, its property (another bug's difference, or
                    // a representation's shape, says nothing about this one)
                    wrong(w.kind)
                        && !judge::is_shape(w)
                        && (v.property.is_none() || w.property == v.property)
                })
                .await
            {
                // no comparison is possible from here on (the entity cannot be put back)
                None => break,
                Some(false) => {}
                Some(true) => {
                    let mut blamed = v.clone();
                    blamed.rule = variant.rule();
                    blamed.message = format!("{} (cause: {}; {why})", v.message, variant.name);
                    let cause = self.file(blamed, &case, phase, index, resp, expected, before);
                    self.known.insert(pre_key, cause);
                    return;
                }
            }
        }
        if v.kind == Kind::Rejected {
            let cause = self
                .diagnose_rejection(v, case, phase, index, resp, expected, before)
                .await;
            self.known.insert(pre_key, cause);
            return;
        }
        // several defects answered wrongly: which one is mishandled? Each alone, in turn; the
        // first that fails alone is the cause. If each alone is answered right, only their
        // combination is wrong: E4.
        if matches!(v.kind, Kind::WrongStatus | Kind::Accepted) && case.defects.len() > 1 {
            for d in case.spec.defects.clone() {
                let alone = CaseSpec {
                    defects: vec![d],
                    ..case.spec.clone()
                };
                if let (Some(id), Some(pre)) = (&case.target, &before) {
                    self.restore(id, pre).await;
                }
                let c = alone.build(&self.store, self.profile());
                if c.defects.is_empty() {
                    continue;
                }
                let cb = self.before_of(&c);
                let checked = self.check(&c).await;
                if let Some(w) = checked
                    .verdicts
                    .into_iter()
                    .find(|w| matches!(w.kind, Kind::WrongStatus | Kind::Accepted))
                {
                    let (small, sv, sresp, sexp, sbefore) = self
                        .shrink(&c, cb.clone(), |x, _| x.rule == w.rule && x.kind == w.kind)
                        .await
                        .unwrap_or((c, w, checked.response, checked.expected, cb));
                    // the one defect alone may still be answered wrongly for a variant: the
                    // valid twin's, or the framing's (the same with Content-Length is right)
                    let twin = self
                        .twin_cause(&sv, &small, sresp.as_ref(), sbefore.as_ref(), phase, index)
                        .await;
                    let cause = match twin {
                        Some(cause) => cause,
                        None => {
                            let mut sv = sv;
                            let framing = variants(&small.spec)
                                .into_iter()
                                .find(|x| x.clause == "H4.b");
                            if let Some(x) = framing {
                                let right = self
                                    .right_without(&small, &x.without, sbefore.as_ref(), &|w| {
                                        matches!(w.kind, Kind::WrongStatus | Kind::Accepted)
                                    })
                                    .await;
                                if right == Some(true) {
                                    sv.rule = x.rule();
                                    sv.message = format!(
                                        "{} (cause: {}; without it the same request is answered right)",
                                        sv.message, x.name
                                    );
                                }
                            }
                            self.file(sv, &small, phase, index, sresp, sexp, sbefore)
                        }
                    };
                    self.known.insert(pre_key, cause);
                    return;
                }
            }
            let mut e4 = v.clone();
            e4.rule = RuleId::E4;
            e4.message = format!(
                "{} (each defect alone is answered right; their combination is not)",
                v.message
            );
            let cause = self.file(e4, &case, phase, index, resp, expected, before);
            self.known.insert(pre_key, cause);
            return;
        }
        // shrink while the same rule fails the same way
        let (small, sv, sresp, sexp, sbefore) = self
            .shrink(&case, before.clone(), |w, _| {
                w.rule == v.rule && w.kind == v.kind
            })
            .await
            .unwrap_or((case, v, resp, expected, before));
        // shrinking may leave a variant the original's twin did not show alone: ask again
        if let Some(cause) = self
            .twin_cause(&sv, &small, sresp.as_ref(), sbefore.as_ref(), phase, index)
            .await
        {
            self.known.insert(pre_key, cause);
            return;
        }
        let cause = self.file(sv, &small, phase, index, sresp, sexp, sbefore);
        self.known.insert(pre_key, cause);
    }

    /// The A/B comparison of diagnosis: `case` with one valid variant removed (`without`),
    /// sent from the state `case` saw (observed first: the unit's store may hold the model's
    /// prediction of the wrongly answered request). `Some(true)` when none of its verdicts is of
    /// a kind `wrong` names; `Some(false)` when one is, or the variant carried the defects or
    /// the target (no like-for-like comparison); `None` when the entity cannot be put back.
    async fn right_without(
        &mut self,
        case: &Case,
        without: &CaseSpec,
        before: Option<&TaskProcessingResult>,
        wrong: &dyn Fn(&Verdict) -> bool,
    ) -> Option<bool> {
        // an entity the case retired (a wrongly accepted structural write, say) is not put
        // back: the framing variant (H4.b) is asked of another entity of the unit, from the
        // state the unit knows it in (how a body is framed does not depend on which entity;
        // an alias or a spelling may, and those are not asked)
        let retired = case
            .target
            .as_ref()
            .is_some_and(|id| self.store.get(id).is_none());
        if retired && without.chunked == case.spec.chunked {
            return None;
        }
        if let (Some(id), Some(pre), false) = (&case.target, before, retired) {
            if let Observed::Seen(seen) = self.observe(id).await {
                self.resync(id, &seen);
            }
            if !self.restore(id, pre).await {
                return None;
            }
        }
        let plain = without.build(&self.store, self.profile());
        let kinds = |c: &Case| c.defects.iter().map(|d| d.variant()).collect::<Vec<_>>();
        let same_target = if retired {
            plain.target.is_some()
        } else {
            plain.target == case.target
        };
        if kinds(&plain) != kinds(case) || !same_target {
            return Some(false);
        }
        let again = self.check(&plain).await;
        // a state that could not be observed is no evidence that it is right
        Some(!again.interrupted && !again.unobserved && !again.verdicts.iter().any(wrong))
    }

    /// A request with defects answered wrongly: is its valid twin (the same without the
    /// defects) answered wrongly too? Then a variant is the cause, found and filed by
    /// [`Unit::diagnose_rejection`]; returns that cause.
    async fn twin_cause(
        &mut self,
        v: &Verdict,
        case: &Case,
        resp: Option<&Response>,
        before: Option<&TaskProcessingResult>,
        phase: &'static str,
        index: usize,
    ) -> Option<String> {
        if !matches!(v.kind, Kind::WrongStatus | Kind::Accepted) || case.defects.is_empty() {
            return None;
        }
        let twin = CaseSpec {
            defects: vec![],
            ..case.spec.clone()
        };
        if let (Some(id), Some(pre)) = (&case.target, before) {
            self.restore(id, pre).await;
        }
        let twin_case = twin.build(&self.store, self.profile());
        let twin_before = self.before_of(&twin_case);
        let tc = self.check(&twin_case).await;
        // rejected although valid, or (when it still does not resolve) the same wrong status
        let original = resp.map(|r| r.status);
        let twin_status = tc.response.as_ref().map(|r| r.status);
        let tv = tc.verdicts.into_iter().find(|t| {
            t.kind == Kind::Rejected || (t.kind == Kind::WrongStatus && twin_status == original)
        })?;
        Some(
            self.diagnose_rejection(
                tv,
                twin_case,
                phase,
                index,
                tc.response,
                tc.expected,
                twin_before,
            )
            .await,
        )
    }

    /// A valid request was rejected: remove valid variants one at a time while it stays
    /// rejected; what remains is the cause, filed under its variant's rule.
    #[allow(clippy::too_many_arguments)]
    async fn diagnose_rejection(
        &mut self,
        v: Verdict,
        case: Case,
        phase: &'static str,
        index: usize,
        resp: Option<Response>,
        expected: Expected,
        before: Option<TaskProcessingResult>,
    ) -> String {
        let kind = v.kind;
        let status = resp.as_ref().map(|r| r.status);
        let (small, mut sv, sresp, sexp, sbefore) = self
            .shrink(&case, before.clone(), |w, st| {
                w.kind == kind && (kind == Kind::Rejected || st == status)
            })
            .await
            .unwrap_or((case, v, resp, expected, before));
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
            self.right_without(&small, &full, sbefore.as_ref(), &|w: &Verdict| {
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
                sv.rule = RuleId::T3;
                let names: Vec<&str> = left.iter().map(|v| v.name).collect();
                sv.message = format!(
                    "{} (cause: {} together, each accepted alone: an order between them is not part of the contract)",
                    sv.message,
                    names.join(" + ")
                );
            }
            Some(first) => {
                sv.rule = first.rule();
                let names: Vec<&str> = left.iter().map(|v| v.name).collect();
                sv.message = format!("{} (cause: {})", sv.message, names.join(" + "));
            }
            None if omission => {
                sv.rule = RuleId::B4;
                sv.message = format!(
                    "{} (cause: a required property omitted; the same PATCH naming both is accepted)",
                    sv.message
                );
            }
            None => {
                // nothing it carries is the cause: the method itself is not served (H1)
                if status == Some(405) || small.request.method == "GET" {
                    sv.rule = RuleId::H1;
                }
                sv.message = format!(
                    "{} (a plain valid {}: no variant involved)",
                    sv.message, small.request.method
                );
            }
        }
        self.file(sv, &small, phase, index, sresp, sexp, sbefore)
    }

    /// Greedy shrinking against the implementation: keeps a candidate while `same` holds for
    /// its primary verdict. Restores the addressed entity before every attempt.
    #[allow(clippy::type_complexity)]
    async fn shrink(
        &mut self,
        case: &Case,
        before: Option<TaskProcessingResult>,
        same: impl Fn(&Verdict, Option<u16>) -> bool,
    ) -> Option<(
        Case,
        Verdict,
        Option<Response>,
        Expected,
        Option<TaskProcessingResult>,
    )> {
        let mut best: Option<(
            Case,
            Verdict,
            Option<Response>,
            Expected,
            Option<TaskProcessingResult>,
        )> = None;
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
                    best = Some((c, v, checked.response, checked.expected, cb));
                    continue 'outer;
                }
            }
            break;
        }
        // re-establish the shrunk failure from its own pre-state for the report
        if let Some((c, ..)) = &best {
            if let (Some(id), Some(pre)) = (&c.target, &best.as_ref().and_then(|b| b.4.clone())) {
                self.restore(id, pre).await;
            }
        }
        best
    }

    /// Files a verdict as a finding (or counts it under its known cause). Returns the cause key.
    #[allow(clippy::too_many_arguments)]
    fn file(
        &mut self,
        v: Verdict,
        case: &Case,
        phase: &'static str,
        index: usize,
        resp: Option<Response>,
        expected: Expected,
        before: Option<TaskProcessingResult>,
    ) -> String {
        let defects: Vec<String> = case.defects.iter().map(|d| d.variant()).collect();
        let names: Vec<&str> = variants(&case.spec).iter().map(|v| v.name).collect();
        let variant_names: Vec<&str> = if v.kind == Kind::Rejected {
            names
        } else {
            vec![]
        };
        let property = v.property.map(|p| match v.detail {
            "" => p.to_string(),
            d => format!("{p} {d}"),
        });
        let cause = cause_key(
            v.rule,
            v.kind,
            property.as_deref(),
            &case.request.method,
            &defects,
            &variant_names,
            resp.as_ref().map(|r| r.status),
        );
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
            clause: clause_of(&v, case),
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

    /// Sends a case, judges the answer, observes the state it leaves and keeps the unit's store
    /// in step with the implementation.
    async fn check(&mut self, case: &Case) -> Checked {
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
                let (kind, message, interrupted) = match &e {
                    TransportError::Unsendable(m) => {
                        (Kind::NoAnswer, format!("request not sendable: {m}"), true)
                    }
                    e if e.is_down() || self.probe_down().await => {
                        if self.shared.epoch.load(Ordering::SeqCst) != epoch {
                            // another lane saw the crash and the implementation came back
                            return Checked {
                                verdicts: vec![],
                                response: None,
                                expected,
                                interrupted: true,
                                unobserved: false,
                            };
                        }
                        let back = match self.shared.wait_for_recovery(epoch).await {
                            Recovery::ByAnotherLane => {
                                // caught in another request's crash: this case says nothing
                                return Checked {
                                    verdicts: vec![],
                                    response: None,
                                    expected,
                                    interrupted: true,
                                    unobserved: false,
                                };
                            }
                            r => r == Recovery::Back,
                        };
                        let v = Verdict::new(
                            RuleId::E3,
                            Kind::Stopped,
                            format!(
                                "the implementation stopped answering after this request ({e}){}",
                                if back {
                                    "; it came back and the run went on"
                                } else {
                                    ""
                                }
                            ),
                        );
                        return Checked {
                            verdicts: vec![v],
                            response: None,
                            expected,
                            interrupted: false,
                            unobserved: false,
                        };
                    }
                    e => (Kind::NoAnswer, format!("no complete answer: {e}"), false),
                };
                return Checked {
                    verdicts: if interrupted && matches!(e, TransportError::Unsendable(_)) {
                        vec![]
                    } else {
                        vec![Verdict::new(RuleId::E3, kind, message)]
                    },
                    response: None,
                    expected,
                    interrupted,
                    unobserved: false,
                };
            }
        };
        let mut verdicts = judge::judge(&case.request, &out, &resp, &profile);
        // a 200 body that differs in a property the request did not name shows the entity's
        // state, not this request's effect: decide it like an observation
        if let Some(v) = verdicts.iter_mut().find(|v| !judge::is_shape(v)) {
            if v.kind == Kind::Representation {
                if let Some(p) = v.property {
                    let named = body_names(&case.request, &profile).iter().any(|n| n == p);
                    // the stored member after the sentinel shown by name without Prefer is a
                    // rendering bug (B6), whatever the request named
                    let shown = serde_json::from_slice::<serde_json::Value>(&resp.body)
                        .ok()
                        .and_then(|b| b.get(p).and_then(|s| s.as_str()).map(str::to_string));
                    let rendering = v.rule == RuleId::B6
                        && v.detail == "member-shown-instead-of-sentinel"
                        && case
                            .target
                            .as_ref()
                            .and_then(|id| self.store.get(id))
                            .is_some_and(|e| shown.as_deref() == Some(e.value.status.as_str()));
                    // the sentinel shown although the request carries the preference: the
                    // preference was not honoured (H5), whatever the request named
                    let unhonoured = v.detail == "sentinel-instead-of-member"
                        && case.request.header_values("prefer").next().is_some();
                    if (!named || case.request.method == "GET")
                        && p != "@odata.type"
                        && p != "id"
                        && v.detail != "invalid-rendering"
                        && !rendering
                        && !unhonoured
                    {
                        v.rule = RuleId::S2;
                        v.kind = Kind::State;
                    }
                }
            }
        }
        let method = case.request.method.as_str();
        let accepted_wrongly = verdicts.first().is_some_and(|v| v.kind == Kind::Accepted);
        // state safety: a wrongly accepted probe that may have changed more than values
        // (another method, a navigation or read-only property) retires its entity
        if accepted_wrongly {
            let names = body_names(&case.request, &profile);
            let structural = method != "PATCH" && method != "GET"
                || names.iter().any(|n| NOT_UPDATABLE.contains(&n.as_str()));
            if structural {
                if let Some(id) = self.addressed_anyway(case) {
                    self.retire(&id);
                }
                return Checked {
                    verdicts,
                    response: Some(resp),
                    expected,
                    interrupted: false,
                    unobserved: false,
                };
            }
        }
        let observe = method == "PATCH" || (!verdicts.is_empty() && method != "GET");
        // the state is judged whenever model and implementation agree on accepting or
        // rejecting (a wrong 2xx, a bad envelope or a missing header does not hide a state
        // bug); when they disagree it differs by necessity and is only adopted
        let agree = out.is_success() == (200..300).contains(&resp.status);
        let judge_state = agree
            && !verdicts.iter().any(|v| {
                matches!(v.kind, Kind::State | Kind::Representation) && !judge::is_shape(v)
            });
        let target = case.target.clone().or_else(|| {
            if accepted_wrongly {
                self.addressed_anyway(case)
            } else {
                None
            }
        });
        // an implementation resolving an alias to the entity before `/task/` ({t0}) writes that
        // one: after a 2xx to an alias PATCH it is read back and adopted, so a write there is
        // known before a later case addresses it, and not blamed on that case (S3)
        if method == "PATCH" && (200..300).contains(&resp.status) {
            let t0 = crate::path::Route::parse(&case.request.path, &profile)
                .ok()
                .filter(|r| r.via_task.is_some())
                .map(|r| r.result)
                .filter(|t0| target.as_ref() != Some(t0) && self.store.get(t0).is_some());
            if let Some(t0) = t0 {
                if let Observed::Seen(seen) = self.observe(&t0).await {
                    self.resync(&t0, &seen);
                }
            }
        }
        let mut unobserved = false;
        if let (true, Some(id)) = (observe, target) {
            match self.observe(&id).await {
                Observed::Seen(seen) => {
                    // the representation's shape, once, as itself (S4.a, T2.a)
                    let shapes = std::mem::take(&mut self.shape);
                    if verdicts.is_empty() {
                        verdicts.extend(shapes);
                    }
                    // a 200 body wrong in a property the request named, while a GET right
                    // after shows the state the contract demands: the body is wrong (S4.b)
                    let first_value = verdicts.iter().position(|v| !judge::is_shape(v));
                    let body_only = first_value.map(|i| &verdicts[i]).is_some_and(|v| {
                        v.kind == Kind::Representation
                            && v.property.is_some()
                            && v.detail != "invalid-rendering"
                            && (matches!(v.rule, RuleId::S2 | RuleId::B10 | RuleId::T2)
                                // a stale sentinel where this request wrote a member
                                || (v.rule == RuleId::B6
                                    && ((v.detail == "sentinel-instead-of-member"
                                        && case.request.header_values("prefer").next().is_none())
                                        // the member after the sentinel it wrote
                                        || v.detail == "other-value")))
                    });
                    // — or shows another state than that GET, whatever the GET shows: the body
                    // is wrong (S4.b) and the state is judged on its own
                    if body_only && method == "PATCH" && resp.status == 200 && agree {
                        let mv = self.store.get(&id).map(|e| e.value.to_json(true));
                        if let (Some(mv), Some(i)) = (mv, first_value) {
                            let state = judge::observed_state(&mv, &seen, true, &profile);
                            let differs = serde_json::from_slice::<serde_json::Value>(&resp.body)
                                .ok()
                                .and_then(|mut b| {
                                    // read as the GET is: a rendering bug is not a difference
                                    judge::readable(&mut b, Some(&mv), &profile);
                                    judge::patch_body_equals_get(
                                        &b,
                                        &seen,
                                        out.answers[0].preference_applied,
                                        &profile,
                                    )
                                })
                                .is_some();
                            if state.is_none() || differs {
                                let v = &mut verdicts[i];
                                v.rule = RuleId::S4;
                                v.message = format!(
                                    "the 200 body differs from the state a GET right after shows: {}",
                                    v.message
                                );
                                verdicts.extend(state);
                            }
                        }
                    }
                    if judge_state {
                        if let Some(mv) = self.store.get(&id).map(|e| e.value.to_json(true)) {
                            if let Some(v) =
                                judge::observed_state(&mv, &seen, out.is_success(), &profile)
                            {
                                verdicts.push(v);
                            } else if resp.status == 200 && verdicts.is_empty() {
                                if let Ok(body) =
                                    serde_json::from_slice::<serde_json::Value>(&resp.body)
                                {
                                    verdicts.extend(judge::patch_body_equals_get(
                                        &body,
                                        &seen,
                                        out.answers[0].preference_applied,
                                        &profile,
                                    ));
                                }
                            }
                        }
                    }
                    self.resync(&id, &seen);
                    if judge_state && out.updated.is_some() {
                        if let Some(v) = self.sibling_check(&id).await {
                            verdicts.push(v);
                        }
                    }
                }
                Observed::Gone => {
                    if judge_state {
                        verdicts.push(Verdict::new(
                            if out.is_success() {
                                RuleId::S2
                            } else {
                                RuleId::S3
                            },
                            Kind::State,
                            format!("after this request `{id}` no longer exists"),
                        ));
                    }
                    self.retire(&id);
                }
                Observed::Failed(v) => {
                    unobserved = true;
                    if verdicts.is_empty() {
                        verdicts.push(v);
                    }
                }
                Observed::Skipped => {}
            }
        }
        Checked {
            verdicts,
            response: Some(resp),
            expected,
            interrupted: false,
            unobserved,
        }
    }

    /// The entity a request names by its last id, even when the model says it does not resolve
    /// (an implementation that resolves it anyway may have written it).
    fn addressed_anyway(&self, case: &Case) -> Option<String> {
        case.target.clone().or_else(|| {
            crate::path::Route::parse(&case.request.path, self.profile())
                .ok()
                .map(|r| r.addressed().to_string())
                .filter(|id| self.store.get(id).is_some())
        })
    }

    /// Takes an entity out of the unit: no later case addresses or judges it.
    fn retire(&mut self, id: &str) {
        self.store.remove(id);
    }

    /// Observes entity `id` (with every enum member, `Prefer`).
    async fn observe(&mut self, id: &str) -> Observed {
        self.shape.clear();
        let Some(route) = self.store.direct_route(id) else {
            return Observed::Skipped;
        };
        let path = route.to_path(&PathStyle::default());
        let p = self.profile();
        let empty_patch = self.shared.config.observe == Observe::EmptyPatch
            && p.patch_supported
            && p.success == crate::profile::Success::Ok200Body;
        if self.shared.config.observe == Observe::None {
            return Observed::Skipped;
        }
        let mut req = Request::new(if empty_patch { "PATCH" } else { "GET" }, &path)
            .header("Authorization", &self.auth())
            .header("Prefer", model::INCLUDE_UNKNOWN_ENUM_MEMBERS);
        if empty_patch {
            req = req.header("Content-Type", "application/json").body("{}");
        }
        match self.send(&req).await {
            Err(e) => Observed::Failed(Verdict::new(
                RuleId::E3,
                Kind::NoAnswer,
                format!("observing `{id}` failed: {e}"),
            )),
            Ok(r) if r.status == 404 => Observed::Gone,
            Ok(r) if r.status != 200 => Observed::Failed(Verdict::new(
                RuleId::H1,
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
                    RuleId::S4,
                    Kind::Representation,
                    format!("observed body is not JSON: {e}"),
                )),
            },
        }
    }

    /// Takes the observed representation of `id` into the unit's store, so one bug does not
    /// cascade into many findings (a representation of another entity is ignored).
    fn resync(&mut self, id: &str, seen: &serde_json::Value) {
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
    /// unit knows; those that cannot be are retired, so no later case is judged on a guess.
    async fn settle(&mut self) {
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
    async fn restore(&mut self, id: &str, value: &TaskProcessingResult) -> bool {
        if self.store.get(id).is_some_and(|e| e.value == *value)
            && !self.unknown.iter().any(|u| u == id)
        {
            return true;
        }
        self.force_restore(id, value).await
    }

    /// As [`Unit::restore`], always sending the PATCH.
    async fn force_restore(&mut self, id: &str, value: &TaskProcessingResult) -> bool {
        let profile = self.profile().clone();
        if !profile.patch_supported || value.status == ProcessingStatus::UnknownFutureValue {
            return false;
        }
        let Some(route) = self.store.direct_route(id) else {
            return false;
        };
        let ts = |t: &Option<crate::timestamp::Timestamp>| {
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
        // in the properties that differ, even when what it holds is no value the unit can keep,
        // a stored sentinel say)
        if let Some(back) = self.patch_back(id, &route, &full, value).await {
            return back;
        }
        let Observed::Seen(now) = self.observe(id).await else {
            return false;
        };
        // what it holds is what the unit knows from now on (a refused PATCH may have written
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

    /// One PATCH of [`Unit::force_restore`]: `body` to entity `id`, meant to leave it holding
    /// `value`. `None` when the implementation refuses it (another body may still do);
    /// `Some(false)` when the model would refuse it or it cannot be sent; else whether the
    /// entity read back holds `value`.
    async fn patch_back(
        &mut self,
        id: &str,
        route: &crate::path::Route,
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

    /// S6: after an accepted PATCH, one other entity of the unit (round robin) is untouched.
    async fn sibling_check(&mut self, updated: &str) -> Option<Verdict> {
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
        let verdict = crate::check::compare_representation(&mv, &seen, self.profile())
            .err()
            .map(|v| Verdict {
                rule: RuleId::S6,
                kind: Kind::Drift,
                message: format!("a PATCH to `{updated}` changed `{id}`: {}", v.message),
                property: v.property,
                detail: v.detail,
            });
        self.resync(&id, &seen);
        verdict
    }

    /// S5: an accepted PATCH sent again gives the same answer and state.
    async fn idempotence(&mut self, spec: CaseSpec, index: usize) {
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
            self.file(v, &case, "sequence", index, Some(second), expected, before);
        }
        if let Some(t) = case.target.clone() {
            if let Observed::Seen(seen) = self.observe(&t).await {
                self.resync(&t, &seen);
            }
        }
    }

    /// S6: an entity of the unit still holds what the model says.
    async fn isolation(&mut self, index: usize) {
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
        if let Err(v) = crate::check::compare_representation(&mv, &seen, self.profile()) {
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
                kind: Kind::Drift,
                message: format!(
                    "entity `{id}` changed though no request addressed it: {}",
                    v.message
                ),
                property: v.property,
                detail: v.detail,
            };
            self.file(verdict, &case, "sequence", index, None, expected, None);
            self.resync(&id, &seen);
        }
    }

    /// S7: concurrent PATCHes of distinct properties to one entity; nothing accepted is lost.
    async fn concurrency(&mut self, round: usize) {
        let profile = self.profile().clone();
        if !profile.patch_supported {
            return;
        }
        let ids: Vec<String> = self.store.entities().map(|(id, _)| id.clone()).collect();
        if ids.is_empty() {
            return;
        }
        let id = ids[round % ids.len()].clone();
        let Some(route) = self.store.direct_route(&id) else {
            return;
        };
        // both routes of the entity in turn: the aliases are one entity (R2.c)
        let mut paths = vec![route.to_path(&PathStyle::default())];
        paths.extend(
            self.store
                .via_task_routes(&id)
                .iter()
                .take(3)
                .map(|r| r.to_path(&PathStyle::default())),
        );
        let n = self.shared.config.concurrency.max(7);
        let r = round % 60;
        // every request writes failureReason and one more property, each value its own, so the
        // final state and every 200 body say who wrote what: requests sharing a property are
        // ordered by it (a torn write is a cycle), one whose write is gone was lost
        let bodies: Vec<String> = (0..n)
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
                if profile.required_in_body {
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
            .collect();
        let reqs: Vec<Request> = bodies
            .into_iter()
            .enumerate()
            .map(|(i, b)| {
                Request::new("PATCH", &paths[i % paths.len()])
                    .header("Authorization", &self.auth())
                    .header("Content-Type", "application/json")
                    .body(b)
            })
            .collect();
        // the state it starts from, as the implementation holds it (a value the unit could not
        // read back, or a rendering it cannot read, decides nothing)
        match self.observe(&id).await {
            Observed::Seen(seen)
                if std::mem::take(&mut self.shape)
                    .iter()
                    .all(|v| v.property == Some("@odata.type")) =>
            {
                if TaskProcessingResult::from_json(&seen).is_none_or(|t| t.id != id) {
                    return;
                }
                self.resync(&id, &seen);
            }
            _ => return,
        }
        if self.unknown.contains(&id) {
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
        let target = self.shared.target;
        let results = join_all(reqs.iter().map(|r| target.send(r))).await;
        self.requests += reqs.len() as u64;
        *self.coverage.entry(RuleId::S7).or_default() += 1;
        self.clause("S7");
        if results.iter().any(|r| r.is_err()) {
            // no answer is not a lost update: if the implementation went away, wait for it
            let epoch = self.shared.epoch.load(Ordering::SeqCst);
            if self.probe_down().await {
                self.shared.wait_for_recovery(epoch).await;
            }
            return;
        }
        let accepted: Vec<Request> = reqs
            .iter()
            .zip(&results)
            .filter(|(_, r)| r.as_ref().is_ok_and(|r| (200..300).contains(&r.status)))
            .map(|(q, _)| q.clone())
            .collect();
        if accepted.len() < reqs.len() {
            // a PATCH the implementation rejects when it comes alone too is a rejection the
            // cases judge (and name), not a concurrency bug
            let rejected = reqs
                .iter()
                .zip(&results)
                .find(|(_, r)| r.as_ref().is_ok_and(|r| !(200..300).contains(&r.status)));
            if let Some((q, _)) = rejected {
                self.requests += 1;
                let alone = target.send(q).await;
                if alone.is_ok_and(|r| !(200..300).contains(&r.status)) {
                    if let Observed::Seen(seen) = self.observe(&id).await {
                        self.resync(&id, &seen);
                    }
                    return;
                }
            }
        }
        let Observed::Seen(seen) = self.observe(&id).await else {
            return;
        };
        // a representation whose values cannot be read as they are (T2.a, an omitted
        // property) decides nothing here; one that only lacks its type does
        if std::mem::take(&mut self.shape)
            .iter()
            .any(|v| v.property != Some("@odata.type"))
        {
            self.resync(&id, &seen);
            return;
        }
        let Some(observed) = TaskProcessingResult::from_json(&seen) else {
            return;
        };
        let mut fin = initial.clone();
        fin.set_value(&id, observed);
        let verdict = if accepted.len() < reqs.len() {
            Err(crate::check::Violation {
                property: None,
                detail: "",
                rule: RuleId::S7,
                message: format!(
                    "only {} of {} concurrent valid PATCHes were accepted (the others were rejected or not answered)",
                    accepted.len(),
                    reqs.len()
                ),
            })
        } else {
            let Some(start) = initial.get(&id).map(|e| e.value.clone()) else {
                return;
            };
            let writes: Vec<crate::check::ConcurrentWrite> = reqs
                .iter()
                .zip(&results)
                .filter_map(|(q, r)| {
                    let body = r
                        .as_ref()
                        .ok()
                        .filter(|r| r.status == 200)
                        .and_then(|r| serde_json::from_slice(&r.body).ok())
                        .and_then(|v| TaskProcessingResult::from_json(&v));
                    crate::check::ConcurrentWrite::of(&initial, q, &id, &profile, body)
                })
                .collect();
            match fin.get(&id) {
                Some(f) => crate::check::s7_serial_order(&start, &writes, &f.value),
                None => Ok(()),
            }
        };
        // a 200 body that does not show its own request when it comes alone either is the
        // cases' to judge (S4.b), not a concurrency bug
        let verdict = match verdict {
            Err(v) if v.message.starts_with("the 200 body") => {
                self.requests += 1;
                let alone = target.send(&reqs[0]).await;
                let shows_own = alone.is_ok_and(|r| {
                    r.status != 200
                        || serde_json::from_slice::<serde_json::Value>(&r.body)
                            .ok()
                            .and_then(|b| TaskProcessingResult::from_json(&b))
                            .is_some_and(|b| {
                                let mut one = initial.clone();
                                model::apply(&mut one, &reqs[0], &profile);
                                one.get(&id)
                                    .is_some_and(|e| e.value.failure_reason == b.failure_reason)
                            })
                });
                if let Observed::Seen(seen) = self.observe(&id).await {
                    self.resync(&id, &seen);
                    fin = self.store.clone();
                }
                if shows_own { Err(v) } else { Ok(()) }
            }
            v => v,
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
            let verdict = Verdict::new(
                RuleId::S7,
                Kind::Linearizability,
                format!("{} concurrent PATCHes to `{id}`: {}", reqs.len(), v.message),
            );
            self.file(verdict, &case, "concurrency", round, None, expected, None);
        }
    }
}

/// What an observation showed.
enum Observed {
    Seen(serde_json::Value),
    Gone,
    Failed(Verdict),
    Skipped,
}

/// Awaits all futures concurrently in the current task (no spawning: lanes borrow the runner).
pub(crate) async fn join_all<F: std::future::Future>(
    futs: impl Iterator<Item = F>,
) -> Vec<F::Output> {
    let mut set: Vec<std::pin::Pin<Box<F>>> = futs.map(Box::pin).collect();
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
