//! The implementation's health as the lanes share it: events, the stop flag, the wait for a
//! crashed implementation to come back, and `join_all` (lanes in one task).

use super::runner::EventSink;
use super::{Config, Event, StopKind, Stopped};
use crate::spec::Request;
use crate::target::Target;
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
    pub(super) probe: Request,
    pub(super) events: Mutex<EventSink<'a>>,
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

    /// The implementation stopped answering: wait (bounded) for it to come back.
    pub(super) async fn wait_for_recovery(&self, epoch_seen: u64) -> Recovery {
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
