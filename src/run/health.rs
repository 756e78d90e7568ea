//! The implementation's health as the lanes share it: events, the stop flag, the wait for a
//! crashed implementation to come back, the re-sending of the requests a crash caught in
//! flight, and `join_all` (futures in one task: a thread's lanes, a concurrency round).

use super::judge::{Kind, Verdict};
use super::runner::EventSink;
use super::session::{Checked, Observed, Session};
use super::{Config, Event, Expected, StopKind, Stopped};
use crate::contract::clause::ClauseId;
use crate::contract::spec::Request;
use crate::generate::Case;
use crate::sut::{Target, TransportError};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::Instant;

/// What lanes share: the target, the configuration, the implementation's health.
pub(super) struct Shared<'a> {
    pub(super) target: &'a dyn Target,
    pub(super) config: Config,
    pub(super) tokens_write: String,
    pub(super) started: Instant,
    /// Bumped each time the implementation came back after a crash: lanes re-read their state.
    pub(super) epoch: AtomicU64,
    pub(super) answered: AtomicBool,
    pub(super) consecutive_failures: AtomicU32,
    pub(super) failures_total: AtomicU32,
    pub(super) stop: Mutex<Option<Stopped>>,
    pub(super) recovery: tokio::sync::Mutex<()>,
    /// Every lane's sends hold it shared; a lane re-sending a request that was in flight when
    /// the implementation went down holds it alone, so that request meets a quiet
    /// implementation and only the one that brings it down again is blamed.
    pub(super) gate: tokio::sync::RwLock<()>,
    /// One permit: the lane running a case with a large body holds it (a fixed memory budget).
    pub(super) large: tokio::sync::Semaphore,
    pub(super) probe: Request,
    pub(super) events: Mutex<EventSink<'a>>,
}

impl<'a> Shared<'a> {
    /// What a run's lanes share, at the start of a run: nothing answered yet, no failure, no
    /// stop; `probe` is the request that asks whether the implementation is there.
    pub(super) fn new(
        target: &'a dyn Target,
        config: Config,
        tokens_write: String,
        probe: Request,
        events: EventSink<'a>,
    ) -> Shared<'a> {
        Shared {
            target,
            config,
            tokens_write,
            started: Instant::now(),
            epoch: AtomicU64::new(0),
            answered: AtomicBool::new(false),
            consecutive_failures: AtomicU32::new(0),
            failures_total: AtomicU32::new(0),
            stop: Mutex::new(None),
            recovery: tokio::sync::Mutex::new(()),
            gate: tokio::sync::RwLock::new(()),
            large: tokio::sync::Semaphore::new(1),
            probe,
            events: Mutex::new(events),
        }
    }
}

impl Shared<'_> {
    pub(super) fn emit(&self, e: &Event) {
        if let Ok(mut f) = self.events.lock() {
            f(e)
        }
    }

    pub(super) fn stopped(&self) -> bool {
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

    pub(super) fn stop_with(&self, kind: StopKind, message: String) {
        if let Ok(mut s) = self.stop.lock() {
            if s.is_none() {
                *s = Some(Stopped { kind, message });
            }
        }
    }

    /// The implementation stopped answering: wait (bounded) for it to come back, probing it
    /// through `target` (the waiting lane's).
    pub(super) async fn wait_for_recovery(&self, epoch_seen: u64, target: &dyn Target) -> Recovery {
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
            if target.send(&self.probe).await.is_ok() {
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
pub(super) enum Recovery {
    /// This lane waited and it came back.
    Back,
    /// Another lane saw the same crash and waited.
    ByAnotherLane,
    /// It did not come back: the run stops.
    Gone,
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

impl Session<'_, '_> {
    /// `case`'s request got no complete answer (the implementation went down, or the
    /// connection broke). Wait (bounded) for it to come back; then every request in flight at
    /// that moment is sent again, one at a time with every other lane stopped at its next
    /// request: only the one that fails again is the cause (E3), the others run again and are
    /// never blamed. The same causes whatever the number of lanes.
    pub(super) async fn after_failure(
        &mut self,
        case: &Case,
        e: &TransportError,
        epoch: u64,
        expected: Expected,
    ) -> Checked {
        let shared = self.shared;
        let down = e.is_down() || self.last_down;
        if down
            && shared.epoch.load(Ordering::SeqCst) == epoch
            && shared.wait_for_recovery(epoch, &*self.target.clone()).await == Recovery::Gone
        {
            return self.stopped_for_good(e, expected);
        }
        let alone = shared.gate.write().await;
        self.solo = true;
        if self.epoch != shared.epoch.load(Ordering::SeqCst) {
            // the crash may have lost writes: re-read what the session holds before sending again
            self.epoch = shared.epoch.load(Ordering::SeqCst);
            self.resync_all().await;
        }
        let again = self.send(&case.request).await;
        let checked = match again {
            Err(e2) if e2.is_down() || self.last_down => {
                let epoch = shared.epoch.load(Ordering::SeqCst);
                let back =
                    shared.wait_for_recovery(epoch, &*self.target.clone()).await != Recovery::Gone;
                if back {
                    self.epoch = shared.epoch.load(Ordering::SeqCst);
                    self.resync_all().await;
                }
                Checked {
                    verdicts: vec![Verdict::new(
                        ClauseId::E3,
                        Kind::Stopped,
                        format!(
                            "the implementation stopped answering after this request ({e}); sent again alone once it was back, it stopped again ({e2}){}",
                            if back {
                                "; it came back and the run went on"
                            } else {
                                ""
                            }
                        ),
                    )],
                    response: None,
                    expected,
                    interrupted: false,
                    unobserved: false,
                    rerun: false,
                }
            }
            Err(e2) if !matches!(e2, TransportError::Unsendable(_)) => Checked {
                verdicts: vec![Verdict::new(
                    ClauseId::E3,
                    Kind::NoAnswer,
                    format!("no complete answer: {e}; sent again alone: {e2}"),
                )],
                response: None,
                expected,
                interrupted: false,
                unobserved: false,
                rerun: false,
            },
            // sent alone it is answered: another request brought the implementation down
            _ => {
                if let Some(id) = case.target.as_deref() {
                    if let Observed::Seen(seen) = self.observe(id).await {
                        self.resync(id, &seen);
                    }
                }
                Checked::interrupted(expected, true)
            }
        };
        self.solo = false;
        drop(alone);
        checked
    }

    /// The implementation went down with this request in flight and did not come back.
    fn stopped_for_good(&self, e: &TransportError, expected: Expected) -> Checked {
        Checked {
            verdicts: vec![Verdict::new(
                ClauseId::E3,
                Kind::Stopped,
                format!(
                    "the implementation stopped answering while this request was in flight ({e}) and did not come back within {} s",
                    self.shared.config.crash_wait.as_secs()
                ),
            )],
            response: None,
            expected,
            interrupted: false,
            unobserved: false,
            rerun: false,
        }
    }
}
