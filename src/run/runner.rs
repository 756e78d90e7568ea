//! The runner: sequences phases, talks to the [`Target`], hands answers to the [`judge`] and
//! verdicts to the [`Collector`]. It decides nothing about the contract itself.
//!
//! Order of a run: preflight (tokens, seeding, fixture values), then per session of the fixture
//! (a workflow, owned by one lane): the boundary cases, the random cases, stateful sequences
//! with repeats (S5) and isolation reads (S6), and concurrency rounds (S7). Units run in
//! `config.lanes` lanes at once; each workflow's work is fixed by the seed, so the findings do not depend
//! on the number of lanes.
//!
//! Diagnosis: a request with a defect that is answered wrongly is re-sent as its *valid twin*
//! (same spelling, headers and framing, without the defect). If the twin is rejected too, the
//! finding belongs to the valid variant the twin still carries, found by removing variants one
//! at a time; otherwise it is shrunk (valid variants first) and filed under the defect's rule.

use super::findings::Collector;
use super::health::{Shared, join_all};
use super::preflight::preflight_run;
use super::session::Session;
use super::{Config, Event, Report, RunError, lanes, request_ids};
use crate::contract::path::PathStyle;
use crate::contract::profile::Profile;
use crate::contract::rule::RuleId;
use crate::contract::spec::Request;
use crate::generate::{self};
use crate::model::store::Store;
use crate::sut::Target;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

pub(super) type EventSink<'a> = Box<dyn FnMut(&Event) + Send + 'a>;

/// The runner over one implementation.
pub struct Runner<'a> {
    pub(super) target: &'a dyn Target,
    pub(super) store: Store,
    pub(super) config: Config,
    pub(super) on_event: EventSink<'a>,
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
    pub(crate) fn on_event(mut self, f: impl FnMut(&Event) + Send + 'a) -> Self {
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
        fixture_fits(&store, &profile)?;
        let (write, probe) = liveness_probe(&store);
        let shared = Shared::new(target, config.clone(), write, probe, on_event);

        // preflight: tokens, seeding, values; the runner adopts what it read
        let mut preflight = Collector::default();
        let mut requests = preflight_run(&shared, &mut store, &mut preflight).await?;

        let workflows = lanes::workflows(&store);
        let n_workflows = workflows.len();
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
        let n_lanes = config.lanes.clamp(1, n_workflows.max(1));
        let plan = LanePlan {
            workflows: &workflows,
            boundary: &boundary,
            n_lanes,
            concurrency_rounds,
        };
        let finished = run_lanes(&shared, target, plan).await;

        let mut totals = Totals::of(finished, preflight);
        totals.judge_request_ids(&shared, &target.describe(), config.seed);
        let Totals {
            collector,
            coverage,
            clause_coverage,
            clause_failures,
            cases,
            requests: unit_requests,
            ..
        } = totals;
        requests += unit_requests;
        let (findings, failures) = collector.finish();
        let stopped = shared.stop.lock().ok().and_then(|s| s.clone());
        Ok(Report {
            contract_version: crate::contract::rule::CONTRACT_VERSION.to_string(),
            seed: config.seed,
            profile: profile.name.clone(),
            profile_knobs: serde_json::to_value(&profile).unwrap_or_default(),
            base_url: target.describe(),
            cases,
            requests,
            duration_ms: started.elapsed().as_millis() as u64,
            lanes: n_lanes,
            findings,
            coverage,
            clause_coverage,
            clause_failures,
            failures,
            stopped,
            case_source: None,
        })
    }
}

/// The write token and the GET that tells whether the implementation is up (the first entity,
/// by its direct route).
fn liveness_probe(store: &Store) -> (String, Request) {
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
    (write, probe)
}

/// One current-thread runtime per thread the lanes run on (as many as the machine runs at once,
/// at most one per lane), when they can run on threads of their own: more than one lane, called
/// on a multi-threaded runtime (which lets this task block while they run). `None` otherwise,
/// or when a runtime cannot be built.
fn lane_threads(n_lanes: usize) -> Option<Vec<tokio::runtime::Runtime>> {
    let handle = tokio::runtime::Handle::try_current().ok()?;
    if n_lanes < 2 || handle.runtime_flavor() != tokio::runtime::RuntimeFlavor::MultiThread {
        return None;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (0..n_lanes.min(cores).max(1))
        .map(|_| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()
        })
        .collect()
}

/// What the lanes of a run share: the fixture's workflows, the deterministic cases and the sizes.
struct LanePlan<'p> {
    workflows: &'p [Store],
    boundary: &'p [generate::CaseSpec],
    n_lanes: usize,
    concurrency_rounds: usize,
}

