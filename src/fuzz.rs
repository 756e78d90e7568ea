//! The bodies of the cargo-fuzz targets, as library functions: each target in `fuzz/` is one
//! line calling one of these, and `tests/fuzz_regressions.rs` replays committed crash inputs
//! through the same functions, so `cargo test` guards every crash forever.
//!
//! These functions *assert*: they panic when a property breaks (that is how libFuzzer learns
//! of a bug). Everything they call returns typed errors and must never panic on any input.

use crate::contract::path::{PathStyle, Route};
use crate::contract::profile::Profile;
use crate::contract::spec::Request;
use crate::contract::timestamp::{Grammar, Timestamp};
use crate::generate::CaseSpec;
use crate::model;
use crate::model::fixture::Fixture;
use crate::model::invariants as check;
use crate::model::store::{Store, Tokens};
use crate::run::judge;
use crate::sut::Target;
use crate::sut::model::ModelTarget;
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
/// implementation wrapped in [`InProcess`](crate::sut::implementation::InProcess)) and to
/// the model; every answer is judged as `check` judges it ([`judge::answer_verdicts`]), and
/// after each PATCH the addressed entity is read back through `target` with `check`'s read
/// ([`judge::observation::read_back`]) and judged by the same
/// [`judge::observation::judge_observation`].
/// The target must start from the fuzz store ([`store`]) under `profile`.
pub fn differential(target: &dyn Target, profile: &Profile, data: &[u8]) {
    let Some(specs) = differential_input(data) else {
        return;
    };
    let mut s = store(profile);
    let authorization = format!("Bearer {WRITE_TOKEN}");
    for spec in specs {
        let case = spec.build(&s, profile);
        let stored = case
            .target
            .as_ref()
            .and_then(|id| s.get(id))
            .map(|e| e.value.status.as_str());
        let out = model::apply(&mut s, &case.request, profile);
        let Some(Ok(resp)) = crate::sut::block_on(target.send(&case.request)) else {
            panic!("no answer in process: {}", case.describe());
        };
        // the answer judged as `check` judges it, then the state a read right after shows
        let mut verdicts = judge::answer_verdicts(&case, &out, &resp, stored, profile);
        if let (Some(id), "PATCH") = (&case.target, case.request.method.as_str()) {
            let Some(path) = s.direct_route(id).map(|r| r.to_path(&PathStyle::default())) else {
                continue;
            };
            let get = judge::observation::read_back(&path, &authorization);
            let seen = crate::sut::block_on(target.send(&get))
                .and_then(Result::ok)
                .filter(|r| r.status == 200)
                .and_then(|r| serde_json::from_slice::<serde_json::Value>(&r.body).ok());
            let Some(mut seen) = seen else {
                panic!("`{id}` cannot be read back after {}", case.describe());
            };
            let model_view = s.get(id).map(|e| e.value.to_json(true));
            let shapes = judge::readable(&mut seen, model_view.as_ref(), profile);
            let judge_state = judge::observation::state_is_judged(&out, &resp, &verdicts);
            let observation = judge::observation::Observation {
                request: &case.request,
                outcome: &out,
                response: &resp,
                model_view: model_view.as_ref(),
                seen: &seen,
                shapes,
                judge_state,
            };
            judge::observation::judge_observation(&mut verdicts, observation, profile);
        }
        if let Some(v) = verdicts.first() {
            panic!("{}: {} — {}", v.clause, v.message, case.describe());
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
/// framing, body): never a panic, and whatever comes back is HTTP/1.x without a 5xx (an
/// HTTP/1.0 request may be answered in HTTP/1.0) (feature `endpoint`).
#[cfg(feature = "endpoint")]
pub fn endpoint_bytes(data: &[u8]) {
    use crate::endpoint::Responder;
    static RESPONDER: OnceLock<std::sync::Arc<Responder>> = OnceLock::new();
    let responder = RESPONDER.get_or_init(|| {
        let profile = Profile {
            max_body_bytes: 64 * 1024,
            ..Profile::graph()
        };
        std::sync::Arc::new(Responder::new(store(&profile), profile))
    });
    endpoint_bytes_with(responder, data);
}

/// [`endpoint_bytes`] against any responder (the test shows it catches one that answers 5xx).
#[cfg(feature = "endpoint")]
pub fn endpoint_bytes_with(responder: &std::sync::Arc<crate::endpoint::Responder>, data: &[u8]) {
    let out = crate::endpoint::serve_bytes(responder, data);
    if !out.is_empty() {
        assert!(
            out.starts_with(b"HTTP/1.1 ") || out.starts_with(b"HTTP/1.0 "),
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

/// An input of [`sequence`] (and of [`differential`] after its first byte) that decodes to
/// exactly `specs` under the profile [`fuzz_profile`]`(which)` picks: a seed written to run a
/// chosen sequence (the inverse of [`sequence_input`]). Errs when `specs` is not in the fuzz
/// input space (more than [`MAX_STEPS`] cases, or a field the fuzz input never sets, such as
/// `chunked` or `pad_to_limit`): the seed is decoded back and compared before it is returned.
pub fn sequence_seed(which: u8, specs: &[CaseSpec]) -> Result<Vec<u8>, String> {
    use serde::Serialize;
    // the profile byte is read as `byte % 3`; an odd one also starts a case for `differential`
    let mut w = seed_writer::SeedWriter::default();
    w.front.push([3, 1, 5][usize::from(which % 3)]);
    specs.serialize(&mut w).map_err(|e| e.0)?;
    // the gzip spelling of each spec is drawn after the specs (`cases_from`)
    w.front.extend(specs.iter().map(|s| s.gzip_style));
    let bytes = w.finish();
    match sequence_input(&bytes) {
        Some((p, back)) if p == fuzz_profile(which) && back == specs => Ok(bytes),
        other => Err(format!(
            "not in the fuzz input space: it decodes to {:?}",
            other.map(|(p, c)| (p.name, c))
        )),
    }
}

/// The inverse of `arbitrary`'s decoding for the case space, written as a serde serializer so
/// it follows the types as they change (the round trip in [`sequence_seed`] guards it).
mod seed_writer {
    use crate::contract::path::NameCase;
    use crate::contract::spec::{ProcessingStatus, Property};
    use crate::generate::MemberSpec;
    use crate::generate::defect::{
        CodingList, Defect, HeaderOrder, JsonExtension, Level, MediaTypeFlaw, NotObject,
        NotUpdatable, OdataTypeValue, OtherMethod, OtherPattern, ProbeMethod, Required,
        TimestampFlaw, TimestampProperty, Utf8Flaw, WrongKind,
    };
    use arbitrary::{Arbitrary, Unstructured};
    use serde::ser::{self, Impossible, Serialize};

    /// Fields marked `#[arbitrary(default)]`: never read from the input, so never written.
    const NOT_DECODED: [&str; 5] = [
        "pad_to_limit",
        "chunked",
        "gzip_style",
        "encode_names",
        "token_spaces",
    ];

    #[derive(Debug)]
    pub struct Error(pub String);
    impl std::fmt::Display for Error {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.0)
        }
    }
    impl std::error::Error for Error {}
    impl ser::Error for Error {
        fn custom<T: std::fmt::Display>(msg: T) -> Self {
            Error(msg.to_string())
        }
    }

    /// Bytes in the order `arbitrary` reads them; a string's length is read from the end of the
    /// input, so its bytes go to `front` and its length is placed by [`SeedWriter::finish`].
    #[derive(Default)]
    pub struct SeedWriter {
        pub front: Vec<u8>,
        /// (offset in `front` where the string's bytes start, their length), in decode order.
        strings: Vec<(usize, usize)>,
        /// Probing: the index of the first variant written (tags are not computed).
        probe: Option<Option<u32>>,
    }

    /// How many variants the enum serde calls `name` has: one more than the index of the one
    /// `arbitrary` decodes from the largest tag.
    fn variant_count(name: &str) -> Result<u32, Error> {
        fn count<T: for<'a> Arbitrary<'a> + Serialize>() -> Option<u32> {
            let last = T::arbitrary(&mut Unstructured::new(&[0xff; 4])).ok()?;
            let mut w = SeedWriter {
                probe: Some(None),
                ..SeedWriter::default()
            };
            last.serialize(&mut w).ok()?;
            w.probe.flatten().map(|i| i + 1)
        }
        match name {
            "Defect" => count::<Defect>(),
            "Level" => count::<Level>(),
            "MediaTypeFlaw" => count::<MediaTypeFlaw>(),
            "NotObject" => count::<NotObject>(),
            "NotUpdatable" => count::<NotUpdatable>(),
            "OtherMethod" => count::<OtherMethod>(),
            "Required" => count::<Required>(),
            "TimestampFlaw" => count::<TimestampFlaw>(),
            "TimestampProperty" => count::<TimestampProperty>(),
            "WrongKind" => count::<WrongKind>(),
            "HeaderOrder" => count::<HeaderOrder>(),
            "CodingList" => count::<CodingList>(),
            "OdataTypeValue" => count::<OdataTypeValue>(),
            "Utf8Flaw" => count::<Utf8Flaw>(),
            "OtherPattern" => count::<OtherPattern>(),
            "ProbeMethod" => count::<ProbeMethod>(),
            "JsonExtension" => count::<JsonExtension>(),
            "MemberSpec" => count::<MemberSpec>(),
            "NameCase" => count::<NameCase>(),
            "ProcessingStatus" => count::<ProcessingStatus>(),
            "Property" => count::<Property>(),
            _ => None,
        }
        .ok_or_else(|| {
            Error(format!(
                "no variant count for enum {name}: add it to seed_writer"
            ))
        })
    }

    impl SeedWriter {
        /// `arbitrary` picks variant `(tag * count) >> 32`: the smallest tag that picks `index`.
        fn variant(&mut self, name: &'static str, index: u32) -> Result<(), Error> {
            if let Some(first) = &mut self.probe {
                first.get_or_insert(index);
                self.front.extend_from_slice(&[0; 4]);
                return Ok(());
            }
            let count = u64::from(variant_count(name)?);
            let tag = (u64::from(index) << 32).div_ceil(count);
            let tag =
                u32::try_from(tag).map_err(|_| Error(format!("{name}: no tag for {index}")))?;
            self.front.extend_from_slice(&tag.to_le_bytes());
            Ok(())
        }

        /// The input: `front`, then the strings' lengths, the first string's last. A length is
        /// read from as many bytes as the input then has (1 up to 256 bytes, 2 up to 65 537,
        /// …), big-endian, as a number in `0..=bytes left`.
        pub fn finish(self) -> Vec<u8> {
            let mut sizes: Vec<Vec<u8>> = Vec::with_capacity(self.strings.len());
            let mut after = 0;
            for &(pos, len) in self.strings.iter().rev() {
                let front_left = self.front.len() - pos;
                let width = [(1, 256u64), (2, 65_537), (4, u64::from(u32::MAX) + 4)]
                    .into_iter()
                    .find(|&(w, limit)| (front_left + w + after) as u64 <= limit)
                    .map_or(8, |(w, _)| w);
                let max_size = (front_left + after) as u64;
                let read = (0..width).take_while(|&k| max_size >> (8 * k) > 0).count();
                let mut size = vec![0u8; width];
                for (k, b) in size[..read].iter_mut().enumerate() {
                    *b = (len as u64 >> (8 * (read - 1 - k))) as u8;
                }
                sizes.push(size);
                after += width;
            }
            // `sizes` runs from the last string to the first: the first string's is last
            let mut out = self.front;
            for s in sizes {
                out.extend_from_slice(&s);
            }
            out
        }
    }

    macro_rules! le {
        ($($f:ident: $t:ty),*) => {$(
            fn $f(self, v: $t) -> Result<(), Error> {
                self.front.extend_from_slice(&v.to_le_bytes());
                Ok(())
            }
        )*};
    }

    impl ser::Serializer for &mut SeedWriter {
        type Ok = ();
        type Error = Error;
        type SerializeSeq = Self;
        type SerializeTuple = Self;
        type SerializeTupleStruct = Self;
        type SerializeTupleVariant = Self;
        type SerializeMap = Impossible<(), Error>;
        type SerializeStruct = Self;
        type SerializeStructVariant = Self;

        le!(serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64,
            serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64);

        fn serialize_bool(self, v: bool) -> Result<(), Error> {
            self.front.push(u8::from(v));
            Ok(())
        }
        fn serialize_str(self, v: &str) -> Result<(), Error> {
            self.strings.push((self.front.len(), v.len()));
            self.front.extend_from_slice(v.as_bytes());
            Ok(())
        }
        fn serialize_none(self) -> Result<(), Error> {
            self.serialize_bool(false)
        }
        fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), Error> {
            self.front.push(1);
            v.serialize(self)
        }
        fn serialize_unit(self) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
            Ok(())
        }
        fn serialize_unit_variant(
            self,
            name: &'static str,
            i: u32,
            _: &'static str,
        ) -> Result<(), Error> {
            self.variant(name, i)
        }
        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            v: &T,
        ) -> Result<(), Error> {
            v.serialize(self)
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            name: &'static str,
            i: u32,
            _: &'static str,
            v: &T,
        ) -> Result<(), Error> {
            self.variant(name, i)?;
            v.serialize(self)
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self, Error> {
            Ok(self)
        }
        fn serialize_tuple(self, _: usize) -> Result<Self, Error> {
            Ok(self)
        }
        fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Error> {
            Ok(self)
        }
        fn serialize_tuple_variant(
            self,
            name: &'static str,
            i: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self, Error> {
            self.variant(name, i)?;
            Ok(self)
        }
        fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Error> {
            Ok(self)
        }
        fn serialize_struct_variant(
            self,
            name: &'static str,
            i: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self, Error> {
            self.variant(name, i)?;
            Ok(self)
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
            Err(Error("maps are not in the case space".into()))
        }
        fn serialize_f32(self, _: f32) -> Result<(), Error> {
            Err(Error("floats are not in the case space".into()))
        }
        fn serialize_f64(self, _: f64) -> Result<(), Error> {
            Err(Error("floats are not in the case space".into()))
        }
        fn serialize_char(self, _: char) -> Result<(), Error> {
            Err(Error("chars are not in the case space".into()))
        }
        fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
            Err(Error("byte strings are not in the case space".into()))
        }
    }

    /// A `Vec`: `true` before each element, `false` after the last.
    impl ser::SerializeSeq for &mut SeedWriter {
        type Ok = ();
        type Error = Error;
        fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
            self.front.push(1);
            v.serialize(&mut **self)
        }
        fn end(self) -> Result<(), Error> {
            self.front.push(0);
            Ok(())
        }
    }

    macro_rules! fields_in_order {
        ($($tr:ident :: $f:ident),*) => {$(
            impl ser::$tr for &mut SeedWriter {
                type Ok = ();
                type Error = Error;
                fn $f<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
                    v.serialize(&mut **self)
                }
                fn end(self) -> Result<(), Error> {
                    Ok(())
                }
            }
        )*};
    }
    fields_in_order!(
        SerializeTuple::serialize_element,
        SerializeTupleStruct::serialize_field,
        SerializeTupleVariant::serialize_field
    );

    macro_rules! named_fields_in_order {
        ($($tr:ident),*) => {$(
            impl ser::$tr for &mut SeedWriter {
                type Ok = ();
                type Error = Error;
                fn serialize_field<T: Serialize + ?Sized>(
                    &mut self,
                    key: &'static str,
                    v: &T,
                ) -> Result<(), Error> {
                    if NOT_DECODED.contains(&key) {
                        return Ok(());
                    }
                    v.serialize(&mut **self)
                }
                fn end(self) -> Result<(), Error> {
                    Ok(())
                }
            }
        )*};
    }
    named_fields_in_order!(SerializeStruct, SerializeStructVariant);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changed(s: &Store) -> (String, crate::contract::spec::TaskProcessingResult) {
        let (id, e) = s.entities().next().expect("a fixture entity");
        let mut v = e.value.clone();
        v.failure_reason = Some("written by an execution".into());
        (id.clone(), v)
    }

    #[test]
    fn fuzz_a_seed_written_for_a_sequence_decodes_to_it() {
        // whatever `arbitrary` decodes from random bytes (texts of every length among them),
        // written back as a seed, decodes to the same profile and cases
        let mut rng = crate::model::fixture::SplitMix(5);
        let (mut multi, mut texts) = (0, 0);
        for i in 0..400u64 {
            let len = 16 + (rng.next_u64() % 2048) as usize;
            let bytes: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
            let Some((_, specs)) = sequence_input(&bytes) else {
                continue;
            };
            let which = (i % 3) as u8;
            let seed = sequence_seed(which, &specs).unwrap();
            assert_eq!(
                sequence_input(&seed),
                Some((fuzz_profile(which), specs.clone()))
            );
            multi += usize::from(specs.len() > 1);
            texts += specs
                .iter()
                .flat_map(|s| &s.members)
                .filter(|m| matches!(m, crate::generate::MemberSpec::FailureReason(Some(t)) if !t.text.is_empty()))
                .count();
        }
        assert!(
            multi > 50 && texts > 5,
            "{multi} multi-step inputs, {texts} texts"
        );
        // a text's length is one byte up to an input of 256 bytes, then two, then four: every
        // length across both edges
        for n in (0..600).chain(65_300..65_700) {
            let text = crate::generate::TextSpec {
                text: "x".repeat(n),
                escape_all: false,
                repeat: 1,
            };
            let spec = CaseSpec {
                members: vec![crate::generate::MemberSpec::FailureReason(Some(text))],
                ..CaseSpec::default()
            };
            let specs = vec![spec.clone(), CaseSpec::default(), spec];
            let seed = sequence_seed(1, &specs).unwrap();
            assert_eq!(sequence_input(&seed), Some((fuzz_profile(1), specs)));
        }
    }

    #[test]
    fn fuzz_every_defect_of_the_catalogue_has_a_seed() {
        // every kind of defect, its payload's enums included, is written and decoded back (an
        // enum the writer has no count for fails here, whatever random inputs draw)
        let specs: Vec<CaseSpec> = crate::generate::defect::Defect::catalogue()
            .into_iter()
            .map(|d| CaseSpec {
                defects: vec![d],
                gzip_style: 3,
                ..CaseSpec::default()
            })
            .collect();
        assert!(specs.len() > 50, "{}", specs.len());
        for chunk in specs.chunks(MAX_STEPS) {
            let seed = sequence_seed(2, chunk).unwrap();
            assert_eq!(
                sequence_input(&seed),
                Some((fuzz_profile(2), chunk.to_vec()))
            );
        }
    }

    #[test]
    fn fuzz_a_sequence_outside_the_fuzz_input_space_has_no_seed() {
        let chunked = CaseSpec {
            chunked: true,
            ..CaseSpec::default()
        };
        assert!(sequence_seed(0, &[chunked]).is_err());
        assert!(sequence_seed(0, &vec![CaseSpec::default(); MAX_STEPS + 1]).is_err());
        assert!(sequence_seed(0, &vec![CaseSpec::default(); MAX_STEPS]).is_ok());
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
