//! Preflight: tokens, seeding and the fixture's values (F1), before any case is sent.

use super::findings::Collector;
use super::health::Shared;
use super::judge::{self, Kind};
use super::{Expected, Finding, Observe, RunError};
use crate::model;
use crate::path::PathStyle;
use crate::rule::RuleId;
use crate::spec::{Request, TaskProcessingResult};
use crate::store::Store;
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

/// Preflight: the write token reads, the read-only token reads, the fixture is there and holds
/// the fixture's values (a difference is one F1 finding per property, and the runner adopts
/// what it read). Returns the requests it sent.
pub(super) async fn preflight_run(
    shared: &Shared<'_>,
    store: &mut Store,
    collector: &mut Collector,
) -> Result<u64, RunError> {
    let mut requests = 0u64;
    let resp = shared.target.send(&shared.probe).await;
    requests += 1;
    match resp {
        Err(e) => return Err(RunError::Unreachable(e)),
        Ok(r) if r.status == 401 || r.status == 403 => {
            return Err(RunError::TokenRefused {
                which: "write",
                flag: "token",
                perm: " with LifecycleWorkflows.ReadWrite.All",
                path: shared.probe.path.clone(),
                status: r.status,
            });
        }
        Ok(_) => shared.answered.store(true, Ordering::SeqCst),
    }
    if let Some(read) = store.tokens().read_only.first() {
        let req = Request::new("GET", &shared.probe.path)
            .header("Authorization", &format!("Bearer {read}"));
        requests += 1;
        if let Ok(r) = shared.target.send(&req).await {
            if r.status == 401 || r.status == 403 {
                return Err(RunError::TokenRefused {
                    which: "read-only",
                    flag: "read-only-token",
                    perm: " with LifecycleWorkflows.Read.All",
                    path: shared.probe.path.clone(),
                    status: r.status,
                });
            }
        }
    }
    if shared.config.observe == Observe::None {
        return Ok(requests);
    }
    let ids: Vec<String> = store.entities().map(|(id, _)| id.clone()).collect();
    let n = shared.config.preflight_sample.max(1).min(ids.len());
    let sample: Vec<&String> = (0..n).map(|i| &ids[i * ids.len() / n]).collect();
    let mut missing = Vec::new();
    let mut differences: BTreeMap<
        &'static str,
        (u64, String, Request, serde_json::Value, serde_json::Value),
    > = BTreeMap::new();
    for id in sample {
        let Some(path) = store
            .direct_route(id)
            .map(|r| r.to_path(&PathStyle::default()))
        else {
            continue;
        };
        let req = Request::new("GET", &path)
            .header("Authorization", &format!("Bearer {}", shared.tokens_write))
            .header("Prefer", model::INCLUDE_UNKNOWN_ENUM_MEMBERS);
        requests += 1;
        let Ok(r) = shared.target.send(&req).await else {
            continue;
        };
        if r.status == 404 {
            missing.push(path);
            continue;
        }
        if r.status != 200 {
            continue; // H1 is judged by the cases
        }
        let Ok(mut seen) = serde_json::from_slice::<serde_json::Value>(&r.body) else {
            continue;
        };
        let Some(mv) = store.get(id).map(|e| e.value.to_json(true)) else {
            continue;
        };
        // a rendering bug is the cases' to report (S4.a, T2.a), not a fixture difference
        let _ = judge::readable(&mut seen, Some(&mv), &shared.config.profile);
        // every property that differs, each once (a representation may differ in several)
        let mut masked = seen.clone();
        for _ in 0..8 {
            let Err(v) = crate::check::compare_representation(&mv, &masked, &shared.config.profile)
            else {
                break;
            };
            let key = v.property.unwrap_or("representation");
            let e = differences
                .entry(key)
                .or_insert_with(|| (0, v.message.clone(), req.clone(), mv.clone(), seen.clone()));
            e.0 += 1;
            match v.property {
                Some(p) => masked[p] = mv.get(p).cloned().unwrap_or_default(),
                None => break,
            }
        }
        if let Some(t) = TaskProcessingResult::from_json(&seen).filter(|t| t.id == *id) {
            store.set_value(id, t);
        }
    }
    if !missing.is_empty() {
        return Err(RunError::NotSeeded {
            missing: missing.len(),
            sampled: n,
            first: missing[0].clone(),
        });
    }
    for (property, (count, message, req, mv, _seen)) in differences {
        let request = super::repro::redact(&req, &shared.tokens_write);
        let base = shared.target.describe();
        collector.add(Finding {
            rule: RuleId::F1,
            clause: "F1".into(),
            title: format!("F1: {}", RuleId::F1.title()),
            kind: Kind::Fixture,
            cause: format!("F1 Fixture property={property}"),
            count,
            message: format!(
                "before the run, {count} entit{} held a value other than the fixture's: {message} (the runner adopted what it read)",
                if count == 1 { "y" } else { "ies" }
            ),
            phase: "preflight".into(),
            seed: shared.config.seed,
            case_index: 0,
            defects: vec![],
            spec: None,
            before: None,
            curl: super::repro::curl(&base, &request),
            rust_test: super::repro::rust_test(&base, RuleId::F1, &request, &[200]),
            request,
            sequence: vec![],
            expected: Expected {
                statuses: vec![200],
                body: Some(mv),
                rules: vec![RuleId::F1],
            },
            actual: None,
        });
    }
    Ok(requests)
}
