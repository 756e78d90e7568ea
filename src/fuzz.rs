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
use crate::spec::{Request, TaskProcessingResult};
use crate::store::{Store, Tokens};
use crate::timestamp::{Grammar, Timestamp};
use arbitrary::{Arbitrary, Unstructured};
use std::sync::OnceLock;

/// Seed of the fixture every target runs against.
pub const FIXTURE_SEED: u64 = 7;
/// Write token of the fuzz store.
pub const WRITE_TOKEN: &str = "fuzz-write";
/// Read-only token of the fuzz store.
pub const READ_TOKEN: &str = "fuzz-read";

/// The fixture store of the fuzz targets (built once) under `profile`.
pub fn store(profile: &Profile) -> Store {
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
    if profile.members_after_sentinel.is_empty() {
        stores[1].clone()
    } else {
        stores[0].clone()
    }
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

/// B*: bytes as a PATCH body to an existing entity. Never panics; S2, S3, S4, S6, S8 hold.
pub fn body(data: &[u8]) {
    let (before, template, profile) = body_setup();
    let mut s = before.clone();
    let req = Request {
        body: data.to_vec(),
        ..template.clone()
    };
    let out = model::apply(&mut s, &req, profile);
    if let Err(v) = check::all(before, &req, &out, &s, profile) {
        panic!("{v} for body {:?}", String::from_utf8_lossy(data));
    }
}

/// Whole request sequences from the generators' case space: every invariant after every step,
/// and each case's demanded outcome equals the model's answer (differential: generators vs model).
pub fn sequence(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let profile = match u.int_in_range(0..=2u8).unwrap_or(0) {
        0 => Profile::graph(),
        1 => Profile::strict(),
        _ => Profile::graph_live(),
    };
    let Ok(specs) = Vec::<CaseSpec>::arbitrary(&mut u) else {
        return;
    };
    let mut s = store(&profile);
    for spec in specs.into_iter().take(16) {
        let case = spec.build(&s, &profile);
        let before = s.clone();
        let out = model::apply(&mut s, &case.request, &profile);
        if let Err(v) = check::all(&before, &case.request, &out, &s, &profile) {
            panic!("{v} after {}", case.describe());
        }
        assert_eq!(
            out.statuses(),
            case.demand.statuses,
            "{}: {}",
            profile.name,
            case.describe()
        );
    }
}

/// An implementation of the operation, in process: plug yours in to fuzz it against the model.
pub trait Implementation {
    /// Answers one request: the status and, for 200, the representation.
    fn handle(&mut self, req: &Request) -> (u16, Option<serde_json::Value>);
    /// The current value of a result, to compare state with the model.
    fn get(&mut self, id: &str) -> Option<TaskProcessingResult>;
}

/// The reference model as an [`Implementation`] (the example, and a sanity check of the target).
pub struct ModelImplementation {
    store: Store,
    profile: Profile,
}

impl ModelImplementation {
    /// The model over the fuzz store.
    pub fn new(profile: Profile) -> Self {
        ModelImplementation {
            store: store(&profile),
            profile,
        }
    }
}

impl Implementation for ModelImplementation {
    fn handle(&mut self, req: &Request) -> (u16, Option<serde_json::Value>) {
        let out = model::apply(&mut self.store, req, &self.profile);
        (out.answers[0].status, out.answers[0].json())
    }
    fn get(&mut self, id: &str) -> Option<TaskProcessingResult> {
        self.store.get(id).map(|e| e.value.clone())
    }
}

/// In-process differential fuzzing: the same request sequence to `imp` and to the model; the
/// status must be acceptable, a 200 body semantically equal, and the addressed entity equal.
pub fn differential<I: Implementation>(imp: &mut I, profile: &Profile, data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(specs) = Vec::<CaseSpec>::arbitrary(&mut u) else {
        return;
    };
    let mut s = store(profile);
    for spec in specs.into_iter().take(16) {
        let case = spec.build(&s, profile);
        let out = model::apply(&mut s, &case.request, profile);
        let (status, body) = imp.handle(&case.request);
        assert!(
            out.accepts(status),
            "implementation answered {status}, contract demands {:?}: {}",
            out.statuses(),
            case.describe()
        );
        if let (200, Some(expected), Some(actual)) = (
            status,
            out.answer(200).and_then(|a| a.json()).as_ref(),
            body.as_ref(),
        ) {
            if let Err(v) = check::compare_representation(expected, actual, profile) {
                panic!("{v}: {}", case.describe());
            }
        }
        if let Some(id) = &case.target {
            assert_eq!(
                imp.get(id),
                s.get(id).map(|e| e.value.clone()),
                "state of {id} differs after {}",
                case.describe()
            );
        }
    }
}

/// The differential target's body with the model as the implementation.
pub fn differential_model(data: &[u8]) {
    let profile = Profile::graph();
    differential(
        &mut ModelImplementation::new(profile.clone()),
        &profile,
        data,
    );
}
