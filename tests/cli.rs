//! The command line end to end (the real binary): exit codes, reports, clear errors, and the
//! runner against hostile servers (garbage, huge bodies, slow answers, resets).

use crate::support::{bin, tmp};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

#[test]
fn check_on_the_embedded_endpoint_exits_0_and_writes_json_and_junit_reports() {
    let (json, junit) = (tmp("r.json"), tmp("j.xml"));
    let out = bin()
        .args([
            "check",
            "--quiet",
            "--cases",
            "60",
            "--sequences",
            "3",
            "--report-json",
        ])
        .arg(&json)
        .arg("--junit")
        .arg(&junit)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    for k in [
        "seed",
        "profile",
        "base_url",
        "cases",
        "requests",
        "duration_ms",
        "findings",
        "coverage",
    ] {
        assert!(report.get(k).is_some(), "report lacks {k}");
    }
    assert_eq!(report["findings"].as_array().unwrap().len(), 0);
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(
        xml.matches("<testcase").count(),
        tpr_harness::contract::clause::all().len(),
        "one test case per clause"
    );
    assert!(!xml.contains("<failure"));
}

#[test]
fn usage_and_configuration_errors_exit_2_with_a_message_naming_the_problem() {
    let cases: [(&[&str], &str); 4] = [
        (
            &[
                "check",
                "--base-url",
                "http://127.0.0.1:9/beta",
                "--token",
                "t",
            ],
            "--fixtures",
        ),
        (&["check", "--profile", "nonsense"], "nonsense"),
        (&["explain", "B99"], "B99"),
        (&["serve", "--token", "t", "--faults", "2"], "--faults"),
    ];
    for (args, needle) in cases {
        let out = bin().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn an_unreachable_implementation_is_a_connection_error_exit_2() {
    let fixtures = tmp("fx.json");
    assert!(
        bin()
            .args(["fixtures", "--out"])
            .arg(&fixtures)
            .status()
            .unwrap()
            .success()
    );
    // a port nothing listens on: bind, note the port, close
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = bin()
        .args([
            "check",
            "--quiet",
            "--token",
            "t",
            "--timeout-ms",
            "2000",
            "--base-url",
            &format!("http://127.0.0.1:{port}/beta"),
            "--fixtures",
        ])
        .arg(&fixtures)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot connect"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A server that answers every connection with `reply` (after `delay`), for `n` connections.
fn hostile(reply: &'static [u8], delay: Duration) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in l.incoming().take(5000) {
            let Ok(mut s) = stream else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
                let _ = s.read(&mut buf);
                std::thread::sleep(delay);
                let _ = s.write_all(reply);
            });
        }
    });
    port
}

#[test]
fn e3_hostile_servers_end_in_a_clear_error_within_the_timeout_never_a_hang_or_panic() {
    // each answers every request (the preflight GET included) in its own broken way: the run
    // ends at the preflight with exit 2 and a message naming what happened, within a few
    // timeouts. (Hostile answers mid-run, with the default budget and shrinking on, are in
    // tests/hostile.rs.)
    let fixtures = tmp("fx2.json");
    assert!(
        bin()
            .args(["fixtures", "--out"])
            .arg(&fixtures)
            .status()
            .unwrap()
            .success()
    );
    let huge: &'static [u8] = Box::leak(
        format!(
            "HTTP/1.1 200 OK\r\nContent-Length: 50000000\r\n\r\n{}",
            "x".repeat(100_000)
        )
        .into_bytes()
        .into_boxed_slice(),
    );
    let servers: [(&str, &'static [u8], Duration, &str); 4] = [
        (
            "garbage",
            b"\x00\x01 this is not HTTP\r\n\r\n",
            Duration::ZERO,
            "broken answer",
        ),
        ("reset", b"", Duration::ZERO, "broken answer"),
        ("huge", huge, Duration::ZERO, "broken answer"),
        (
            "slow",
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}",
            Duration::from_secs(3),
            "no answer",
        ),
    ];
    for (name, reply, delay, says) in servers {
        let port = hostile(reply, delay);
        let started = Instant::now();
        let out = bin()
            .args(["check", "--quiet", "--token", "t", "--timeout-ms", "1000"])
            .args([
                "--base-url",
                &format!("http://127.0.0.1:{port}/beta"),
                "--fixtures",
            ])
            .arg(&fixtures)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(says), "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{name} took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn f2_a_refused_token_is_exit_2_with_what_to_fix() {
    // the embedded endpoint via `serve`, checked with the wrong token
    let fixtures = tmp("fx3.json");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut serve = bin()
        .args([
            "serve",
            "--token",
            "right",
            "--port",
            &port.to_string(),
            "--write-fixtures",
        ])
        .arg(&fixtures)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = bin()
        .args(["check", "--quiet", "--token", "wrong"])
        .args([
            "--base-url",
            &format!("http://127.0.0.1:{port}/beta"),
            "--fixtures",
        ])
        .arg(&fixtures)
        .output()
        .unwrap();
    let _ = serve.kill();
    let _ = serve.wait();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("refuses the write token") && err.contains("--token"),
        "{err}"
    );
}

