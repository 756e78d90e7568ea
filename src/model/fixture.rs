//! Fixtures (F1/F2): the store a run starts from, as a JSON file; validate, load, generate, write.
//!
//! The shape is CONTRACT.md's F1. Every workflow is a deleted workflow; ids are unique within
//! their collection and a taskProcessingResult id is unique in the whole file; each result names
//! a task of its workflow. Timestamps must be valid under the `graph` grammar (the narrowest one,
//! so every implementation under test can store them) and statuses members of the profile's enum.
//!
//! ```
//! use tpr_harness::model::fixture::Fixture;
//! use tpr_harness::contract::profile::Profile;
//! let f = Fixture::generate(7, &Profile::graph());
//! let text = f.to_json_string();
//! assert_eq!(Fixture::from_json_str(&text, &Profile::graph()).unwrap(), f);
//! let err = Fixture::from_json_str(r#"{"workflows":[{"id":""}]}"#, &Profile::graph()).unwrap_err();
//! assert!(err.to_string().contains("$.workflows[0].id"));
//! ```

use crate::contract::profile::Profile;
use crate::contract::spec::{ProcessingStatus, TaskProcessingResult};
use crate::contract::timestamp::{Grammar, Timestamp};
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// Workflows in a fixture the command line generates (`fixtures`, `check` without a file).
pub const DEFAULT_WORKFLOWS: usize = 8;

/// A loaded, valid fixture: the tree of F1 with typed results.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fixture {
    /// Deleted workflows.
    pub workflows: Vec<Workflow>,
}

/// A deleted workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workflow {
    /// Its id.
    pub id: String,
    /// Its task ids.
    pub tasks: Vec<String>,
    /// Its runs.
    pub runs: Vec<Run>,
}

/// A run of a workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// Its id.
    pub id: String,
    /// Its user processing results.
    pub user_results: Vec<UserResult>,
}

/// A user processing result of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserResult {
    /// Its id.
    pub id: String,
    /// Its task processing results, each with the id of its task.
    pub results: Vec<(String, TaskProcessingResult)>,
}

/// A malformed fixture: the JSON path of the first problem and what it is (F1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid fixture at {path}: {message}")]
pub struct FixtureError {
    /// JSON path, e.g. `$.workflows[0].runs[1].id`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

struct Walker<'p> {
    profile: &'p Profile,
    result_ids: BTreeSet<String>,
}

fn ferr(path: &str, message: impl Into<String>) -> FixtureError {
    FixtureError {
        path: path.to_string(),
        message: message.into(),
    }
}

fn object<'a>(
    v: &'a Value,
    path: &str,
    keys: &[&str],
) -> Result<&'a Map<String, Value>, FixtureError> {
    let m = v
        .as_object()
        .ok_or_else(|| ferr(path, "expected an object"))?;
    if let Some(k) = m.keys().find(|k| !keys.contains(&k.as_str())) {
        return Err(ferr(
            &format!("{path}.{k}"),
            format!("unknown member, expected one of {}", keys.join(", ")),
        ));
    }
    Ok(m)
}

fn array<'a>(
    m: &'a Map<String, Value>,
    path: &str,
    key: &str,
) -> Result<&'a [Value], FixtureError> {
    let p = format!("{path}.{key}");
    match m.get(key) {
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(ferr(&p, "expected an array")),
        None => Err(ferr(&p, "missing")),
    }
}

fn string(m: &Map<String, Value>, path: &str, key: &str) -> Result<String, FixtureError> {
    let p = format!("{path}.{key}");
    match m.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::String(_)) => Err(ferr(&p, "must not be empty")),
        Some(_) => Err(ferr(&p, "expected a string")),
        None => Err(ferr(&p, "missing")),
    }
}

fn unique(ids: &mut BTreeSet<String>, id: &str, path: &str) -> Result<(), FixtureError> {
    if ids.insert(id.to_string()) {
        Ok(())
    } else {
        Err(ferr(path, format!("duplicate id `{id}`")))
    }
}

