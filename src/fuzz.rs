//! The bodies of the cargo-fuzz targets, as library functions: each target in `fuzz/` is one
//! line calling one of these, and `tests/fuzz_regressions.rs` replays committed crash inputs
//! through the same functions, so `cargo test` guards every crash forever.
//!
//! These functions *assert*: they panic when a property breaks (that is how libFuzzer learns
//! of a bug). Everything they call returns typed errors and must never panic on any input.

use crate::check;
use crate::fixture::Fixture;
use crate::generate::CaseSpec;
use crate::model;
use crate::path::{PathStyle, Route};
use crate::profile::Profile;
use crate::run::judge;
use crate::spec::Request;
use crate::store::{Store, Tokens};
use crate::target::Target;
use crate::target::model::ModelTarget;
use crate::timestamp::{Grammar, Timestamp};
use arbitrary::{Arbitrary, Unstructured};
use std::sync::OnceLock;

/// Seed of the fixture every target runs against.
pub const FIXTURE_SEED: u64 = 7;
/// Write token of the fuzz store.
pub const WRITE_TOKEN: &str = "fuzz-write";
/// Read-only token of the fuzz store.
pub const READ_TOKEN: &str = "fuzz-read";

/// H4's limit in the sequence-level targets: above every valid body the generators build (a
/// 64 KiB `failureReason` written as `\\uXXXX` escapes is 384 KiB), an eighth of the 4 MiB
/// default, so an oversized body or a gzip bomb costs an execution an eighth as much (the
/// model inflates a bomb up to the limit before it answers 413). Every rule and invariant is
/// the same; only the knob's value differs (decisions 44, 69, 71).
pub const FUZZ_MAX_BODY_BYTES: u64 = 512 * 1024;

/// The profiles the sequence-level targets draw from: `graph`, `strict`, `graph-live`, each
/// with [`FUZZ_MAX_BODY_BYTES`].
pub fn fuzz_profile(which: u8) -> Profile {
    let base = match which % 3 {
        0 => Profile::graph(),
        1 => Profile::strict(),
        _ => Profile::graph_live(),
    };
    Profile {
        max_body_bytes: FUZZ_MAX_BODY_BYTES,
        ..base
    }
}

/// The fixture store of the fuzz targets (built once) under `profile`.
pub fn store(profile: &Profile) -> Store {
    fixture_store(profile).clone()
}

/// Which of the two fixture stores `profile` runs against: graph's (0), or strict's (1) when the
/// profile accepts no member after the sentinel.
fn fixture_index(profile: &Profile) -> usize {
    usize::from(profile.members_after_sentinel.is_empty())
}

/// The fixture store under `profile` ([`fixture_index`]), built once.
fn fixture_store(profile: &Profile) -> &'static Store {
    static STORES: OnceLock<[Store; 2]> = OnceLock::new();
    let stores = STORES.get_or_init(|| {
        let make = |p: &Profile| {
            Store::new(
                &Fixture::generate(FIXTURE_SEED, p),
                Tokens::new(WRITE_TOKEN, Some(READ_TOKEN)),
            )
        };
        [make(&Profile::graph()), make(&Profile::strict())]
    });
    &stores[fixture_index(profile)]
}

/// Runs `f` on two working copies of `profile`'s fixture store (`now` and `before`) and a list
/// into which `f` pushes every id it writes. The copies are kept by the thread between
/// executions (decision 67): both equal the fixture when `f` starts, and what it wrote is put
/// back from the fixture when it returns. While `f` runs they are out of their slot, so an
/// execution that panics leaves the slot empty and the next one starts from fresh copies.
fn with_stores<R>(
    profile: &Profile,
    f: impl FnOnce(&mut Store, &mut Store, &mut Vec<String>) -> R,
) -> R {
    use std::cell::RefCell;
    thread_local! {
        static KEPT: RefCell<[Option<(Store, Store)>; 2]> = const { RefCell::new([None, None]) };
    }
    let (i, fixture) = (fixture_index(profile), fixture_store(profile));
    let (mut now, mut before) = KEPT
        .with(|kept| kept.borrow_mut()[i].take())
        .unwrap_or_else(|| (fixture.clone(), fixture.clone()));
    let mut written = Vec::new();
    let r = f(&mut now, &mut before, &mut written);
    for id in written {
        if let Some(e) = fixture.get(&id) {
            now.set_value(&id, e.value.clone());
            before.set_value(&id, e.value.clone());
        }
    }
    KEPT.with(|kept| kept.borrow_mut()[i] = Some((now, before)));
    r
}

