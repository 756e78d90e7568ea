//! Hostile servers (issue 14): whatever the other side does, `check` ends within a stated bound
//! with the default budget and shrinking on, and keeps at most a few KiB of any body. Each
//! server answers GETs from the model (so the preflight passes and the run gets going) and
//! misbehaves on every PATCH.

use crate::support::seeded;
use crate::support::server::{self, Act};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tpr_harness::contract::profile::Profile;
use tpr_harness::contract::rule::RuleId;
use tpr_harness::contract::spec::Request;
use tpr_harness::run::{Config, Kind, Report, Runner, StopKind};
use tpr_harness::sut::Response;
use tpr_harness::sut::http::Remote;
use tpr_harness::sut::model::ModelTarget;

/// Request timeout in these tests; every bound below is stated in it.
const TIMEOUT: Duration = Duration::from_millis(500);

/// A server that answers as the model, except that it does `on_patch` to every PATCH.
fn hostile(on_patch: fn() -> Act) -> server::Server {
    let model = Arc::new(ModelTarget::new(
        seeded(1, &Profile::graph()),
        Profile::graph(),
    ));
    server::serve(0, None, move |req: &Request| {
        if req.method == "PATCH" {
            on_patch()
        } else {
            Act::Answer(server::from_target(&*model, req))
        }
    })
}

/// Runs the default budget (shrinking on) against a server that does `on_patch` to PATCHes.
fn check(on_patch: fn() -> Act) -> (Report, Duration) {
    let srv = hostile(on_patch);
    crate::support::rt().block_on(async {
        let remote = Remote::new(&srv.base_url(), TIMEOUT);
        let started = Instant::now();
        let config = Config {
            seed: 1,
            ..Config::default()
        };
        let r = Runner::new(&remote, seeded(1, &Profile::graph()), config)
            .run()
            .await
            .unwrap();
        (r, started.elapsed())
    })
}

/// At most `max_transport_failures_total` (50) timeouts, plus the cases that did not time out.
fn bound() -> Duration {
    TIMEOUT * 50 + Duration::from_secs(15)
}

fn assert_small(r: &Report) {
    for f in &r.findings {
        if let Some(a) = &f.actual {
            assert!(
                a.body.len() <= 4096,
                "a finding keeps {} bytes",
                a.body.len()
            );
        }
    }
    assert!(r.findings.len() < 40, "{} findings", r.findings.len());
}

#[test]
fn e3_an_endless_chunked_body_is_capped_and_reported_not_a_stall() {
    let (r, took) = check(|| Act::EndlessChunked);
    assert!(took < bound(), "{took:?}");
    assert_small(&r);
    let f = r
        .findings
        .iter()
        .find(|f| f.kind == Kind::Oversized)
        .expect("an E3 oversize finding");
    assert_eq!(f.rule, RuleId::E3);
    assert!(
        f.actual
            .as_ref()
            .is_some_and(|a| a.body_len.unwrap_or(0) > 1024 * 1024)
    );
}

#[test]
fn e3_a_1_gb_content_length_trickling_in_stops_the_run_as_unresponsive() {
    let (r, took) = check(|| Act::Trickle);
    assert!(took < bound(), "{took:?}");
    assert_small(&r);
    assert_eq!(
        r.stopped.as_ref().map(|s| s.kind),
        Some(StopKind::Unresponsive),
        "{:?}",
        r.stopped
    );
}

#[test]
fn e3_headers_a_byte_a_second_stop_the_run_as_unresponsive() {
    let (r, took) = check(|| Act::SlowHeaders);
    assert!(took < bound(), "{took:?}");
    assert_eq!(
        r.stopped.as_ref().map(|s| s.kind),
        Some(StopKind::Unresponsive)
    );
}

#[test]
fn e3_a_connection_closed_mid_body_is_a_finding_and_the_run_ends() {
    let (r, took) = check(|| Act::CloseMidBody);
    assert!(took < bound(), "{took:?}");
    assert_small(&r);
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == RuleId::E3 && f.kind == Kind::NoAnswer)
    );
    // it ended there, and said why: every PATCH breaks off, so the run stops once
    // `max_transport_failures` requests in a row got no answer, instead of sending its budget
    let config = Config::default();
    let stopped = r.stopped.as_ref().expect("the run was stopped");
    assert_eq!(stopped.kind, StopKind::Unresponsive, "{stopped:?}");
    assert!(
        stopped
            .message
            .contains(&format!("({} in a row", config.max_transport_failures)),
        "{}",
        stopped.message
    );
    // the preflight, then the unanswered PATCHes (one more per lane already in flight)
    let most = 2 + config.preflight_sample + config.max_transport_failures as usize + config.lanes;
    assert!(r.requests <= most as u64, "{} requests", r.requests);
}