impl Walker<'_> {
    fn timestamp(
        &self,
        m: &Map<String, Value>,
        path: &str,
        key: &str,
        nullable: bool,
    ) -> Result<Option<Timestamp>, FixtureError> {
        let p = format!("{path}.{key}");
        match m.get(key) {
            None => Err(ferr(&p, "missing (write null when unset)")),
            Some(Value::Null) if nullable => Ok(None),
            Some(Value::Null) => Err(ferr(&p, "required, must not be null")),
            Some(Value::String(s)) => Timestamp::parse(s, Grammar::Graph)
                .map(Some)
                .map_err(|e| ferr(&p, e.to_string())),
            Some(_) => Err(ferr(&p, "expected a timestamp string")),
        }
    }

    fn result(
        &mut self,
        v: &Value,
        path: &str,
        tasks: &[String],
    ) -> Result<(String, TaskProcessingResult), FixtureError> {
        let m = object(
            v,
            path,
            &[
                "id",
                "taskId",
                "createdDateTime",
                "processingStatus",
                "startedDateTime",
                "completedDateTime",
                "failureReason",
            ],
        )?;
        let id = string(m, path, "id")?;
        if !self.result_ids.insert(id.clone()) {
            return Err(ferr(
                &format!("{path}.id"),
                format!("taskProcessingResult id `{id}` is not unique in the file"),
            ));
        }
        let task = string(m, path, "taskId")?;
        if !tasks.contains(&task) {
            return Err(ferr(
                &format!("{path}.taskId"),
                format!("`{task}` is not a task of this workflow"),
            ));
        }
        let sp = format!("{path}.processingStatus");
        let status = match m.get("processingStatus") {
            Some(Value::String(s)) => ProcessingStatus::from_name(s)
                .filter(|s| self.profile.has_member(*s))
                .ok_or_else(|| {
                    ferr(
                        &sp,
                        format!(
                            "`{s}` is not a member of the enum under profile {}",
                            self.profile.name
                        ),
                    )
                })?,
            Some(_) => return Err(ferr(&sp, "expected a string")),
            None => return Err(ferr(&sp, "missing")),
        };
        let fp = format!("{path}.failureReason");
        let failure_reason = match m.get("failureReason") {
            Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(ferr(&fp, "expected a string or null")),
            None => return Err(ferr(&fp, "missing (write null when unset)")),
        };
        let created = self
            .timestamp(m, path, "createdDateTime", false)?
            .ok_or_else(|| ferr(path, "createdDateTime is required"))?;
        Ok((
            task,
            TaskProcessingResult {
                id,
                created,
                status,
                started: self.timestamp(m, path, "startedDateTime", true)?,
                completed: self.timestamp(m, path, "completedDateTime", true)?,
                failure_reason,
            },
        ))
    }
}

impl Fixture {
    /// Validates and loads a fixture from JSON text under `profile`.
    pub fn from_json_str(text: &str, profile: &Profile) -> Result<Fixture, FixtureError> {
        let v: Value =
            serde_json::from_str(text).map_err(|e| ferr("$", format!("not JSON: {e}")))?;
        Fixture::from_value(&v, profile)
    }