/// Runs every lane's workflows and returns them in session order: on threads of their own, each with a
/// target of its own, when the target has lanes of its own (HTTP); in this task otherwise.
async fn run_lanes<'s, 'a>(
    shared: &'s Shared<'a>,
    target: &'a dyn Target,
    plan: LanePlan<'s>,
) -> Vec<Session<'s, 'a>> {
    let (n_lanes, n_workflows, concurrency_rounds) =
        (plan.n_lanes, plan.workflows.len(), plan.concurrency_rounds);
    let lane = |lane: usize, lane_target: Arc<dyn Target + 'a>| {
        let workflows = plan.workflows;
        let boundary = plan.boundary;
        async move {
            let mut done = Vec::new();
            for u in lanes::workflows_of_lane(lane, n_lanes, n_workflows) {
                let mut session = Session::new(shared, u, workflows[u].clone());
                session.target = lane_target.clone();
                session.run(boundary, n_workflows, concurrency_rounds).await;
                done.push(session);
            }
            done
        }
    };
    let own = || -> Arc<dyn Target + 'a> {
        match target.for_lane() {
            Some(t) => t,
            None => Arc::new(target),
        }
    };
    // in-process targets (no lane targets of their own) keep their lanes in this task: their
    // interleaving, and so the built-in bugs' shared state, stays the seed's
    let threads = if target.for_lane().is_some() {
        lane_threads(n_lanes)
    } else {
        None
    };
    let mut finished: Vec<Session> = match threads {
        // the lanes on as many threads as the machine runs at once, each thread with a
        // runtime of its own, each lane with a target (an HTTP client and its connections)
        // of its own: lanes never wait on each other's work, and no more threads than
        // cores hold their own allocations
        Some(runtimes) => {
            let threads = runtimes.len();
            tokio::task::block_in_place(|| {
                std::thread::scope(|scope| {
                    let handles: Vec<_> = runtimes
                        .into_iter()
                        .enumerate()
                        .map(|(t, rt)| {
                            let mine: Vec<(usize, Arc<dyn Target + 'a>)> =
                                (t..n_lanes).step_by(threads).map(|l| (l, own())).collect();
                            let lane = &lane;
                            scope.spawn(move || {
                                rt.block_on(join_all(
                                    mine.into_iter().map(|(l, target)| lane(l, target)),
                                ))
                            })
                        })
                        .collect();
                    handles
                        .into_iter()
                        .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                        .flatten()
                        .collect()
                })
            })
        }
        // no multi-threaded runtime to step aside from (a current-thread runtime, a
        // single-threaded test): the lanes interleave in this task
        None => join_all((0..n_lanes).map(|l| lane(l, Arc::new(target))))
            .await
            .into_iter()
            .flatten()
            .collect(),
    };
    finished.sort_by_key(|u| u.index);
    finished
}

/// A fixture whose entities hold a member the profile lacks cannot be checked under it: the
/// error says how to make a matching one.
fn fixture_fits(store: &Store, profile: &Profile) -> Result<(), RunError> {
    if !profile.members_after_sentinel.is_empty() {
        return Ok(());
    }
    match store
        .entities()
        .find(|(_, e)| !profile.has_member(e.value.status))
    {
        Some((id, e)) => Err(RunError::FixtureProfile(format!(
            "the fixture holds `{}` (entity `{id}`), a member profile {} does not have. Make a matching fixture with `tpr-harness fixtures --profile {} --out FILE` and seed the implementation with it",
            e.value.status.as_str(),
            profile.name,
            profile.name
        ))),
        None => Ok(()),
    }
}

/// What every session of a run found and counted, merged in session order after the preflight's.
struct Totals {
    collector: Collector,
    coverage: BTreeMap<RuleId, u64>,
    clause_coverage: BTreeMap<String, u64>,
    clause_failures: BTreeMap<String, u64>,
    cases: usize,
    requests: u64,
    id_logs: Vec<request_ids::IdLog>,
}

impl Totals {
    /// E2: the request-ids of every session's answers, joined in session order; a repeat is one
    /// finding, emitted and collected.
    fn judge_request_ids(&mut self, shared: &Shared<'_>, base_url: &str, seed: u64) {
        let ids = request_ids::repeats(std::mem::take(&mut self.id_logs));
        if ids.checked > 0 {
            *self.coverage.entry(RuleId::E2).or_default() += ids.checked;
            *self.clause_coverage.entry("E2".into()).or_default() += ids.checked;
        }
        if let Some(f) = request_ids::finding(&ids, base_url, seed) {
            *self.clause_failures.entry("E2".into()).or_default() += ids.repeated;
            shared.emit(&Event::Finding(Box::new(f.clone())));
            self.collector.add(f);
        }
    }

    fn of(finished: Vec<Session<'_, '_>>, preflight: Collector) -> Totals {
        let mut t = Totals {
            collector: preflight,
            coverage: BTreeMap::from([(RuleId::F1, 1)]),
            clause_coverage: BTreeMap::from([("F1".to_string(), 1)]),
            clause_failures: BTreeMap::new(),
            cases: 0,
            requests: 0,
            id_logs: Vec::with_capacity(finished.len()),
        };
        for u in finished {
            t.id_logs.push(u.request_ids);
            t.requests += u.requests;
            t.cases += u.cases;
            for (r, n) in u.coverage {
                *t.coverage.entry(r).or_default() += n;
            }
            for (c, n) in u.clauses {
                *t.clause_coverage.entry(c).or_default() += n;
            }
            for (c, n) in u.clause_failures {
                *t.clause_failures.entry(c).or_default() += n;
            }
            t.collector.merge(u.collector);
        }
        t
    }
}