#[test]
fn e3_garbage_instead_of_http_and_resets_end_the_run() {
    for act in [
        (|| Act::Raw(b"\x00\x01 this is not HTTP\r\n\r\n".to_vec())) as fn() -> Act,
        || Act::Reset,
    ] {
        let (r, took) = check(act);
        assert!(took < bound(), "{took:?}");
        assert_small(&r);
        // it ended because the server gave no answers, and said so (not vacuously clean)
        assert_eq!(
            r.stopped.as_ref().map(|s| s.kind),
            Some(StopKind::Unresponsive)
        );
        assert!(
            r.findings.iter().all(|f| f.rule == RuleId::E3),
            "{:#?}",
            r.findings
        );
    }
}

#[test]
fn e3_an_answer_after_the_timeout_is_no_answer() {
    let (r, took) = check(|| {
        Act::Late(
            TIMEOUT * 3,
            Response::new(
                200,
                vec![("Content-Type".into(), "application/json".into())],
                b"{}".to_vec(),
            ),
        )
    });
    // each answer comes 3 timeouts late and counts as one timeout: the same bound as the others
    assert!(took < bound(), "{took:?}");
    assert!(r.findings.iter().any(|f| f.kind == Kind::NoAnswer));
    assert_eq!(
        r.stopped.as_ref().map(|s| s.kind),
        Some(StopKind::Unresponsive)
    );
}

/// The model, 20 ms slower per request.
struct Slow(ModelTarget);

impl tpr_harness::sut::Target for Slow {
    fn send<'a>(
        &'a self,
        req: &'a Request,
    ) -> tpr_harness::sut::BoxFuture<'a, Result<Response, tpr_harness::sut::TransportError>> {
        Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            self.0.send(req).await
        })
    }
    fn describe(&self) -> String {
        "slow model".into()
    }
}

#[test]
fn e3_max_time_bounds_the_whole_run_and_says_it_was_cut_short() {
    crate::support::rt().block_on(async {
        let target = Slow(ModelTarget::new(
            seeded(1, &Profile::graph()),
            Profile::graph(),
        ));
        let config = Config {
            seed: 1,
            max_time: Some(Duration::from_millis(500)),
            ..Config::default()
        };
        let started = Instant::now();
        let r = Runner::new(&target, seeded(1, &Profile::graph()), config)
            .run()
            .await
            .unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        let stopped = r.stopped.expect("cut short");
        assert_eq!(stopped.kind, StopKind::MaxTime);
        assert!(
            stopped.message.contains("--max-time"),
            "{}",
            stopped.message
        );
        assert!(r.findings.is_empty(), "{:#?}", r.findings);
        assert!(r.cases > 0 && r.cases < 500, "{}", r.cases);
    });
}

