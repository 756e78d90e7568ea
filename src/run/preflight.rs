//! Preflight: tokens, seeding and the fixture's values (F1), before any case is sent.

use super::findings::Collector;
use super::health::Shared;
use super::judge::{self, Kind};
use super::{Expected, Finding, Observe, RunError};
use crate::contract::clause::ClauseId;
use crate::contract::path::PathStyle;
use crate::contract::rule::RuleId;
use crate::contract::spec::{Request, TaskProcessingResult};
use crate::model;
use crate::model::store::Store;
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
    let mut requests = tokens_read(shared, store).await?;
    if shared.config.observe == Observe::None {
        return Ok(requests);
    }
    let sample = sample_seed(shared, store).await;
    requests += sample.requests;
    if !sample.missing.is_empty() {
        return Err(not_seeded(shared, &sample));
    }
    requests += read_only_write_token(shared, store).await?;
    for (property, d) in sample.differences {
        collector.add(seed_finding(shared, property, d));
    }
    Ok(requests)
}

/// The write token reads (anything but 401/403), and so does the read-only token. Returns the
/// requests sent.
async fn tokens_read(shared: &Shared<'_>, store: &Store) -> Result<u64, RunError> {
    match shared.target.send(&shared.probe).await {
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
    let Some(read) = store.tokens().read_only.first() else {
        return Ok(1);
    };
    let req =
        Request::new("GET", &shared.probe.path).header("Authorization", &format!("Bearer {read}"));
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
    Ok(2)
}

/// What reading a sample of the fixture's entities showed.
struct SeedSample {
    requests: u64,
    sampled: usize,
    /// Paths answered 404.
    missing: Vec<String>,
    /// Every property that differs from the fixture, once, with its first example.
    differences: BTreeMap<&'static str, SeedDifference>,
}

/// Reads a sample of the fixture's entities (`preflight_sample`, spread over the fixture) and
/// adopts what each holds.
async fn sample_seed(shared: &Shared<'_>, store: &mut Store) -> SeedSample {
    let ids: Vec<String> = store.entities().map(|(id, _)| id.clone()).collect();
    let n = shared.config.preflight_sample.max(1).min(ids.len());
    let mut out = SeedSample {
        requests: 0,
        sampled: n,
        missing: Vec::new(),
        differences: BTreeMap::new(),
    };
    let authorization = format!("Bearer {}", shared.tokens_write);
    for id in (0..n).map(|i| &ids[i * ids.len() / n]) {
        let Some(path) = store
            .direct_route(id)
            .map(|r| r.to_path(&PathStyle::default()))
        else {
            continue;
        };
        let req = judge::observation::read_back(&path, &authorization);
        out.requests += 1;
        let Ok(r) = shared.target.send(&req).await else {
            continue;
        };
        if r.status == 404 {
            out.missing.push(path);
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
            let Err(v) = crate::model::invariants::compare_representation(
                &mv,
                &masked,
                &shared.config.profile,
            ) else {
                break;
            };
            let key = v.property.unwrap_or("representation");
            let e = out
                .differences
                .entry(key)
                .or_insert_with(|| SeedDifference {
                    count: 0,
                    // held within a second: the implementation stores coarser instants (T2.b),
                    // whatever the fixture says
                    coarser: v.rule == RuleId::T2,
                    message: v.message.clone(),
                    request: req.clone(),
                    model_view: mv.clone(),
                    response: r.clone(),
                });
            e.count += 1;
            match v.property {
                Some(p) => masked[p] = mv.get(p).cloned().unwrap_or_default(),
                None => break,
            }
        }
        if let Some(t) = TaskProcessingResult::from_json(&seen).filter(|t| t.id == *id) {
            store.set_value(id, t);
        }
    }
    out
}

/// The fixture is not there: how many of the sample were missing, and, when nothing resolved
/// and the base URL lacks the version root, a hint about it.
fn not_seeded(shared: &Shared<'_>, sample: &SeedSample) -> RunError {
    let base = shared.target.describe();
    let hint = if sample.missing.len() == sample.sampled
        && !base.trim_end_matches('/').ends_with("/beta")
    {
        format!(
            ". Nothing resolved under {base}: the base URL usually ends with the version root, e.g. {}/beta",
            base.trim_end_matches('/')
        )
    } else {
        String::new()
    };
    RunError::NotSeeded {
        missing: sample.missing.len(),
        sampled: sample.sampled,
        first: sample.missing[0].clone(),
        hint,
    }
}

/// One property held other than the fixture says, as a finding: F1, or T2.b when it is the
/// fixture's instant at a coarser precision.
fn seed_finding(shared: &Shared<'_>, property: &str, d: SeedDifference) -> Finding {
    let SeedDifference {
        count,
        coarser,
        message,
        request: req,
        model_view: mv,
        response,
    } = d;
    let request = super::repro::redact(&req, &shared.tokens_write);
    let base = shared.target.describe();
    let clause = if coarser { ClauseId::T2b } else { ClauseId::F1 };
    let rule = clause.rule();
    let entities = if count == 1 { "y" } else { "ies" };
    Finding {
        rule,
        clause: clause.to_string(),
        title: format!("{rule}: {}", rule.title()),
        kind: Kind::Fixture,
        cause: format!("{clause} Fixture property={property}"),
        count,
        message: if coarser {
            format!(
                "before the run, {count} entit{entities} held the fixture's instant at a coarser precision than 100 ns: {message} (what a GET showed; the runner adopted it)"
            )
        } else {
            format!(
                "before the run, {count} entit{entities} held a value other than the fixture's: {message} (what a GET showed; the runner adopted it)"
            )
        },
        phase: "preflight".into(),
        seed: shared.config.seed,
        case_index: 0,
        defects: vec![],
        spec: None,
        before: None,
        curl: super::repro::curl(&base, &request),
        rust_test: super::repro::rust_test(&base, rule, &request, &[200]),
        request,
        sequence: vec![],
        expected: Expected {
            statuses: vec![200],
            body: Some(mv),
            rules: vec![rule],
        },
        actual: Some(response.clipped(shared.config.max_kept_body)),
    }
}

/// A write token that is really a read-only one gets 403 on every PATCH, and a run of findings
/// ("rejected a valid PATCH with 403") would hide the set-up mistake: one PATCH of an entity's
/// own values (every property, so it changes nothing whatever the implementation's semantics)
/// tells. Returns the requests sent.
async fn read_only_write_token(shared: &Shared<'_>, store: &mut Store) -> Result<u64, RunError> {
    if !shared.config.profile.patch_supported {
        return Ok(0);
    }
    let Some((id, e)) = store
        .entities()
        .next()
        .map(|(id, e)| (id.clone(), e.clone()))
    else {
        return Ok(0);
    };
    let id = &id;
    let Some(path) = store
        .direct_route(id)
        .map(|r| r.to_path(&PathStyle::default()))
    else {
        return Ok(0);
    };
    let mut body = e.value.to_json(true);
    if let Some(o) = body.as_object_mut() {
        o.remove("id");
        o.remove("@odata.type");
    }
    let req = Request::new("PATCH", &path)
        .header("Authorization", &format!("Bearer {}", shared.tokens_write))
        .header("Content-Type", "application/json")
        .header("Prefer", model::INCLUDE_UNKNOWN_ENUM_MEMBERS)
        .body(body.to_string());
    match shared.target.send(&req).await {
        Ok(r) if r.status == 403 => Err(RunError::ReadOnlyToken { path }),
        // written: what the implementation holds now (coarser instants, say) is adopted
        Ok(r) if (200..300).contains(&r.status) => {
            let get = Request::new("GET", &path)
                .header("Authorization", &format!("Bearer {}", shared.tokens_write))
                .header("Prefer", model::INCLUDE_UNKNOWN_ENUM_MEMBERS);
            if let Ok(r) = shared.target.send(&get).await {
                let mut seen = serde_json::from_slice::<serde_json::Value>(&r.body).ok();
                if let Some(v) = seen.as_mut() {
                    let mv = e.value.to_json(true);
                    let _ = judge::readable(v, Some(&mv), &shared.config.profile);
                }
                if let Some(t) = seen
                    .as_ref()
                    .and_then(TaskProcessingResult::from_json)
                    .filter(|t| t.id == *id)
                {
                    store.set_value(id, t);
                }
            }
            Ok(2)
        }
        _ => Ok(1),
    }
}

/// One property the implementation holds otherwise than the fixture, as preflight saw it.
struct SeedDifference {
    count: u64,
    /// Within a second of the fixture's instant (T2.b), not another value (F1).
    coarser: bool,
    message: String,
    request: Request,
    model_view: serde_json::Value,
    response: crate::sut::Response,
}
