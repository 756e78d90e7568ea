//! Deliberately broken implementations: [`Mutated`] decorates the in-process model target with
//! one or more realistic bugs ([`Mutant`]); `serve --mutant` serves it over HTTP. The runner's
//! self-test checks that `check` finds every one, citing the right rule, within the default
//! budget (the kill rate), that stacks of several are each found with nothing else blamed, and
//! that it finds nothing on the correct model. None of this lives in the production responder.

use super::model::ModelTarget;
use super::{BoxFuture, Response, Target, TransportError, yield_once};
use crate::json::{self, Json};
use crate::model::{self, Outcome};
use crate::path::{PathStyle, Route};
use crate::profile::Profile;
use crate::rule::RuleId;
use crate::spec::{Property, Request};
use crate::store::Store;

/// One realistic bug.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mutant {
    /// Accepts `"createdDateTime": null` (and ignores it).
    AcceptNullCreated,
    /// An open enum: unknown `processingStatus` strings are accepted (and ignored).
    OpenEnum,
    /// PUT semantics: properties a PATCH does not name are reset to null.
    PutSemantics,
    /// Non-atomic rejection: the valid members of a rejected body are written anyway.
    NonAtomicRejection,
    /// `204 No Content` instead of `200` with the representation.
    NoContentInsteadOf200,
    /// The via-task route updates `{t0}` instead of `{t}`.
    WrongAliasTarget,
    /// Read-modify-write without the lock: concurrent updates are lost.
    LostUpdates,
    /// 500 on a body that is not JSON.
    ServerErrorOnBadJson,
    /// Segment names compared case-sensitively under a profile that says insensitive.
    CaseSensitiveSegments,
    /// No authentication at all.
    NoAuthentication,
    /// The read-only token may PATCH.
    ReadOnlyTokenWrites,
    /// Any Content-Type is accepted.
    AnyContentType,
    /// Timestamps without an offset are accepted (as UTC).
    TimestampWithoutOffset,
    /// Errors with an empty body.
    EmptyErrorBody,
    /// `Prefer` honoured without `Preference-Applied`.
    NoPreferenceApplied,
    /// `unknownFutureValue` in a PATCH is stored instead of ignored.
    SentinelStored,
    /// A PATCH also writes its `failureReason` into a sibling result (same user processing result).
    IsolationLeak,
    /// PUT is treated as PATCH.
    PutAccepted,
    /// Duplicate members are accepted (last wins).
    DuplicatesAccepted,
    /// Re-sending the current `failureReason` appends " (again)": the same PATCH twice differs.
    NotIdempotent,
    /// Written timestamps are stored to the millisecond (T2.b: coarser than 100 ns).
    CoarseTimestamps,
    /// Every error carries the code `Error` (E2, judged under `strict_error_codes`).
    GenericErrorCodes,
}

impl Mutant {
    /// Every mutant.
    pub const ALL: [Mutant; 22] = [
        Mutant::AcceptNullCreated,
        Mutant::OpenEnum,
        Mutant::PutSemantics,
        Mutant::NonAtomicRejection,
        Mutant::NoContentInsteadOf200,
        Mutant::WrongAliasTarget,
        Mutant::LostUpdates,
        Mutant::ServerErrorOnBadJson,
        Mutant::CaseSensitiveSegments,
        Mutant::NoAuthentication,
        Mutant::ReadOnlyTokenWrites,
        Mutant::AnyContentType,
        Mutant::TimestampWithoutOffset,
        Mutant::EmptyErrorBody,
        Mutant::NoPreferenceApplied,
        Mutant::SentinelStored,
        Mutant::IsolationLeak,
        Mutant::PutAccepted,
        Mutant::DuplicatesAccepted,
        Mutant::NotIdempotent,
        Mutant::CoarseTimestamps,
        Mutant::GenericErrorCodes,
    ];