#[test]
fn model_subcommand_prints_the_answer_to_a_request_file() {
    let req = tmp("req.json");
    let path = "/identityGovernance/lifecycleWorkflows/deletedItems/workflows/w/runs/r/userProcessingResults/u/taskProcessingResults/t";
    std::fs::write(&req, serde_json::json!({"method": "DELETE", "path": path, "headers": [["Authorization", "Bearer tpr-write-token"]], "body": ""}).to_string()).unwrap();
    let out = bin()
        .args(["model", "--request"])
        .arg(&req)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["statuses"], serde_json::json!([405]));
    assert_eq!(v["rules"], serde_json::json!(["H1"]));
}

#[test]
fn cases_subcommand_writes_deterministic_json_lines() {
    let run = || {
        bin()
            .args([
                "cases",
                "--count",
                "25",
                "--seed",
                "9",
                "--kind",
                "malformed",
            ])
            .output()
            .unwrap()
            .stdout
    };
    let (a, b) = (run(), run());
    assert_eq!(a, b);
    let lines: Vec<serde_json::Value> = String::from_utf8(a)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 25);
    assert!(lines.iter().all(
        |c| !c["defects"].as_array().unwrap().is_empty() && c["demand"]["statuses"].is_array()
    ));
}

#[test]
fn replay_says_fixed_or_still_failing_per_finding() {
    // a report with one finding whose expectation the embedded endpoint meets: FIXED, exit 0
    let report = tmp("replay.json");
    let check = bin()
        .args([
            "check",
            "--quiet",
            "--cases",
            "5",
            "--sequences",
            "1",
            "--report-json",
        ])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0));
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let port = hostile(
        b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n",
        Duration::ZERO,
    );
    let path = "/identityGovernance/lifecycleWorkflows/deletedItems/workflows/w/runs/r/userProcessingResults/u/taskProcessingResults/t";
    v["findings"] = serde_json::json!([{
        "rule": "E3", "title": "E3", "message": "5xx", "phase": "random", "seed": 1, "case_index": 0, "defects": [],
        "request": {"method": "GET", "path": path, "headers": [["Authorization", "Bearer $TPR_TOKEN"]], "body": ""},
        "expected": {"statuses": [404], "body": null, "rules": ["S1"]}, "actual": null, "curl": "", "rust_test": ""
    }]);
    v["base_url"] = format!("http://127.0.0.1:{port}/beta").into();
    std::fs::write(&report, v.to_string()).unwrap();
    // against a server that still answers 500: STILL FAILING, exit 1
    let out = bin().args(["replay"]).arg(&report).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("STILL FAILING") && text.contains("1 finding(s): 0 fixed, 1 still failing"),
        "{text}"
    );
    // against one that answers 404 with the error envelope, as the finding expects: FIXED, exit 0
    let envelope = br#"{"error":{"code":"NotFound","message":"no such taskProcessingResult"}}"#;
    let answer: &'static [u8] = format!(
        "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
        envelope.len(),
        String::from_utf8_lossy(envelope)
    )
    .into_bytes()
    .leak();
    let fixed = hostile(answer, Duration::ZERO);
    let out = bin()
        .args(["replay"])
        .arg(&report)
        .args(["--base-url", &format!("http://127.0.0.1:{fixed}/beta")])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.starts_with("FIXED  E3  GET ")
            && text.contains("1 finding(s): 1 fixed, 0 still failing"),
        "{text}"
    );
}

#[test]
fn explain_and_profile_print_what_a_user_needs() {
    let out = bin().args(["explain", "b6"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("B6") && text.contains("sentinel_in_patch") && text.contains("[seed]"),
        "{text}"
    );
    let out = bin().args(["explain", "r3.c"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("R3.c") && text.contains("percent-decoded"),
        "{text}"
    );
    let out = bin().args(["explain", "R3"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("R3.d"));
    let out = bin().args(["profile", "strict"]).output().unwrap();
    let toml = String::from_utf8_lossy(&out.stdout);
    let p = tpr_harness::contract::profile::Profile::from_toml_str(&toml).unwrap();
    assert_eq!(p, tpr_harness::contract::profile::Profile::strict());
    let out = bin()
        .args(["openapi", "--profile", "graph-live"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
}

/// One name for the lanes: `--lanes` (the report's `lanes`); `--jobs`, the first version's name,
/// is its alias, and a report written then (`"jobs"`) still reads.
#[test]
fn lanes_are_set_by_lanes_or_its_old_name_jobs_and_old_reports_still_read() {
    for flag in ["--lanes", "--jobs"] {
        let json = tmp(&format!("lanes{flag}.json"));
        let out = bin()
            .args([
                "check",
                "--quiet",
                "--cases",
                "20",
                "--sequences",
                "1",
                flag,
                "2",
            ])
            .arg("--report-json")
            .arg(&json)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{flag}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        assert_eq!(report["lanes"], 2, "{flag}: {report}");
        let mut old = report.clone();
        let lanes = old.as_object_mut().unwrap().remove("lanes").unwrap();
        old["jobs"] = lanes;
        let read: tpr_harness::run::Report = serde_json::from_value(old).unwrap();
        assert_eq!(read.lanes, 2);
    }
}