/// A hostile server: its name and what it does to every PATCH.
type Hostile = (&'static str, fn() -> Act);

/// What the default `check` (the embedded endpoint in the same process) may hold at its peak
/// (VmHWM; issue 31). Measured 78–100 MB in release on 2026-12-08 (docs/MEASUREMENTS.md).
const PEAK_BOUND_MB: u64 = 120;

/// What `check` may hold at its peak against any hostile server (VmHWM; issue 31). Measured
/// 60 MB against the endless chunked body, 11 MB against the others, on 2026-12-08.
const HOSTILE_PEAK_BOUND_MB: u64 = 80;

/// Runs the `tpr-harness` binary with `args` and returns its peak resident memory in MB (VmHWM,
/// read from `/proc` while it runs, every 2 ms until it exits) and its exit code.
#[cfg(target_os = "linux")]
fn peak_of(args: &[&str]) -> (u64, Option<i32>) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tpr-harness"))
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the tpr-harness binary");
    let status = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    loop {
        // read before asking whether it ended: a process that ended has no VmHWM any more
        let hwm = std::fs::read_to_string(&status).ok().and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        });
        peak_kb = peak_kb.max(hwm.unwrap_or(0));
        if let Some(end) = child.try_wait().expect("the child's status") {
            return (peak_kb / 1024, end.code());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
#[cfg(target_os = "linux")]
fn footprint_the_default_check_stays_within_a_fixed_memory() {
    let (peak, code) = peak_of(&["check", "--quiet"]);
    assert_eq!(code, Some(0));
    assert!(peak > 0, "no VmHWM read");
    println!("footprint: default check peak {peak} MB");
    assert!(peak <= PEAK_BOUND_MB, "peak {peak} MB > {PEAK_BOUND_MB} MB");
}

#[test]
#[cfg(target_os = "linux")]
fn footprint_check_against_every_hostile_server_stays_within_a_fixed_memory() {
    let fixtures = std::env::temp_dir().join(format!("tpr-footprint-{}.json", std::process::id()));
    let fixture = tpr_harness::model::fixture::Fixture::generate(1, &Profile::graph());
    std::fs::write(&fixtures, fixture.to_json_string()).unwrap();
    let late = || Act::Late(TIMEOUT * 3, Response::new(204, vec![], vec![]));
    let acts: [Hostile; 7] = [
        ("endless chunked body", || Act::EndlessChunked),
        ("1 GB Content-Length trickling in", || Act::Trickle),
        ("headers a byte a second", || Act::SlowHeaders),
        ("closed mid-body", || Act::CloseMidBody),
        ("garbage instead of HTTP", || {
            Act::Raw(b"\x00\x01 this is not HTTP\r\n\r\n".to_vec())
        }),
        ("reset", || Act::Reset),
        ("answer after the timeout", late),
    ];
    for (name, on_patch) in acts {
        let srv = hostile(on_patch);
        let base = srv.base_url();
        let timeout = TIMEOUT.as_millis().to_string();
        let (peak, code) = peak_of(&[
            "check",
            "--quiet",
            "--base-url",
            &base,
            "--fixtures",
            fixtures.to_str().unwrap(),
            "--token",
            crate::support::WRITE,
            "--read-only-token",
            crate::support::READ,
            "--timeout-ms",
            &timeout,
        ]);
        // findings (1) or a run stopped for want of answers (2): either way it ended
        assert!(matches!(code, Some(1 | 2)), "{name}: exit {code:?}");
        println!("footprint: {name}: peak {peak} MB");
        assert!(
            peak <= HOSTILE_PEAK_BOUND_MB,
            "{name}: peak {peak} MB > {HOSTILE_PEAK_BOUND_MB} MB"
        );
        srv.down.store(true, std::sync::atomic::Ordering::SeqCst);
    }
    let _ = std::fs::remove_file(&fixtures);
}

#[test]
fn e3_an_answer_sent_while_the_body_is_uploading_is_that_answer_not_a_broken_connection() {
    // Found on a real server (Flask's MAX_CONTENT_LENGTH): a 413 sent from the request's head
    // while the client was still uploading 4 MiB, then a reset, was filed as E3 "no complete
    // answer"; curl receives the 413. The client reads an answer that arrives early.
    let answer = Response::new(
        413,
        vec![("Content-Type".into(), "application/json".into())],
        br#"{"error":{"code":"RequestEntityTooLarge","message":"too large"}}"#.to_vec(),
    );
    let srv = server::serve_early(1024, answer);
    crate::support::rt().block_on(async {
        let remote = Remote::new(&srv.base_url(), Duration::from_secs(5));
        for body_len in [4 * 1024 * 1024 + 1, 16 * 1024 * 1024] {
            for framing in ["content-length", "chunked"] {
                let mut req = Request::new("PATCH", "/x");
                req.headers
                    .push(("Content-Type".into(), "application/json".into()));
                if framing == "chunked" {
                    req.headers
                        .push(("Transfer-Encoding".into(), "chunked".into()));
                }
                req.body = vec![b' '; body_len];
                for attempt in 0..5 {
                    let got = remote.send(&req).await.map(|r| r.status);
                    assert_eq!(
                        got,
                        Ok(413),
                        "{body_len} bytes, {framing}, attempt {attempt}"
                    );
                }
            }
        }
    });
}