/// T1: bytes through both grammars. Never panics; what parses formats back to an equal
/// instant; `graph` ⊂ `odata-abnf`.
pub fn timestamp(data: &[u8]) {
    let graph = Timestamp::parse_bytes(data, Grammar::Graph);
    let abnf = Timestamp::parse_bytes(data, Grammar::OdataAbnf);
    if let Ok(t) = graph {
        assert_eq!(
            abnf,
            Ok(t),
            "graph accepted what odata-abnf rejects: {:?}",
            String::from_utf8_lossy(data)
        );
    }
    if let Ok(t) = abnf {
        let text = t.to_string();
        assert_eq!(
            Timestamp::parse(&text, Grammar::OdataAbnf),
            Ok(t),
            "{text} does not parse back"
        );
    }
}

/// R1–R5: bytes as a path. Never panics; what parses formats back to the same route, in every
/// spelling the profile allows.
pub fn path(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for profile in [Profile::graph(), Profile::strict()] {
        if let Ok(route) = Route::parse(text, &profile) {
            for style in [
                PathStyle::default(),
                PathStyle {
                    paren: 0b1_1111,
                    trailing_slash: true,
                    ..PathStyle::default()
                },
            ] {
                if style.allowed_by(&profile) {
                    let again = route.to_path(&style);
                    assert_eq!(
                        Route::parse(&again, &profile).as_ref(),
                        Ok(&route),
                        "{text:?} formatted as {again:?}"
                    );
                }
            }
        }
    }
}

/// The body target's fixture: a two-result store (as small as S6 allows, so the target spends
/// its time in the body rules) and a PATCH template to its first result.
fn body_setup() -> &'static (Store, Request, Profile) {
    static SETUP: OnceLock<(Store, Request, Profile)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let mut f = Fixture::generate(FIXTURE_SEED, &Profile::graph());
        f.workflows.truncate(1);
        let w = &mut f.workflows[0];
        w.runs.truncate(1);
        w.runs[0].user_results.truncate(1);
        let store = Store::new(&f, Tokens::new(WRITE_TOKEN, Some(READ_TOKEN)));
        let id = store
            .entities()
            .next()
            .map(|(id, _)| id.clone())
            .unwrap_or_default();
        let path = store
            .direct_route(&id)
            .map(|r| r.to_path(&PathStyle::default()))
            .unwrap_or_default();
        let req = Request::new("PATCH", &path)
            .header("Authorization", &format!("Bearer {WRITE_TOKEN}"))
            .header("Content-Type", "application/json");
        (store, req, Profile::graph())
    })
}

/// Makes `stale` equal to `fresh` again after a step whose checks passed: copies the entity
/// `out` wrote, if any. Exact, because the checks have just shown that nothing else changed
/// (S3 for a rejection, S6 for a write); a state shared between steps or executions is brought
/// up to date this way instead of cloned whole (decision 67).
fn catch_up(stale: &mut Store, fresh: &Store, out: &model::Outcome) {
    if let Some((id, e)) = out
        .updated
        .as_ref()
        .and_then(|id| Some((id, fresh.get(id)?)))
    {
        stale.set_value(id, e.value.clone());
    }
}

/// B*: bytes as a PATCH body to an existing entity. Never panics; S2, S3, S4, S6, S8 hold.
/// The store and the request are kept per thread between executions: the body is copied into
/// the request, and after the checks the store is put back (by `catch_up`).
pub fn body(data: &[u8]) {
    use std::cell::RefCell;
    thread_local! {
        static WORK: RefCell<Option<(Store, Request)>> = const { RefCell::new(None) };
    }
    let (before, template, profile) = body_setup();
    WORK.with(|work| {
        let mut work = work.borrow_mut();
        let (s, req) = work.get_or_insert_with(|| (before.clone(), template.clone()));
        req.body.clear();
        req.body.extend_from_slice(data);
        let out = model::apply(s, req, profile);
        if let Err(v) = check::all(before, req, &out, s, profile) {
            panic!("{v} for body {:?}", String::from_utf8_lossy(data));
        }
        catch_up(s, before, &out);
    });
}

