//! The embedded endpoint over real HTTP on loopback with a real client: it answers exactly as the
//! in-process model does, loses no update under concurrency, and its faults are reproducible.

use crate::persist;
use crate::support::rt;
use crate::support::seeded;
use proptest::prelude::*;
use proptest::test_runner::Config;
use std::sync::Arc;
use std::time::Duration;
use tpr_harness::contract::path::PathStyle;
use tpr_harness::contract::profile::Profile;
use tpr_harness::contract::spec::{ErrorBody, Request, error_code};
use tpr_harness::endpoint::{Endpoint, Faults, Responder};
use tpr_harness::generate::{self, CaseSpec};
use tpr_harness::model;
use tpr_harness::model::store::Store;
use tpr_harness::sut::http::{Remote, Response};

/// The fixture every test here serves.
const SEED: u64 = 5;

async fn start(profile: &Profile) -> (Endpoint, Remote) {
    let ep = Endpoint::start(Responder::new(seeded(SEED, profile), profile.clone()))
        .await
        .unwrap();
    let mut remote = Remote::new(&ep.base_url(), Duration::from_secs(10));
    remote.retries = 0;
    (ep, remote)
}

/// The HTTP answer equals the model's first answer: status, body, error envelope, headers (the
/// answer to a HEAD carries no body: decision 77).
fn same_as_model(req: &Request, resp: &Response, out: &model::Outcome) -> Result<(), String> {
    let a = &out.answers[0];
    if resp.status != a.status {
        return Err(format!(
            "status {} but the model says {:?}",
            resp.status,
            out.statuses()
        ));
    }
    if resp.header("preference-applied").is_some() != a.preference_applied {
        return Err("Preference-Applied differs".into());
    }
    match a.status {
        200 => {
            let got: serde_json::Value =
                serde_json::from_slice(&resp.body).map_err(|e| e.to_string())?;
            if Some(&got) != a.json().as_ref() {
                return Err(format!("body {got} but the model says {:?}", a.json()));
            }
        }
        204 => {}
        _ if req.method == "HEAD" && resp.body.is_empty() => {}
        s => {
            let e = ErrorBody::parse(&resp.body).map_err(|e| e.to_string())?;
            if e.code != error_code(s) {
                return Err(format!("code {}", e.code));
            }
            if !resp
                .header("content-type")
                .unwrap_or_default()
                .starts_with("application/json")
            {
                return Err("error without application/json".into());
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(Config { cases: 48, failure_persistence: Some(Box::new(persist!("endpoint"))), ..Config::default() })]

    #[test]
    fn every_rule_through_http_gives_the_in_process_model_answer(seq in generate::sequence(&Profile::graph(), 10), which in 0usize..4) {
        let profile = crate::support::all_profiles()[which].clone();
        rt().block_on(async {
            let (ep, remote) = start(&profile).await;
            let mut mirror = seeded(SEED, &profile);
            for spec in &seq {
                let case = spec.build(&mirror, &profile);
                let out = model::apply(&mut mirror, &case.request, &profile);
                let resp = remote.send(&case.request).await.map_err(|e| TestCaseError::fail(e.to_string()))?;
                same_as_model(&case.request, &resp, &out).map_err(|m| TestCaseError::fail(format!("{}: {m}: {}", profile.name, case.describe())))?;
            }
            prop_assert_eq!(ep.responder().snapshot(), mirror);
            Ok(())
        })?;
    }
}

#[test]
fn boundary_cases_through_http_give_the_in_process_model_answer() {
    rt().block_on(async {
        for profile in crate::support::all_profiles() {
            let (_ep, remote) = start(&profile).await;
            let mut mirror = seeded(SEED, &profile);
            for spec in generate::boundary_cases(&profile) {
                let case = spec.build(&mirror, &profile);
                let out = model::apply(&mut mirror, &case.request, &profile);
                let resp = remote.send(&case.request).await.unwrap();
                if let Err(m) = same_as_model(&case.request, &resp, &out) {
                    panic!("{}: {m}: {}", profile.name, case.describe());
                }
            }
        }
    });
}

fn patch(store: &Store, id: &str, body: String) -> Request {
    Request::new(
        "PATCH",
        &store
            .direct_route(id)
            .unwrap()
            .to_path(&PathStyle::default()),
    )
    .header("Authorization", "Bearer write-token")
    .header("Content-Type", "application/json")
    .body(body)
}

#[test]
fn r1_serve_answers_404_with_the_error_envelope_outside_its_version_root() {
    // Graph answers 404 to a path without its version root; so does `serve`, so that a base
    // URL missing `/beta` fails at once instead of running as if it were right
    rt().block_on(async {
        let (ep, remote) = start(&Profile::graph()).await;
        let s = ep.responder().snapshot();
        let id = s.entities().next().unwrap().0.clone();
        let below = patch(&s, &id, r#"{"failureReason":"x"}"#.into());
        let mut get = below.clone();
        get.method = "GET".into();
        get.body.clear();
        let host = format!("http://{}", ep.addr());
        for base in [
            host.clone(),
            format!("{host}/betax"),
            format!("{host}/v1.0"),
        ] {
            let mut outside = Remote::new(&base, Duration::from_secs(10));
            outside.retries = 0;
            for req in [&below, &get] {
                let req = req.clone().header("client-request-id", "r1-outside");
                let resp = outside.send(&req).await.unwrap();
                assert_eq!(resp.status, 404, "{} {base}{}", req.method, req.path);
                let e = ErrorBody::parse(&resp.body).unwrap();
                assert_eq!(e.code, error_code(404));
                let v: serde_json::Value = serde_json::from_slice(&resp.body).unwrap();
                assert_eq!(v["error"]["innerError"]["client-request-id"], "r1-outside");
            }
        }
        assert_eq!(
            ep.responder().snapshot(),
            s,
            "nothing outside the root changed state"
        );
        // the root itself, without a path below it, is outside too; below it is served
        let mut root = Remote::new(&format!("{host}/beta"), Duration::from_secs(10));
        root.retries = 0;
        assert_eq!(
            root.send(&Request::new("GET", "")).await.unwrap().status,
            404
        );
        assert_eq!(remote.send(&get).await.unwrap().status, 200);
        assert_eq!(remote.send(&below).await.unwrap().status, 200);
    });
}

#[test]
fn s7_sixty_four_concurrent_clients_lose_no_accepted_update() {
    let profile = Profile::graph();
    rt().block_on(async {
        for round in 0..20 {
            let (ep, remote) = start(&profile).await;
            let initial = ep.responder().snapshot();
            let id = initial
                .entities()
                .nth(round % initial.len())
                .unwrap()
                .0
                .clone();
            let mut reqs = vec![
                patch(
                    &initial,
                    &id,
                    format!(r#"{{"createdDateTime":"2001-01-01T00:00:{round:02}Z"}}"#),
                ),
                patch(
                    &initial,
                    &id,
                    format!(r#"{{"startedDateTime":"2002-02-02T00:00:{round:02}Z"}}"#),
                ),
                patch(
                    &initial,
                    &id,
                    format!(r#"{{"completedDateTime":"2003-03-03T00:00:{round:02}Z"}}"#),
                ),
                patch(
                    &initial,
                    &id,
                    r#"{"processingStatus":"completedWithErrors"}"#.to_string(),
                ),
            ];
            for i in 0..60 {
                reqs.push(patch(
                    &initial,
                    &id,
                    format!(r#"{{"failureReason":"client {i}"}}"#),
                ));
            }
            let handles: Vec<_> = reqs
                .iter()
                .cloned()
                .map(|r| {
                    let remote = remote.clone();
                    tokio::spawn(async move { remote.send(&r).await.map(|x| x.status) })
                })
                .collect();
            for h in handles {
                assert_eq!(h.await.unwrap().unwrap(), 200);
            }
            let fin = ep.responder().snapshot();
            tpr_harness::model::invariants::s7_linearizable(&initial, &reqs, &fin, &profile)
                .unwrap();
            let v = &fin.get(&id).unwrap().value;
            assert_eq!(
                v.status,
                tpr_harness::contract::spec::ProcessingStatus::CompletedWithErrors
            );
            assert!(v.started.is_some() && v.completed.is_some());
        }
    });
}

#[test]
fn h2_auth_over_http_401_without_or_with_unknown_token_403_read_only_patch_200_read_only_get() {
    let profile = Profile::graph();
    rt().block_on(async {
        let (ep, remote) = start(&profile).await;
        let s = ep.responder().snapshot();
        let id = s.entities().next().unwrap().0.clone();
        let mut req = patch(&s, &id, r#"{"failureReason":"x"}"#.into());
        req.headers.retain(|(k, _)| k != "Authorization");
        assert_eq!(remote.send(&req).await.unwrap().status, 401);
        let unknown = req.clone().header("Authorization", "Bearer nope");
        assert_eq!(remote.send(&unknown).await.unwrap().status, 401);
        let read = req.clone().header("Authorization", "Bearer read-token");
        let resp = remote.send(&read).await.unwrap();
        assert_eq!(resp.status, 403);
        assert_eq!(
            ErrorBody::parse(&resp.body).unwrap().code,
            "Authorization_RequestDenied"
        );
        let mut get = read.clone();
        get.method = "GET".into();
        get.body.clear();
        assert_eq!(remote.send(&get).await.unwrap().status, 200);
        assert_eq!(ep.responder().snapshot(), s, "nothing changed");
    });
}

#[test]
fn e2_inner_error_echoes_client_request_id_and_405_names_allowed_methods() {
    rt().block_on(async {
        let (ep, remote) = start(&Profile::graph()).await;
        let s = ep.responder().snapshot();
        let id = s.entities().next().unwrap().0.clone();
        let mut req = patch(&s, &id, "{}".into()).header("client-request-id", "abc-123");
        req.method = "DELETE".into();
        let resp = remote.send(&req).await.unwrap();
        assert_eq!(resp.status, 405);
        assert_eq!(resp.header("allow"), Some("GET, PATCH"));
        let v: serde_json::Value = serde_json::from_slice(&resp.body).unwrap();
        assert_eq!(v["error"]["innerError"]["client-request-id"], "abc-123");
        assert!(v["error"]["innerError"]["date"].is_string());
        assert!(v["error"]["innerError"]["request-id"].is_string());
    });
}

#[test]
fn faults_with_the_same_seed_give_the_same_schedule_with_retry_after() {
    let faults = Faults {
        rate: 0.3,
        seed: 99,
        latency_ms: Some((0, 2)),
        retry_after_s: 1,
    };
    let schedule = |f: &Faults| (0..200).map(|n| f.decide(n).status).collect::<Vec<_>>();
    assert_eq!(schedule(&faults), schedule(&faults.clone()));
    assert_ne!(
        schedule(&faults),
        schedule(&Faults {
            seed: 100,
            ..faults.clone()
        })
    );
    let hits = schedule(&faults).iter().filter(|s| s.is_some()).count();
    assert!((30..90).contains(&hits), "{hits} faults of 200 at rate 0.3");
    let profile = Profile::graph();
    rt().block_on(async {
        let mut seen = Vec::new();
        for _ in 0..2 {
            let responder = Responder::new(seeded(SEED, &profile), profile.clone())
                .with_faults(Some(faults.clone()));
            let ep = Endpoint::start(responder).await.unwrap();
            let mut remote = Remote::new(&ep.base_url(), Duration::from_secs(5));
            remote.retries = 0;
            let s = ep.responder().snapshot();
            let id = s.entities().next().unwrap().0.clone();
            let mut statuses = Vec::new();
            for i in 0..40 {
                let resp = remote
                    .send(&patch(&s, &id, format!(r#"{{"failureReason":"{i}"}}"#)))
                    .await
                    .unwrap();
                if resp.status == 429 || resp.status == 503 {
                    assert_eq!(resp.header("retry-after"), Some("1"));
                    ErrorBody::parse(&resp.body).unwrap();
                }
                statuses.push(resp.status);
            }
            seen.push(statuses);
        }
        assert_eq!(seen[0], seen[1]);
        assert!(seen[0].iter().any(|s| *s == 429 || *s == 503));
    });
}

#[test]
fn e3_garbage_on_the_socket_does_not_take_the_endpoint_down() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    rt().block_on(async {
        let (ep, remote) = start(&Profile::graph()).await;
        for junk in [
            &b"\x00\x01\x02garbage\r\n\r\n"[..],
            b"PATCH / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
            b"GET /beta HTTP/1.1\r\n",
        ] {
            let mut s = tokio::net::TcpStream::connect(ep.addr()).await.unwrap();
            s.write_all(junk).await.unwrap();
            let _ = s.shutdown().await;
            let mut buf = Vec::new();
            let _ = tokio::time::timeout(Duration::from_secs(2), s.read_to_end(&mut buf)).await;
        }
        let snapshot = ep.responder().snapshot();
        let id = snapshot.entities().next().unwrap().0.clone();
        assert_eq!(
            remote
                .send(&patch(&snapshot, &id, "{}".into()))
                .await
                .unwrap()
                .status,
            200
        );
    });
}

#[test]
fn wiremock_mounted_responder_answers_like_the_model() {
    let profile = Profile::graph();
    rt().block_on(async {
        let server = wiremock::MockServer::builder()
            .disable_request_recording()
            .start()
            .await;
        let responder = Arc::new(Responder::new(seeded(SEED, &profile), profile.clone()));
        responder.clone().mount(&server).await;
        let mut remote = Remote::new(&format!("{}/beta", server.uri()), Duration::from_secs(5));
        remote.retries = 0;
        let mut mirror = seeded(SEED, &profile);
        for spec in generate::boundary_cases(&profile)
            .into_iter()
            .take(60)
            .chain([CaseSpec::default()])
        {
            let case = spec.build(&mirror, &profile);
            let out = model::apply(&mut mirror, &case.request, &profile);
            let resp = remote.send(&case.request).await.unwrap();
            same_as_model(&case.request, &resp, &out)
                .unwrap_or_else(|m| panic!("{m}: {}", case.describe()));
        }
        assert_eq!(responder.snapshot(), mirror);
    });
}

#[test]
fn h6_serve_decodes_gzip_bodies_refuses_other_codings_and_stops_a_bomb_at_the_limit() {
    rt().block_on(async {
        let profile = Profile::graph();
        let (ep, remote) = start(&profile).await;
        let s = ep.responder().snapshot();
        let id = s.entities().next().unwrap().0.clone();
        let mut zipped = patch(&s, &id, String::new()).header("Content-Encoding", "gzip");
        zipped.body =
            tpr_harness::generate::defect::gzip(br#"{"failureReason":"over the wire, zipped"}"#);
        let r = remote.send(&zipped).await.unwrap();
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(v["failureReason"], "over the wire, zipped");

        let br = patch(&s, &id, "{}".into()).header("Content-Encoding", "br");
        let r = remote.send(&br).await.unwrap();
        assert_eq!(r.status, 415);
        assert_eq!(r.header("accept-encoding"), Some("gzip, identity"));

        // ~4 KB on the wire, 4 MiB + 1 decoded: 413, and the endpoint never holds more
        let mut bomb = patch(&s, &id, String::new()).header("Content-Encoding", "gzip");
        bomb.body = tpr_harness::generate::defect::gzip_bomb(profile.max_body_bytes + 1);
        assert!(bomb.body.len() < 64 * 1024);
        let r = remote.send(&bomb).await.unwrap();
        assert_eq!(r.status, 413);
        assert_eq!(
            ep.responder()
                .snapshot()
                .get(&id)
                .unwrap()
                .value
                .failure_reason
                .as_deref(),
            Some("over the wire, zipped")
        );
    });
}

async fn start_limited(limits: tpr_harness::endpoint::Limits) -> Endpoint {
    let profile = Profile::graph();
    Endpoint::start_with(
        Responder::new(seeded(SEED, &profile), profile),
        std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        limits,
    )
    .await
    .unwrap()
}

/// Reads until the server closes the connection or `within` passes; what it sent.
fn read_until_closed(s: &mut std::net::TcpStream, within: Duration) -> Option<Vec<u8>> {
    use std::io::Read;
    s.set_read_timeout(Some(within)).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return Some(got),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return Some(got),
            Err(_) => return None, // still open after `within`
        }
    }
}

#[test]
fn e3_serve_drops_a_client_that_sends_headers_a_byte_at_a_time() {
    use std::io::Write;
    rt().block_on(async {
        let ep = start_limited(tpr_harness::endpoint::Limits {
            header_timeout: Duration::from_millis(400),
            ..Default::default()
        })
        .await;
        let addr = ep.addr();
        tokio::task::spawn_blocking(move || {
            let mut s = std::net::TcpStream::connect(addr).unwrap();
            let started = std::time::Instant::now();
            for b in b"PATCH /beta/x HTTP/1.1\r\nHost: x\r\n" {
                if s.write_all(&[*b]).is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
                if started.elapsed() > Duration::from_secs(3) {
                    break;
                }
            }
            assert!(
                read_until_closed(&mut s, Duration::from_secs(3)).is_some(),
                "still open"
            );
            assert!(
                started.elapsed() < Duration::from_secs(4),
                "{:?}",
                started.elapsed()
            );
        })
        .await
        .unwrap();
    });
}

/// What `serve`, with a body timeout of `timeout`, sends before it closes the connection to a
/// PATCH whose headers promise `length` bytes and whose body then comes as `body`: all at once
/// when `gap` is zero, else a byte every `gap`. Panics when the connection is still open 3 s
/// after the last byte.
fn answer_to_a_slow_body(timeout: Duration, length: usize, body: &[u8], gap: Duration) -> String {
    use std::io::Write;
    let body = body.to_vec();
    rt().block_on(async move {
        let ep = start_limited(tpr_harness::endpoint::Limits {
            body_timeout: timeout,
            ..Default::default()
        })
        .await;
        let addr = ep.addr();
        tokio::task::spawn_blocking(move || {
            let mut s = std::net::TcpStream::connect(addr).unwrap();
            let head =
                format!("PATCH /beta/x HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n");
            s.write_all(head.as_bytes()).unwrap();
            let pieces: Vec<&[u8]> = if gap.is_zero() {
                vec![&body[..]]
            } else {
                body.chunks(1).collect()
            };
            for piece in pieces {
                if s.write_all(piece).is_err() {
                    break; // closed by the server
                }
                std::thread::sleep(gap);
            }
            let got = read_until_closed(&mut s, Duration::from_secs(3))
                .expect("no answer and close by the body's deadline: the connection is still open");
            String::from_utf8_lossy(&got).into_owned()
        })
        .await
        .unwrap()
    })
}

#[test]
fn e3_serve_answers_408_to_a_body_that_does_not_arrive_in_time() {
    let got = answer_to_a_slow_body(Duration::from_millis(300), 100, b"{\"a\":", Duration::ZERO);
    assert!(got.starts_with("HTTP/1.1 408"), "{got}");
}

#[test]
fn e3_serve_times_a_body_as_a_whole_so_a_trickle_of_timely_bytes_is_still_408() {
    // every byte within the body timeout of the one before, the body as a whole past it: the
    // deadline is the body's, so a timer restarted per piece (which would let a client trickle
    // forever) fails this
    let body = br#"{"failureReason":"trickle..."}"#;
    let got = answer_to_a_slow_body(
        Duration::from_millis(400),
        body.len(),
        body,
        Duration::from_millis(100),
    );
    assert!(got.starts_with("HTTP/1.1 408"), "{got}");
}

#[test]
fn e3_serve_caps_open_connections_and_keeps_serving_the_open_ones() {
    rt().block_on(async {
        let ep = start_limited(tpr_harness::endpoint::Limits {
            max_connections: 2,
            ..Default::default()
        })
        .await;
        let addr = ep.addr();
        tokio::task::spawn_blocking(move || {
            use std::io::Write;
            let mut held: Vec<_> = (0..2)
                .map(|_| std::net::TcpStream::connect(addr).unwrap())
                .collect();
            std::thread::sleep(Duration::from_millis(200));
            let mut extra = std::net::TcpStream::connect(addr).unwrap();
            assert!(
                read_until_closed(&mut extra, Duration::from_secs(2)).is_some(),
                "the third is closed"
            );
            // the held ones still get answers
            held[0]
                .write_all(b"GET /beta/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .unwrap();
            let got = read_until_closed(&mut held[0], Duration::from_secs(2)).expect("answered");
            assert!(
                String::from_utf8_lossy(&got).starts_with("HTTP/1.1 401"),
                "{}",
                String::from_utf8_lossy(&got)
            );
        })
        .await
        .unwrap();
    });
}

/// Accepts one connection, reads one request up to the end of its chunked body, answers 204
/// and returns the raw bytes it read.
fn raw_chunked_request(send: Request) -> Vec<u8> {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let reader = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut raw = Vec::new();
        let mut buf = [0u8; 4096];
        while !raw.ends_with(b"\r\n0\r\n\r\n") {
            let n = s.read(&mut buf).unwrap_or(0);
            if n == 0 {
                break;
            }
            raw.extend_from_slice(&buf[..n]);
        }
        let _ = s.write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
        raw
    });
    rt().block_on(async {
        let mut remote = Remote::new(
            &format!("http://127.0.0.1:{port}/beta"),
            Duration::from_secs(5),
        );
        remote.retries = 0;
        assert_eq!(remote.send(&send).await.unwrap().status, 204);
    });
    reader.join().unwrap()
}

#[test]
fn h4_b_a_chunked_body_goes_in_up_to_three_chunks_of_unknown_length() {
    let s = seeded(SEED, &Profile::graph());
    let id = s.entities().next().unwrap().0.clone();
    let body = format!(r#"{{"failureReason":"{}"}}"#, "y".repeat(200));
    let chunked = patch(&s, &id, body.clone()).header("Transfer-Encoding", "chunked");
    let raw = String::from_utf8(raw_chunked_request(chunked)).unwrap();
    let (head, framed) = raw.split_once("\r\n\r\n").unwrap();
    let head = head.to_ascii_lowercase();
    assert!(head.contains("transfer-encoding: chunked"), "{head}");
    assert!(!head.contains("content-length"), "{head}");
    // the chunks: hex size line, data, CRLF; then the empty last chunk
    let (mut rest, mut data, mut sizes) = (framed, String::new(), Vec::new());
    loop {
        let (size, after) = rest.split_once("\r\n").unwrap();
        let n = usize::from_str_radix(size, 16).unwrap();
        if n == 0 {
            break;
        }
        sizes.push(n);
        data.push_str(&after[..n]);
        rest = &after[n + 2..];
    }
    assert_eq!(data, body);
    assert!((2..=3).contains(&sizes.len()), "chunks {sizes:?}");
    // an empty chunked body is the last chunk alone (B1.a)
    let empty = patch(&s, &id, String::new()).header("Transfer-Encoding", "chunked");
    let raw = String::from_utf8(raw_chunked_request(empty)).unwrap();
    assert!(raw.ends_with("\r\n\r\n0\r\n\r\n"), "{raw:?}");
    assert!(
        !raw.to_ascii_lowercase().contains("content-length"),
        "{raw}"
    );
}

#[test]
fn h4_b_bodies_over_the_limit_get_413_in_either_framing_without_being_read_whole() {
    let profile = Profile {
        max_body_bytes: 1024,
        ..Profile::graph()
    };
    rt().block_on(async {
        let (ep, remote) = start(&profile).await;
        let s = ep.responder().snapshot();
        let id = s.entities().next().unwrap().0.clone();
        let sized = |n: usize| {
            let text = "x".repeat(n - r#"{"failureReason":""}"#.len());
            format!(r#"{{"failureReason":"{text}"}}"#)
        };
        for chunked in [false, true] {
            let send = |body: String| {
                let r = patch(&s, &id, body);
                if chunked {
                    r.header("Transfer-Encoding", "chunked")
                } else {
                    r
                }
            };
            let big = remote.send(&send(sized(1_000_000))).await.unwrap();
            assert_eq!(big.status, 413, "chunked {chunked}");
            let over = remote.send(&send(sized(1025))).await.unwrap();
            assert_eq!(over.status, 413, "chunked {chunked}");
            let exact = remote.send(&send(sized(1024))).await.unwrap();
            assert_eq!(exact.status, 200, "chunked {chunked}: {exact:?}");
            let empty = remote.send(&send(String::new())).await.unwrap();
            assert_eq!(empty.status, 400, "chunked {chunked}");
        }
    });
}

// ---- contract 1.2 (issue 29) ----

#[test]
fn h2_e_serve_sends_www_authenticate_bearer_on_every_401() {
    rt().block_on(async {
        let (ep, remote) = start(&Profile::graph()).await;
        let s = ep.responder().snapshot();
        let id = s.entities().next().unwrap().0.clone();
        let mut req = patch(&s, &id, r#"{"failureReason":"x"}"#.into());
        req.headers.retain(|(k, _)| k != "Authorization");
        for auth in [None, Some("Basic eDp5"), Some("Bearer nope")] {
            let r = match auth {
                Some(a) => req.clone().header("Authorization", a),
                None => req.clone(),
            };
            let resp = remote.send(&r).await.unwrap();
            assert_eq!(resp.status, 401, "{auth:?}");
            assert!(
                tpr_harness::model::invariants::h2_e_www_authenticate(resp.status, &resp.headers)
                    .is_ok(),
                "{auth:?}: {:?}",
                resp.headers
            );
        }
        // GET too
        let mut get = req.clone();
        get.method = "GET".into();
        get.body.clear();
        let resp = remote.send(&get).await.unwrap();
        assert_eq!(resp.status, 401);
        assert!(
            resp.header("www-authenticate")
                .unwrap()
                .starts_with("Bearer")
        );
    });
}

#[test]
fn h2_c_h3_c_serve_reads_every_duplicate_header_in_either_order() {
    rt().block_on(async {
        let (ep, remote) = start(&Profile::graph()).await;
        let s = ep.responder().snapshot();
        let id = s.entities().next().unwrap().0.clone();
        let base = patch(&s, &id, r#"{"failureReason":"twice"}"#.into());
        for (name, wrong, status) in [
            ("Authorization", "Bearer nope", 401),
            ("Content-Type", "text/plain", 415),
        ] {
            let right = base.header_values(name).next().unwrap().to_string();
            for (first, second) in [(&right[..], wrong), (wrong, &right[..])] {
                let mut r = base.clone();
                r.headers.retain(|(k, _)| k != name);
                r.headers.push((name.into(), first.into()));
                r.headers.push((name.into(), second.into()));
                assert_eq!(
                    remote.send(&r).await.unwrap().status,
                    status,
                    "{name}: {first}, {second}"
                );
            }
        }
        assert_eq!(ep.responder().snapshot(), s, "nothing changed");
    });
}

#[test]
fn h6_a_serve_decodes_upper_case_and_x_gzip_codings_and_several_members() {
    rt().block_on(async {
        let (ep, remote) = start(&Profile::graph()).await;
        let s = ep.responder().snapshot();
        let id = s.entities().next().unwrap().0.clone();
        for (coding, parts) in [
            ("GZIP", &[&br#"{"failureReason":"upper"}"#[..]][..]),
            ("x-gzip", &[br#"{"failureReason":"alias"}"#]),
            ("gzip", &[br#"{"failureReason""#, br#":"two members"}"#]),
        ] {
            let mut r = patch(&s, &id, String::new()).header("Content-Encoding", coding);
            r.body = parts
                .iter()
                .flat_map(|p| tpr_harness::generate::defect::gzip(p))
                .collect();
            let resp = remote.send(&r).await.unwrap();
            assert_eq!(
                resp.status,
                200,
                "{coding}: {}",
                String::from_utf8_lossy(&resp.body)
            );
            let want = String::from_utf8(parts.concat()).unwrap();
            let v: serde_json::Value = serde_json::from_slice(&resp.body).unwrap();
            let sent: serde_json::Value = serde_json::from_str(&want).unwrap();
            assert_eq!(v["failureReason"], sent["failureReason"], "{coding}");
        }
        // bytes after the last member that are no member: 400
        let mut r = patch(&s, &id, String::new()).header("Content-Encoding", "gzip");
        r.body = tpr_harness::generate::defect::gzip(br#"{"failureReason":"then garbage"}"#);
        r.body.extend_from_slice(b"garbage");
        assert_eq!(remote.send(&r).await.unwrap().status, 400);
    });
}

#[test]
fn h6_d_serve_answers_a_gibibyte_bomb_413_as_quickly_as_one_just_over_the_limit() {
    use std::time::Instant;
    rt().block_on(async {
        let profile = Profile::graph();
        let (ep, remote) = start(&profile).await;
        let s = ep.responder().snapshot();
        let id = s.entities().next().unwrap().0.clone();
        let mut huge = patch(&s, &id, String::new()).header("Content-Encoding", "gzip");
        huge.body = tpr_harness::generate::defect::huge_gzip_bomb().to_vec();
        let mut small = huge.clone();
        small.body = tpr_harness::generate::defect::gzip_bomb(profile.max_body_bytes + 1);
        let mut best = [Duration::MAX; 2];
        for _ in 0..3 {
            for (i, r) in [&small, &huge].into_iter().enumerate() {
                let started = Instant::now();
                let resp = remote.send(r).await.unwrap();
                best[i] = best[i].min(started.elapsed());
                assert_eq!(resp.status, 413);
            }
        }
        // the 1 MiB on the wire costs a little more to receive than 4 KB; inflating stops at
        // the limit + 1 byte for both
        assert!(
            best[1] < best[0] * 4 + Duration::from_millis(50),
            "1 GiB bomb {:?}, one just over the limit {:?}",
            best[1],
            best[0]
        );
    });
}

#[test]
fn e2_serve_request_ids_are_fresh_across_requests_and_instances() {
    rt().block_on(async {
        let mut ids = tpr_harness::model::invariants::RequestIds::new();
        for _ in 0..2 {
            let (ep, remote) = start(&Profile::graph()).await;
            let s = ep.responder().snapshot();
            let id = s.entities().next().unwrap().0.clone();
            let ok = patch(&s, &id, r#"{"failureReason":"x"}"#.into());
            let mut bad = ok.clone();
            bad.method = "DELETE".into();
            for r in [&ok, &bad].into_iter().cycle().take(100) {
                let resp = remote.send(r).await.unwrap();
                ids.observe(&resp.headers).unwrap();
                if resp.status >= 400 {
                    // the error body names the same id as the header
                    let v: serde_json::Value = serde_json::from_slice(&resp.body).unwrap();
                    assert_eq!(
                        v["error"]["innerError"]["request-id"].as_str(),
                        resp.header("request-id")
                    );
                }
            }
        }
        assert_eq!(ids.len(), 200);
    });
}
