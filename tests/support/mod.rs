//! Shared test fixtures: a small hand-written store and request builders.

#![allow(dead_code)]

pub mod clause;
pub mod server;

use tpr_harness::contract::path::{PathStyle, Route};
use tpr_harness::contract::profile::Profile;
use tpr_harness::contract::spec::Request;
use tpr_harness::model::fixture::Fixture;
use tpr_harness::model::store::{Store, Tokens};
use tpr_harness::model::{self, Outcome};

/// Where proptest persists failures of integration properties: under `proptest-regressions/tests/`.
#[macro_export]
macro_rules! persist {
    ($name:literal) => {
        proptest::test_runner::FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/proptest-regressions/tests/",
            $name,
            ".txt"
        ))
    };
}

/// The runtime every async test uses: two workers, like the CI machine's two cores.
#[cfg(feature = "remote")]
pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// The `tpr-harness` binary, for tests of the command line.
#[cfg(feature = "cli")]
pub fn bin() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_tpr-harness"))
}

/// A path for a temporary file `name`, in a folder of this test process's own.
pub fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tpr-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

pub const WRITE: &str = "write-token";
pub const READ: &str = "read-token";

/// w1 has tasks k1, k2; runs r1 (u1: t1/k1, t2/k2) and r2 (u2: t3/k1, t4/k2); w2 has r9/u9/t9 (task k1 of w2).
pub fn fixture_json() -> serde_json::Value {
    let t = |id: &str, task: &str, status: &str| {
        serde_json::json!({
        "id": id, "taskId": task, "createdDateTime": "2026-01-05T08:00:00Z", "processingStatus": status,
        "startedDateTime": null, "completedDateTime": null, "failureReason": null})
    };
    serde_json::json!({"workflows": [
        {"id": "w1", "tasks": [{"id": "k1"}, {"id": "k2"}], "runs": [
            {"id": "r1", "userProcessingResults": [{"id": "u1", "taskProcessingResults": [t("t1", "k1", "queued"), t("t2", "k2", "inProgress")]}]},
            {"id": "r2", "userProcessingResults": [{"id": "u2", "taskProcessingResults": [t("t3", "k1", "quarantined"), t("t4", "k2", "failed")]}]}]},
        {"id": "w2", "tasks": [{"id": "k1"}], "runs": [
            {"id": "r9", "userProcessingResults": [{"id": "u9", "taskProcessingResults": [t("t9", "k1", "completed")]}]}]}]})
}

/// The custom profile the repository ships (`profiles/lenient.toml`): every knob value no
/// built-in profile uses, `odata-abnf` (T1.f) among them.
pub fn lenient() -> Profile {
    Profile::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/profiles/lenient.toml"
    )))
    .expect("profiles/lenient.toml is a valid profile")
}

/// Every built-in profile and the shipped custom one.
pub fn all_profiles() -> Vec<Profile> {
    vec![
        Profile::graph(),
        Profile::strict(),
        Profile::graph_live(),
        lenient(),
    ]
}

/// A store over the generated fixture of `seed` under `profile`, answering to the `write`
/// token and the read-only `read` token, if any (one definition for every test file).
pub fn generated_store(seed: u64, profile: &Profile, write: &str, read: Option<&str>) -> Store {
    Store::new(&Fixture::generate(seed, profile), Tokens::new(write, read))
}

/// The store most tests run against: the generated fixture of `seed` under `profile`, with the
/// write token [`WRITE`] and the read-only token [`READ`].
pub fn seeded(seed: u64, profile: &Profile) -> Store {
    generated_store(seed, profile, WRITE, Some(READ))
}

/// The hand-written fixture ([`fixture_json`]) under `profile` (a member after the sentinel
/// replaced when the profile has none), with the tokens [`WRITE`] and [`READ`].
pub fn store_for(profile: &Profile) -> Store {
    let mut v = fixture_json();
    if profile.members_after_sentinel.is_empty() {
        v["workflows"][0]["runs"][1]["userProcessingResults"][0]["taskProcessingResults"][0]["processingStatus"] =
            "canceled".into();
    }
    let f = Fixture::from_value(&v, profile).expect("test fixture is valid");
    Store::new(&f, Tokens::new(WRITE, Some(READ)))
}

pub fn store() -> Store {
    store_for(&Profile::graph())
}

pub fn path_to(t: &str) -> String {
    let (r, u) = match t {
        "t1" | "t2" => ("r1", "u1"),
        "t3" | "t4" => ("r2", "u2"),
        _ => ("r9", "u9"),
    };
    let w = if t == "t9" { "w2" } else { "w1" };
    Route::direct(w, r, u, t).to_path(&PathStyle::default())
}

pub fn patch(t: &str, body: &str) -> Request {
    Request::new("PATCH", &path_to(t))
        .header("Authorization", &format!("Bearer {WRITE}"))
        .header("Content-Type", "application/json")
        .body(body)
}

pub fn get(t: &str) -> Request {
    Request::new("GET", &path_to(t)).header("Authorization", &format!("Bearer {WRITE}"))
}

/// Applies and also checks every invariant of the step.
pub fn run(store: &mut Store, req: &Request, profile: &Profile) -> Outcome {
    let before = store.clone();
    let out = model::apply(store, req, profile);
    if let Err(v) = tpr_harness::model::invariants::all(&before, req, &out, store, profile) {
        panic!("invariant broken by {req:?}: {v}");
    }
    out
}

/// The status list of one request on a fresh store.
pub fn statuses(req: &Request, profile: &Profile) -> Vec<u16> {
    run(&mut store_for(profile), req, profile).statuses()
}

/// The representation a GET returns, as JSON.
pub fn read(store: &mut Store, t: &str, profile: &Profile) -> serde_json::Value {
    let out = model::apply(store, &get(t), profile);
    out.answers[0].json().expect("GET answers 200")
}

/// A child process killed when dropped.
pub struct Running(pub std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A port free on the loopback interface now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the binary with `args` (`serve …`) on `port` in `dir`, and returns it once it says it
/// is ready, with the lines it printed until then.
pub fn serve_bin(args: &[String], port: u16, dir: &std::path::Path) -> (Running, Vec<String>) {
    use std::io::{BufRead, BufReader};
    let mut child = bin()
        .args(args)
        .args(["--port", &port.to_string()])
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let running = Running(child);
    let mut lines = Vec::new();
    for line in BufReader::new(out).lines() {
        let line = line.unwrap();
        let done = line.starts_with("press Ctrl-C");
        lines.push(line);
        if done {
            return (running, lines);
        }
    }
    panic!("serve ended before it was ready: {lines:?}");
}