    /// The mutant with this name (as `Debug` writes it, e.g. `OpenEnum`), ignoring case.
    pub fn from_name(name: &str) -> Option<Mutant> {
        Mutant::ALL
            .into_iter()
            .find(|m| format!("{m:?}").eq_ignore_ascii_case(name))
    }

    /// The rules a finding may cite for this bug (the first is the expected one).
    pub fn rules(self) -> &'static [RuleId] {
        use Mutant::*;
        match self {
            AcceptNullCreated => &[RuleId::B4],
            OpenEnum => &[RuleId::B6],
            PutSemantics => &[RuleId::S2],
            NonAtomicRejection => &[RuleId::S3],
            NoContentInsteadOf200 => &[RuleId::S4],
            WrongAliasTarget => &[RuleId::R2],
            LostUpdates => &[RuleId::S7],
            ServerErrorOnBadJson => &[RuleId::E3],
            CaseSensitiveSegments => &[RuleId::R4],
            NoAuthentication => &[RuleId::H2],
            ReadOnlyTokenWrites => &[RuleId::H2],
            AnyContentType => &[RuleId::H3],
            TimestampWithoutOffset => &[RuleId::T1],
            EmptyErrorBody => &[RuleId::E1],
            NoPreferenceApplied => &[RuleId::H5],
            SentinelStored => &[RuleId::B6, RuleId::S2],
            IsolationLeak => &[RuleId::S6],
            PutAccepted => &[RuleId::H1],
            DuplicatesAccepted => &[RuleId::B2],
            NotIdempotent => &[RuleId::S5, RuleId::S2, RuleId::B10],
            CoarseTimestamps => &[RuleId::T2, RuleId::S2],
            GenericErrorCodes => &[RuleId::E2],
        }
    }

    /// The profile under which this bug is a bug (`GenericErrorCodes` needs
    /// `strict_error_codes`; the others break `graph`).
    pub fn profile(self) -> Profile {
        match self {
            Mutant::GenericErrorCodes => Profile::strict(),
            _ => Profile::graph(),
        }
    }

    /// Every rule a finding may cite for this bug, its documented consequences included (a
    /// finding outside this list, when this is the only bug, is a harness bug).
    pub fn blamable(self) -> &'static [RuleId] {
        use Mutant::*;
        match self {
            // a rejected body's valid members written anyway show as state after the rejection
            NonAtomicRejection => &[RuleId::S3],
            // a sentinel stored then rendered: the PATCH's answer and the state both show it, and
            // the same PATCH sent again answers with the stored sentinel (S5)
            SentinelStored => &[RuleId::B6, RuleId::S2, RuleId::S5, RuleId::S8],
            // the alias writes the wrong entity: the addressed one keeps its value (S2), its
            // sibling changes (S6)
            WrongAliasTarget => &[RuleId::R2, RuleId::S2, RuleId::S6],
            // every PATCH resets what it does not name: concurrent PATCHes lose each other's
            // and the same PATCH sent again answers with what the first one reset (S5)
            PutSemantics => &[RuleId::S2, RuleId::S5, RuleId::S7],
            m => m.rules(),
        }
    }

    /// Rewrites the request before the model sees it.
    pub fn rewrite(self, req: &mut Request, store: &Store, profile: &Profile) {
        use Mutant::*;
        // a realistic server checks the size before it parses: no body rewrite past the limit
        let body_ok = req.body.len() as u64 <= profile.max_body_bytes;
        match self {
            AcceptNullCreated | OpenEnum | TimestampWithoutOffset | DuplicatesAccepted
                if !body_ok => {}
            AcceptNullCreated => {
                drop_members(req, |n, v| n == "createdDateTime" && *v == Json::Null)
            }
            OpenEnum => drop_members(req, |n, v| {
                n == "processingStatus"
                    && v.as_str()
                        .is_some_and(|s| model::enum_member(s, profile, true).is_err())
            }),
            WrongAliasTarget => {
                if let Ok(r) = Route::parse(&req.path, profile) {
                    if r.via_task.is_some() {
                        req.path = Route {
                            via_task: None,
                            ..r
                        }
                        .to_path(&PathStyle::default());
                    }
                }
            }
            CaseSensitiveSegments => {
                let exact = Profile {
                    segment_case: crate::profile::SegmentCase::Exact,
                    ..profile.clone()
                };
                if matches!(Route::parse(&req.path, &exact), Err(e) if e.rule == RuleId::R4) {
                    req.path = "/not-a-route".into();
                }
            }
            NoAuthentication if model::authorize(req, store.tokens()).is_err() => {
                set_header(
                    req,
                    "Authorization",
                    &format!(
                        "Bearer {}",
                        store.tokens().write.first().cloned().unwrap_or_default()
                    ),
                );
            }
            ReadOnlyTokenWrites
                if model::authorize(req, store.tokens()) == Ok(model::Caller::Reader) =>
            {
                set_header(
                    req,
                    "Authorization",
                    &format!(
                        "Bearer {}",
                        store.tokens().write.first().cloned().unwrap_or_default()
                    ),
                );
            }
            AnyContentType if req.method == "PATCH" => {
                set_header(req, "Content-Type", "application/json")
            }
            TimestampWithoutOffset => rewrite_members(&mut req.body, |n, v| match v {
                Json::String(s)
                    if s.len() == 19
                        && Property::from_name(n).is_some_and(|p| p.is_timestamp()) =>
                {
                    Some(Json::String(format!("{s}Z")))
                }
                _ => None,
            }),
            PutAccepted if req.method == "PUT" => req.method = "PATCH".into(),
            NotIdempotent if body_ok && req.method == "PATCH" => {
                let Ok(route) = Route::parse(&req.path, profile) else {
                    return;
                };
                let current = store
                    .resolve(&route)
                    .and_then(|id| store.get(id))
                    .and_then(|e| e.value.failure_reason.clone());
                rewrite_members(&mut req.body, |n, v| match (v, &current) {
                    (Json::String(sent), Some(cur)) if n == "failureReason" && sent == cur => {
                        Some(Json::String(format!("{sent} (again)")))
                    }
                    _ => None,
                });
            }
            DuplicatesAccepted => {
                if let Ok(v @ Json::Object(_)) = json::parse(&req.body) {
                    req.body = serde_json::to_vec(&v.to_value()).unwrap_or_default();
                }
            }
            _ => {}
        }
    }

    /// Changes the store after the model answered (under the lock).
    pub fn after(
        self,
        req: &Request,
        before: &Store,
        out: &Outcome,
        store: &mut Store,
        profile: &Profile,
    ) {
        use Mutant::*;
        match self {
            PutSemantics => {
                if let Some(id) = &out.updated {
                    let named: Vec<String> = match json::parse(&req.body) {
                        Ok(Json::Object(m)) => m.into_iter().map(|(n, _)| n).collect(),
                        _ => vec![],
                    };
                    if let Some(mut v) = store.get(id).map(|e| e.value.clone()) {
                        if !named.iter().any(|n| n == "startedDateTime") {
                            v.started = None;
                        }
                        if !named.iter().any(|n| n == "completedDateTime") {
                            v.completed = None;
                        }
                        if !named.iter().any(|n| n == "failureReason") {
                            v.failure_reason = None;
                        }
                        store.set_value(id, v);
                    }
                }
            }
            NonAtomicRejection => {
                if out.updated.is_some() || req.method != "PATCH" {
                    return;
                }
                let Ok(Json::Object(members)) = json::parse(&req.body) else {
                    return;
                };
                for (n, v) in members {
                    let one = Json::Object(vec![(n, v)]).to_text().into_bytes();
                    let single = Request {
                        body: one,
                        ..req.clone()
                    };
                    let mut probe = store.clone();
                    if model::apply(&mut probe, &single, profile).updated.is_some() {
                        *store = probe;
                    }
                }
            }
            SentinelStored => {
                if let (Some(id), Ok(Json::Object(m))) = (&out.updated, json::parse(&req.body)) {
                    if m.iter().any(|(n, v)| {
                        n == "processingStatus" && v.as_str() == Some("unknownFutureValue")
                    }) {
                        if let Some(mut v) = store.get(id).map(|e| e.value.clone()) {
                            v.status = crate::spec::ProcessingStatus::UnknownFutureValue;
                            store.set_value(id, v);
                        }
                    }
                }
            }
            CoarseTimestamps => {
                if let Some(id) = &out.updated {
                    let ms = |t: crate::timestamp::Timestamp| {
                        crate::timestamp::Timestamp::from_picos(
                            t.picos() - t.picos().rem_euclid(1_000_000_000),
                        )
                    };
                    let written: Vec<String> = match json::parse(&req.body) {
                        Ok(Json::Object(m)) => m.into_iter().map(|(n, _)| n).collect(),
                        _ => vec![],
                    };
                    if let Some(mut v) = store.get(id).map(|e| e.value.clone()) {
                        let w = |n: &str| written.iter().any(|x| x == n);
                        if w("createdDateTime") {
                            v.created = ms(v.created);
                        }
                        if w("startedDateTime") {
                            v.started = v.started.map(ms);
                        }
                        if w("completedDateTime") {
                            v.completed = v.completed.map(ms);
                        }
                        store.set_value(id, v);
                    }
                }
            }
            IsolationLeak => {
                if let Some(id) = &out.updated {
                    let reason = store.get(id).and_then(|e| e.value.failure_reason.clone());
                    // the other result of the same user processing result (a real sibling)
                    let loc = before.get(id).map(|e| e.location.clone());
                    let sibling = before
                        .entities()
                        .find(|(k, e)| {
                            *k != id
                                && loc.as_ref().is_some_and(|l| {
                                    l.workflow == e.location.workflow
                                        && l.user_result == e.location.user_result
                                })
                        })
                        .map(|(k, _)| k.clone());
                    if let (Some(s), Some(r)) = (sibling, reason) {
                        if let Some(mut v) = store.get(&s).map(|e| e.value.clone()) {
                            v.failure_reason = Some(r);
                            store.set_value(&s, v);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// Changes the HTTP reply.
    pub fn reply(
        self,
        status: &mut u16,
        headers: &mut Vec<(String, String)>,
        body: &mut Vec<u8>,
        req: &Request,
    ) {
        use Mutant::*;
        match self {
            NoContentInsteadOf200 if *status == 200 && req.method == "PATCH" => {
                *status = 204;
                body.clear();
                headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
            }
            ServerErrorOnBadJson
                if req.method == "PATCH" && json::parse(&req.body).is_err() && *status == 400 =>
            {
                *status = 500
            }
            EmptyErrorBody if *status >= 400 => body.clear(),
            GenericErrorCodes if *status >= 400 => {
                if let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(body) {
                    v["error"]["code"] = "Error".into();
                    *body = serde_json::to_vec(&v).unwrap_or_default();
                }
            }
            NoPreferenceApplied => {
                headers.retain(|(k, _)| !k.eq_ignore_ascii_case("preference-applied"))
            }
            _ => {}
        }
    }
}

fn set_header(req: &mut Request, name: &str, value: &str) {
    req.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    req.headers.push((name.to_string(), value.to_string()));
}

fn drop_members(req: &mut Request, drop: impl Fn(&str, &Json) -> bool) {
    if let Ok(Json::Object(members)) = json::parse(&req.body) {
        if members.iter().any(|(n, v)| drop(n, v)) {
            let kept: Vec<(String, Json)> =
                members.into_iter().filter(|(n, v)| !drop(n, v)).collect();
            req.body = Json::Object(kept).to_text().into_bytes();
        }
    }
}

/// The model with bugs: a decorator around [`ModelTarget`].
#[derive(Debug)]
pub struct Mutated {
    model: std::sync::Arc<ModelTarget>,
    mutants: Vec<Mutant>,
}

impl Mutated {
    /// The model over `store` under `profile`, broken by every mutant in `mutants`.
    pub fn new(store: Store, profile: Profile, mutants: &[Mutant]) -> Mutated {
        Mutated::over(
            std::sync::Arc::new(ModelTarget::new(store, profile)),
            mutants,
        )
    }

    /// `model`, broken by every mutant in `mutants` (the model stays shared).
    pub fn over(model: std::sync::Arc<ModelTarget>, mutants: &[Mutant]) -> Mutated {
        Mutated {
            model,
            mutants: mutants.to_vec(),
        }
    }

    /// The active mutants.
    pub fn mutants(&self) -> &[Mutant] {
        &self.mutants
    }

    /// The model underneath (its store shows what the bugs did).
    pub fn model(&self) -> &ModelTarget {
        &self.model
    }

    fn has(&self, m: Mutant) -> bool {
        self.mutants.contains(&m)
    }

    async fn answer(&self, original: &Request) -> Response {
        let profile = self.model.profile();
        let mut req = original.clone();
        // the bugs live after the server decoded the body (H6), as in a real implementation
        if let Ok(std::borrow::Cow::Owned(decoded)) = model::decode_body(&req, profile) {
            req.body = decoded;
            req.headers
                .retain(|(k, _)| !k.eq_ignore_ascii_case("content-encoding"));
        }
        // and after it dropped a byte-order mark (B1.d: the model ignores one too)
        if let (rest, true) = json::strip_bom(&req.body) {
            req.body = rest.to_vec();
        }
        let out = if self.has(Mutant::LostUpdates) && req.method == "PATCH" {
            // read, let other requests run, write the whole entity back: loses their updates
            let mut private = self.model.snapshot();
            for m in &self.mutants {
                m.rewrite(&mut req, &private, profile);
            }
            yield_once().await;
            let before = private.clone();
            let out = model::apply(&mut private, &req, profile);
            for m in &self.mutants {
                m.after(&req, &before, &out, &mut private, profile);
            }
            // write back every entity this request changed (the other bugs' writes included)
            let mut shared = self.model.lock();
            for (id, e) in private.entities() {
                if before.get(id).is_none_or(|b| b.value != e.value) {
                    shared.set_value(id, e.value.clone());
                }
            }
            out
        } else {
            let mut store = self.model.lock();
            for m in &self.mutants {
                m.rewrite(&mut req, &store, profile);
            }
            let before = store.clone();
            let out = model::apply(&mut store, &req, profile);
            for m in &self.mutants {
                m.after(&req, &before, &out, &mut store, profile);
            }
            out
        };
        let mut resp = self.model.render(&req, &out);
        for m in &self.mutants {
            m.reply(&mut resp.status, &mut resp.headers, &mut resp.body, &req);
        }
        resp
    }
}

impl Target for Mutated {
    fn send<'a>(&'a self, req: &'a Request) -> BoxFuture<'a, Result<Response, TransportError>> {
        Box::pin(async move { Ok(self.answer(req).await) })
    }
    fn describe(&self) -> String {
        format!("in-process model with mutants {:?}", self.mutants)
    }
}

/// Replaces the members of a JSON object body for which `change` gives a new value, and
/// writes the body again only when one changed (members in order, duplicates kept).
fn rewrite_members(body: &mut Vec<u8>, change: impl Fn(&str, &Json) -> Option<Json>) {
    let Ok(Json::Object(members)) = json::parse(body) else {
        return;
    };
    let mut changed = false;
    let members: Vec<(String, Json)> = members
        .into_iter()
        .map(|(n, v)| match change(&n, &v) {
            Some(new) => {
                changed = true;
                (n, new)
            }
            None => (n, v),
        })
        .collect();
    if changed {
        *body = Json::Object(members).to_text().into_bytes();
    }
}