/// The most steps one input of [`sequence`] or [`differential`] runs.
pub const MAX_STEPS: usize = 16;

/// What [`sequence`] runs for `data`: the profile its first byte picks and up to
/// [`MAX_STEPS`] cases; `None` when the bytes decode to no sequence.
pub fn sequence_input(data: &[u8]) -> Option<(Profile, Vec<CaseSpec>)> {
    let mut u = Unstructured::new(data);
    let profile = fuzz_profile(u.int_in_range(0..=2u8).unwrap_or(0));
    Some((profile, cases_from(u)?))
}

/// The cases [`differential`] runs for `data` (up to [`MAX_STEPS`]).
pub fn differential_input(data: &[u8]) -> Option<Vec<CaseSpec>> {
    cases_from(Unstructured::new(data))
}

fn cases_from(mut u: Unstructured<'_>) -> Option<Vec<CaseSpec>> {
    let mut specs = Vec::<CaseSpec>::arbitrary(&mut u).ok()?;
    specs.truncate(MAX_STEPS);
    // the spelling of a gzip coding (H6.a), from what the specs left over
    for s in &mut specs {
        s.gzip_style = u.arbitrary().unwrap_or(0);
    }
    Some(specs)
}

/// Whole request sequences from the generators' case space: every invariant after every step,
/// and each case's demanded outcome equals the model's answer (differential: generators vs model).
/// Returns the number of steps (requests) it ran and judged.
pub fn sequence(data: &[u8]) -> usize {
    let Some((profile, specs)) = sequence_input(data) else {
        return 0;
    };
    with_stores(&profile, |s, before, written| {
        for spec in &specs {
            sequence_step(spec, s, before, written, &profile);
        }
    });
    specs.len()
}

/// One step of [`sequence`]: `s` and `before` are equal when it starts and when it ends.
fn sequence_step(
    spec: &CaseSpec,
    s: &mut Store,
    before: &mut Store,
    written: &mut Vec<String>,
    profile: &Profile,
) {
    let case = spec.build(s, profile);
    let out = model::apply(s, &case.request, profile);
    if let Some(id) = &out.updated {
        written.push(id.clone());
    }
    if let Err(v) = check::all(before, &case.request, &out, s, profile) {
        panic!("{v} after {}", case.describe());
    }
    assert_eq!(
        out.statuses(),
        case.demand.statuses,
        "{}: {}",
        profile.name,
        case.describe()
    );
    catch_up(before, s, &out);
}

/// In-process differential fuzzing through the one seam: the same request sequence to `target`
/// (any [`Target`] whose futures complete without a runtime: the model, a mutant, your own
/// implementation wrapped in [`InProcess`](crate::target::implementation::InProcess)) and to
/// the model; every answer is judged by the runner's judge ([`crate::run::judge`]), and the
/// addressed entity is read back through `target` and compared after each PATCH.
/// The target must start from the fuzz store ([`store`]) under `profile`.
pub fn differential(target: &dyn Target, profile: &Profile, data: &[u8]) {
    let Some(specs) = differential_input(data) else {
        return;
    };
    let mut s = store(profile);
    for spec in specs {
        let case = spec.build(&s, profile);
        let out = model::apply(&mut s, &case.request, profile);
        let Some(Ok(resp)) = crate::target::block_on(target.send(&case.request)) else {
            panic!("no answer in process: {}", case.describe());
        };
        let verdicts = judge::judge(&case.request, &out, &resp, profile);
        if let Some(v) = verdicts.first() {
            panic!("{}: {} — {}", v.rule, v.message, case.describe());
        }
        if let (Some(id), "PATCH") = (&case.target, case.request.method.as_str()) {
            let Some(path) = s.direct_route(id).map(|r| r.to_path(&PathStyle::default())) else {
                continue;
            };
            let get = Request::new("GET", &path)
                .header("Authorization", &format!("Bearer {WRITE_TOKEN}"))
                .header("Prefer", model::INCLUDE_UNKNOWN_ENUM_MEMBERS);
            let seen = crate::target::block_on(target.send(&get))
                .and_then(Result::ok)
                .and_then(|r| serde_json::from_slice::<serde_json::Value>(&r.body).ok());
            let Some(seen) = seen else {
                panic!("`{id}` cannot be read back after {}", case.describe());
            };
            let model_view = s.get(id).map(|e| e.value.to_json(true)).unwrap_or_default();
            if let Some(v) = judge::observed_state(&model_view, &seen, out.is_success(), profile) {
                panic!("{}: {} — after {}", v.rule, v.message, case.describe());
            }
        }
    }
}