    /// Reads and validates a fixture file.
    pub fn load(path: &std::path::Path, profile: &Profile) -> Result<Fixture, FixtureError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ferr("$", format!("cannot read {}: {e}", path.display())))?;
        Fixture::from_json_str(&text, profile)
    }

    /// Validates and loads a fixture from a JSON value.
    pub fn from_value(v: &Value, profile: &Profile) -> Result<Fixture, FixtureError> {
        let mut w = Walker {
            profile,
            result_ids: BTreeSet::new(),
        };
        let top = object(v, "$", &["workflows"])?;
        let mut workflows = Vec::new();
        let mut wids = BTreeSet::new();
        for (i, wv) in array(top, "$", "workflows")?.iter().enumerate() {
            let wp = format!("$.workflows[{i}]");
            let wm = object(wv, &wp, &["id", "tasks", "runs"])?;
            let id = string(wm, &wp, "id")?;
            unique(&mut wids, &id, &format!("{wp}.id"))?;
            let mut tasks = Vec::new();
            let mut tids = BTreeSet::new();
            for (j, tv) in array(wm, &wp, "tasks")?.iter().enumerate() {
                let tp = format!("{wp}.tasks[{j}]");
                let tid = string(object(tv, &tp, &["id"])?, &tp, "id")?;
                unique(&mut tids, &tid, &format!("{tp}.id"))?;
                tasks.push(tid);
            }
            let mut runs = Vec::new();
            let mut rids = BTreeSet::new();
            for (j, rv) in array(wm, &wp, "runs")?.iter().enumerate() {
                let rp = format!("{wp}.runs[{j}]");
                let rm = object(rv, &rp, &["id", "userProcessingResults"])?;
                let rid = string(rm, &rp, "id")?;
                unique(&mut rids, &rid, &format!("{rp}.id"))?;
                let mut user_results = Vec::new();
                let mut uids = BTreeSet::new();
                for (k, uv) in array(rm, &rp, "userProcessingResults")?.iter().enumerate() {
                    let up = format!("{rp}.userProcessingResults[{k}]");
                    let um = object(uv, &up, &["id", "taskProcessingResults"])?;
                    let uid = string(um, &up, "id")?;
                    unique(&mut uids, &uid, &format!("{up}.id"))?;
                    let mut results = Vec::new();
                    for (l, tv) in array(um, &up, "taskProcessingResults")?.iter().enumerate() {
                        results.push(w.result(
                            tv,
                            &format!("{up}.taskProcessingResults[{l}]"),
                            &tasks,
                        )?);
                    }
                    user_results.push(UserResult { id: uid, results });
                }
                runs.push(Run {
                    id: rid,
                    user_results,
                });
            }
            workflows.push(Workflow { id, tasks, runs });
        }
        Ok(Fixture { workflows })
    }

    /// The fixture as F1 JSON.
    pub fn to_value(&self) -> Value {
        let ts = |t: &Option<Timestamp>| {
            t.map(|t| Value::String(t.to_string()))
                .unwrap_or(Value::Null)
        };
        json!({ "workflows": self.workflows.iter().map(|w| json!({
            "id": w.id,
            "tasks": w.tasks.iter().map(|t| json!({"id": t})).collect::<Vec<_>>(),
            "runs": w.runs.iter().map(|r| json!({
                "id": r.id,
                "userProcessingResults": r.user_results.iter().map(|u| json!({
                    "id": u.id,
                    "taskProcessingResults": u.results.iter().map(|(task, t)| json!({
                        "id": t.id,
                        "taskId": task,
                        "createdDateTime": t.created.to_string(),
                        "processingStatus": t.status.as_str(),
                        "startedDateTime": ts(&t.started),
                        "completedDateTime": ts(&t.completed),
                        "failureReason": t.failure_reason,
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>() })
    }

    /// The fixture as pretty-printed F1 JSON.
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(&self.to_value()).unwrap_or_default()
    }

    /// Writes the fixture to a file.
    pub fn write(&self, path: &std::path::Path) -> std::io::Result<()> {
        std::fs::write(path, self.to_json_string() + "\n")
    }

    /// A deterministic fixture from `seed`: 2 workflows × 2 tasks × 2 runs × 2 user results, one
    /// result per task in each user result (16 results), so every via-task route has targets in
    /// other runs and users. Statuses are members of `profile`'s enum.
    pub fn generate(seed: u64, profile: &Profile) -> Fixture {
        Fixture::generate_with(seed, profile, 2)
    }

    /// As [`Fixture::generate`] with `workflows` workflows (the first two are the same as
    /// `generate`'s). More workflows let `check --lanes` run more lanes.
    pub fn generate_with(seed: u64, profile: &Profile, workflows: usize) -> Fixture {
        let mut rng = SplitMix(seed);
        let statuses: Vec<ProcessingStatus> = ProcessingStatus::ALL
            .into_iter()
            .filter(|s| profile.has_member(*s) && *s != ProcessingStatus::UnknownFutureValue)
            .collect();
        let ts = |rng: &mut SplitMix| {
            // 2020-01-01 .. ~2030, whole 100 ns ticks
            let secs = 1_577_836_800 + (rng.next_u64() % 315_360_000) as i128;
            let ticks = (rng.next_u64() % 10_000_000) as i128;
            Timestamp::from_picos(secs * 1_000_000_000_000 + ticks * 100_000)
        };
        let workflows = (0..workflows.max(1))
            .map(|_| {
                let wid = rng.guid();
                let tasks: Vec<String> = (0..2).map(|_| rng.guid()).collect();
                let runs = (0..2)
                    .map(|_| Run {
                        id: rng.guid(),
                        user_results: (0..2)
                            .map(|_| UserResult {
                                id: rng.guid(),
                                results: tasks
                                    .iter()
                                    .map(|task| {
                                        let status = statuses
                                            [(rng.next_u64() % statuses.len() as u64) as usize];
                                        let created = ts(&mut rng);
                                        let started =
                                            (rng.next_u64() % 2 == 0).then(|| ts(&mut rng));
                                        let completed =
                                            (rng.next_u64() % 3 == 0).then(|| ts(&mut rng));
                                        let failure_reason = (status == ProcessingStatus::Failed)
                                            .then(|| "Task failed: timeout".to_string());
                                        (
                                            task.clone(),
                                            TaskProcessingResult {
                                                id: rng.guid(),
                                                created,
                                                status,
                                                started,
                                                completed,
                                                failure_reason,
                                            },
                                        )
                                    })
                                    .collect(),
                            })
                            .collect(),
                    })
                    .collect();
                Workflow {
                    id: wid,
                    tasks,
                    runs,
                }
            })
            .collect();
        Fixture { workflows }
    }
}

/// A tiny deterministic generator (SplitMix64) so fixtures depend on the seed alone.
#[derive(Debug, Clone)]
pub struct SplitMix(pub u64);

impl SplitMix {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A GUID-shaped id.
    pub(crate) fn guid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        SplitMix::uuid(a, b)
    }

    /// The version-4 UUID spelling of 128 bits (`a` high, `b` low; version and variant set).
    pub fn uuid(a: u64, b: u64) -> String {
        // `{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}` of (a >> 32, a >> 16, a, b >> 48 with the
        // variant bits 10, b), written digit by digit: `serve` makes one per answer
        use crate::contract::digits::put;
        let mut out = *b"00000000-0000-4000-0000-000000000000";
        put(&mut out[0..8], 16, a >> 32);
        put(&mut out[9..13], 16, a >> 16);
        put(&mut out[15..18], 16, a);
        put(&mut out[19..23], 16, (b >> 48) & 0x3fff | 0x8000);
        put(&mut out[24..36], 16, b);
        String::from_utf8_lossy(&out).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Value {
        json!({"workflows": [{"id": "w1", "tasks": [{"id": "k1"}], "runs": [{"id": "r1", "userProcessingResults": [{"id": "u1",
            "taskProcessingResults": [{"id": "t1", "taskId": "k1", "createdDateTime": "2026-01-05T08:00:00Z", "processingStatus": "queued",
            "startedDateTime": null, "completedDateTime": null, "failureReason": null}]}]}]}]})
    }

    fn error_at(mutate: impl FnOnce(&mut Value)) -> String {
        let mut v = sample();
        mutate(&mut v);
        Fixture::from_value(&v, &Profile::graph()).unwrap_err().path
    }

    const T: &str = "/workflows/0/runs/0/userProcessingResults/0/taskProcessingResults/0";

    proptest::proptest! {
        #[test]
        fn f1_guids_are_written_as_the_format_string_writes_them(seed: u64) {
            // fixtures of every earlier version keep their ids: the digit-by-digit writer
            // against the format string it replaced, on the same draws
            let (mut fast, mut slow) = (SplitMix(seed), SplitMix(seed));
            for _ in 0..4 {
                let (a, b) = (slow.next_u64(), slow.next_u64());
                let want = format!(
                    "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
                    a >> 32,
                    (a >> 16) & 0xffff,
                    a & 0xfff,
                    (b >> 48) & 0x3fff | 0x8000,
                    b & 0xffff_ffff_ffff
                );
                proptest::prop_assert_eq!(fast.guid(), want);
            }
        }
    }

    #[test]
    fn f1_the_contract_example_loads() {
        let f = Fixture::from_value(&sample(), &Profile::graph()).unwrap();
        assert_eq!(f.workflows[0].runs[0].user_results[0].results[0].1.id, "t1");
    }

    #[test]
    fn f1_malformed_fixtures_name_the_json_path() {
        let tp = "$.workflows[0].runs[0].userProcessingResults[0].taskProcessingResults[0]";
        assert_eq!(error_at(|v| v["extra"] = json!(1)), "$.extra");
        assert_eq!(
            error_at(|v| *v.pointer_mut(&format!("{T}/createdDateTime")).unwrap() = Value::Null),
            format!("{tp}.createdDateTime")
        );
        assert_eq!(
            error_at(
                |v| *v.pointer_mut(&format!("{T}/processingStatus")).unwrap() = json!("Queued")
            ),
            format!("{tp}.processingStatus")
        );
        assert_eq!(
            error_at(
                |v| *v.pointer_mut(&format!("{T}/startedDateTime")).unwrap() =
                    json!("2023-02-29T00:00:00Z")
            ),
            format!("{tp}.startedDateTime")
        );
        assert_eq!(
            error_at(|v| *v.pointer_mut(&format!("{T}/taskId")).unwrap() = json!("k9")),
            format!("{tp}.taskId")
        );
        assert_eq!(
            error_at(|v| {
                v.pointer_mut(T)
                    .unwrap()
                    .as_object_mut()
                    .unwrap()
                    .remove("failureReason");
            }),
            format!("{tp}.failureReason")
        );
        assert_eq!(
            error_at(|v| *v.pointer_mut("/workflows/0/tasks").unwrap() =
                json!([{"id":"k1"},{"id":"k1"}])),
            "$.workflows[0].tasks[1].id"
        );
        assert_eq!(
            error_at(|v| *v.pointer_mut("/workflows/0/runs").unwrap() = json!({})),
            "$.workflows[0].runs"
        );
        // a result id must be unique in the whole file
        let dup = error_at(|v| {
            let t = v.pointer(T).unwrap().clone();
            v.pointer_mut("/workflows/0/runs/0/userProcessingResults/0/taskProcessingResults")
                .unwrap()
                .as_array_mut()
                .unwrap()
                .push(t);
        });
        assert_eq!(
            dup,
            "$.workflows[0].runs[0].userProcessingResults[0].taskProcessingResults[1].id"
        );
    }

    #[test]
    fn f1_statuses_must_be_members_of_the_profile_enum() {
        let mut v = sample();
        *v.pointer_mut(&format!("{T}/processingStatus")).unwrap() = json!("quarantined");
        assert!(Fixture::from_value(&v, &Profile::graph()).is_ok());
        assert!(Fixture::from_value(&v, &Profile::strict()).is_err());
    }

    #[test]
    fn f1_generation_is_deterministic_and_valid_under_each_profile() {
        for p in [Profile::graph(), Profile::strict(), Profile::graph_live()] {
            let a = Fixture::generate(42, &p);
            assert_eq!(a, Fixture::generate(42, &p));
            assert_ne!(a, Fixture::generate(43, &p));
            assert_eq!(Fixture::from_json_str(&a.to_json_string(), &p).unwrap(), a);
        }
    }
}
