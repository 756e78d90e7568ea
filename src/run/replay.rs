//! Replay: one finding at a time, from the state it needs, judged with the same step as `check`.

use super::health::Shared;
use super::judge::{self, Kind};
use super::runner::Runner;
use super::session::{Observed, Session};
use super::{Config, Finding};
use crate::contract::spec::{Request, TaskProcessingResult};
use crate::generate::Case;

/// What replaying one finding showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replayed {
    /// The same judge finds nothing wrong now.
    Fixed,
    /// Still wrong: what the judge says.
    StillFailing(String),
    /// The finding is about a whole run (drift, concurrency, fixture): run `check` again.
    NeedsFullRun(String),
    /// The state the finding needs could not be set up: nothing was judged.
    NotRetested(String),
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
        let config = Config {
            crash_wait: std::time::Duration::ZERO,
            ..config
        };
        let shared = Shared::new(
            target,
            config,
            write.clone(),
            Request::new("GET", "/"),
            on_event,
        );
        // a replay follows a run that got answers: no set-up wait for the first one
        shared
            .answered
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let mut unit = Session::new(&shared, 0, store);
        let mut out = Vec::new();
        for f in findings {
            out.push(unit.replay(f, &write).await);
        }
        out
    }
}

impl Session<'_, '_> {
    pub(super) async fn replay(&mut self, f: &Finding, token: &str) -> Replayed {
        let req = super::repro::unredact(&f.request, token);
        match f.kind {
            Kind::Drift | Kind::Linearizability | Kind::Fixture | Kind::RequestId => {
                return Replayed::NeedsFullRun(format!(
                    "{} is a property of a whole run: run check again",
                    f.rule
                ));
            }
            Kind::Stopped => return self.replay_crash(f, &req, token).await,
            _ => {}
        }
        let profile = self.profile().clone();
        let case_target = crate::contract::path::Route::parse(&req.path, &profile)
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
                return Replayed::NotRetested(format!(
                    "could not restore `{id}` to the state the finding needs"
                ));
            }
        }
        let case = Case {
            spec: f.spec.clone().unwrap_or_default(),
            request: req.clone(),
            defects: f.defects.clone(),
            demand: crate::generate::defect::Demand {
                statuses: f.expected.statuses.clone(),
                rules: f.expected.rules.clone(),
            },
            stored: self.store.status_of(case_target.as_deref()),
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
        if checked.interrupted {
            return Replayed::NotRetested("the request got no answer that says anything".into());
        }
        // FIXED when the finding's own clause passes: another clause failing on the same
        // request is another finding (a rejection is judged by its kind: its clause is the
        // variant diagnosis named, which a single request does not tell again)
        // (a 5xx or no answer to the finding's request is never a fix; a report without
        // clauses, from an older version, is matched by rule)
        let own = checked.verdicts.iter().find(|v| {
            v.clause.as_str() == f.clause
                || (f.clause.is_empty() && v.rule == f.rule)
                || matches!(v.kind, Kind::ServerError | Kind::NoAnswer | Kind::Oversized)
                || (v.kind == f.kind && v.kind == Kind::Rejected)
        });
        match own {
            None => Replayed::Fixed,
            Some(v) => Replayed::StillFailing(format!("{}: {}", v.clause, v.message)),
        }
    }

    /// A crash finding: its sequence, then its request; FIXED only when the request gets an
    /// answer that is no 5xx and the implementation still answers after it.
    async fn replay_crash(&mut self, f: &Finding, req: &Request, token: &str) -> Replayed {
        for r in &f.sequence {
            let _ = self.send(&super::repro::unredact(r, token)).await;
        }
        match self.send(req).await {
            Err(e) => Replayed::StillFailing(format!("no answer: {e}")),
            // an answer is not a fix when it is a 5xx
            Ok(r) if r.status >= 500 => Replayed::StillFailing(format!("answered {}", r.status)),
            Ok(_) => match self.send(&self.shared.probe.clone()).await {
                Ok(_) => Replayed::Fixed,
                Err(e) => Replayed::StillFailing(format!("stopped answering: {e}")),
            },
        }
    }
}
