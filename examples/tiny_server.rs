//! A tiny hand-written implementation of Update taskProcessingResult (hyper, in memory), and the
//! ten lines that check it with tpr-harness. Run it: `cargo run --example tiny_server`.
//!
//! The implementation is plausible but naive, as first versions are: it checks the token, the
//! media type and JSON, and merges known properties, but treats `processingStatus` as an open
//! string and knows nothing of the via-task route. `check` reports what that breaks, rule by rule.

#![allow(clippy::print_stdout)]

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tpr_harness::contract::profile::Profile;
use tpr_harness::model::fixture::Fixture;
use tpr_harness::model::store::{Store, Tokens};
use tpr_harness::run::{Config, Runner};
use tpr_harness::sut::http::Remote;

type Db = Arc<Mutex<HashMap<String, Map<String, Value>>>>;

fn json(status: u16, v: Value) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header("Content-Type", "application/json")
        .body(Full::new(Bytes::from(v.to_string())))
        .unwrap()
}

fn error(status: u16, code: &str) -> Response<Full<Bytes>> {
    json(
        status,
        serde_json::json!({"error": {"code": code, "message": code}}),
    )
}

/// The naive implementation: the last path segment is the id.
async fn handle(
    db: Db,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, std::convert::Infallible> {
    if req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        != Some("Bearer secret")
    {
        return Ok(error(401, "InvalidAuthenticationToken"));
    }
    let id = req
        .uri()
        .path()
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let method = req.method().clone();
    let is_json = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let mut db = db.lock().unwrap();
    let Some(entity) = db.get_mut(&id) else {
        return Ok(error(404, "ResourceNotFound"));
    };
    match method.as_str() {
        "GET" => Ok(json(200, Value::Object(entity.clone()))),
        "PATCH" => {
            if !is_json {
                return Ok(error(415, "UnsupportedMediaType"));
            }
            let Ok(Value::Object(patch)) = serde_json::from_slice::<Value>(&body) else {
                return Ok(error(400, "BadRequest"));
            };
            for (k, v) in &patch {
                let known = [
                    "completedDateTime",
                    "createdDateTime",
                    "failureReason",
                    "processingStatus",
                    "startedDateTime",
                ];
                if !known.contains(&k.as_str()) && !k.contains('@') {
                    return Ok(error(400, "BadRequest"));
                }
                if k == "createdDateTime" && v.is_null() {
                    return Ok(error(400, "BadRequest"));
                }
            }
            for (k, v) in patch.into_iter().filter(|(k, _)| !k.contains('@')) {
                entity.insert(k, v);
            }
            Ok(json(200, Value::Object(entity.clone())))
        }
        _ => Ok(error(405, "MethodNotAllowed")),
    }
}

async fn start_tiny_server(fixture: &Fixture) -> String {
    let mut db = HashMap::new();
    let Value::Object(all) = fixture.to_value() else {
        unreachable!()
    };
    for w in all["workflows"].as_array().unwrap() {
        for r in w["runs"].as_array().unwrap() {
            for u in r["userProcessingResults"].as_array().unwrap() {
                for t in u["taskProcessingResults"].as_array().unwrap() {
                    let mut t = t.as_object().unwrap().clone();
                    t.remove("taskId");
                    t.insert(
                        "@odata.type".into(),
                        tpr_harness::contract::spec::ODATA_TYPE.into(),
                    );
                    db.insert(t["id"].as_str().unwrap().to_string(), t);
                }
            }
        }
    }
    let db: Db = Arc::new(Mutex::new(db));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let db = db.clone();
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req| handle(db.clone(), req));
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    format!("http://{addr}/beta")
}

#[tokio::main]
async fn main() {
    // The ten lines a Rust implementer writes in their own test:
    // one seed for the fixture and the run, so a finding's `case:` line regenerates its case
    let (seed, profile) = (1, Profile::graph());
    let fixture = Fixture::generate(seed, &profile);
    let base_url = start_tiny_server(&fixture).await;
    let store = Store::new(&fixture, Tokens::new("secret", None));
    let remote = Remote::new(&base_url, Duration::from_secs(5));
    let report = Runner::new(
        &remote,
        store,
        Config {
            profile,
            seed,
            ..Config::default()
        },
    )
    .run()
    .await
    .expect("reachable");
    print!("{}", tpr_harness::report::console(&report));
    if let Ok(path) = std::env::var("TPR_REPORT_JSON") {
        let _ = std::fs::write(path, tpr_harness::report::json(&report));
    }
    // in a test: assert!(report.findings.is_empty(), "{}", tpr_harness::report::console(&report));
}