/// The differential target's body with the in-process model target: the responses exactly as
/// `serve` renders them (status, headers, error envelope, representation), judged by the judge.
pub fn differential_model(data: &[u8]) {
    let profile = fuzz_profile(0);
    let target = ModelTarget::new(store(&profile), profile.clone());
    differential(&target, &profile, data);
}

/// Raw bytes as one client connection to the endpoint's HTTP handling (request line, headers,
/// framing, body): never a panic, and whatever comes back is HTTP/1.1 without a 5xx
/// (feature `endpoint`).
#[cfg(feature = "endpoint")]
pub fn endpoint_bytes(data: &[u8]) {
    use crate::endpoint::ModelResponder;
    static RESPONDER: OnceLock<std::sync::Arc<ModelResponder>> = OnceLock::new();
    let responder = RESPONDER.get_or_init(|| {
        let profile = Profile {
            max_body_bytes: 64 * 1024,
            ..Profile::graph()
        };
        std::sync::Arc::new(ModelResponder::new(store(&profile), profile))
    });
    endpoint_bytes_with(responder, data);
}

/// [`endpoint_bytes`] against any responder (the test shows it catches one that answers 5xx).
#[cfg(feature = "endpoint")]
pub fn endpoint_bytes_with(
    responder: &std::sync::Arc<crate::endpoint::ModelResponder>,
    data: &[u8],
) {
    let out = crate::endpoint::serve_bytes(responder, data);
    if !out.is_empty() {
        assert!(
            out.starts_with(b"HTTP/1.1 "),
            "not HTTP: {:?}",
            String::from_utf8_lossy(&out[..out.len().min(64)])
        );
        let status = std::str::from_utf8(&out[9..out.len().min(12)]).unwrap_or("");
        assert!(
            !status.starts_with('5'),
            "a 5xx to client bytes: {}",
            String::from_utf8_lossy(&out[..out.len().min(200)])
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changed(s: &Store) -> (String, crate::spec::TaskProcessingResult) {
        let (id, e) = s.entities().next().expect("a fixture entity");
        let mut v = e.value.clone();
        v.failure_reason = Some("written by an execution".into());
        (id.clone(), v)
    }

    #[test]
    fn s6_each_execution_starts_from_the_fixture_whatever_the_one_before_wrote() {
        let p = fuzz_profile(0);
        with_stores(&p, |now, before, written| {
            let (id, v) = changed(now);
            now.set_value(&id, v.clone());
            before.set_value(&id, v);
            written.push(id);
        });
        with_stores(&p, |now, before, _| {
            assert!(now == fixture_store(&p) && before == fixture_store(&p));
        });
    }

    #[test]
    fn s6_after_a_panicked_execution_the_next_starts_from_fresh_stores() {
        let p = fuzz_profile(1);
        let failed = std::panic::catch_unwind(|| {
            with_stores(&p, |now, _, _| {
                // a write the execution did not record, then a failed check
                let (id, v) = changed(now);
                now.set_value(&id, v);
                panic!("a check failed");
            })
        });
        assert!(failed.is_err());
        with_stores(&p, |now, before, _| {
            assert!(now == fixture_store(&p) && before == fixture_store(&p));
        });
    }
}
