//! What each mutant does after the model answered: to the store, and to the HTTP reply.

use super::Mutant;
use super::request::nesting;
use crate::contract::json::{self, Json};
use crate::contract::path::Route;
use crate::contract::profile::Profile;
use crate::contract::rule::RuleId;
use crate::contract::spec::{Property, Request};
use crate::model::store::Store;
use crate::model::{self, Outcome};

impl Mutant {
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
                    let named = json::parse(&req.body)
                        .map(|j| j.member_names())
                        .unwrap_or_default();
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
                            v.status = crate::contract::spec::ProcessingStatus::UnknownFutureValue;
                            store.set_value(id, v);
                        }
                    }
                }
            }
            CoarseTimestamps => {
                if let Some(id) = &out.updated {
                    let ms = |t: crate::contract::timestamp::Timestamp| {
                        crate::contract::timestamp::Timestamp::from_picos(
                            t.picos() - t.picos().rem_euclid(1_000_000_000),
                        )
                    };
                    let written = json::parse(&req.body)
                        .map(|j| j.member_names())
                        .unwrap_or_default();
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
            FailureReasonTruncated
            | AstralCharactersReplaced
            | FailureReasonTrimmed
            | ControlCharactersStripped
            | NoncharactersReplaced => {
                let Some(id) = &out.updated else { return };
                let Some(mut v) = store.get(id).map(|e| e.value.clone()) else {
                    return;
                };
                let Some(text) = v.failure_reason.take() else {
                    return;
                };
                v.failure_reason = Some(match self {
                    FailureReasonTruncated => {
                        let mut end = text.len().min(32 * 1024);
                        while !text.is_char_boundary(end) {
                            end -= 1;
                        }
                        text[..end].to_string()
                    }
                    FailureReasonTrimmed => text.trim().to_string(),
                    ControlCharactersStripped => text.chars().filter(|c| !c.is_control()).collect(),
                    NoncharactersReplaced => text
                        .chars()
                        .map(|c| {
                            let u = u32::from(c);
                            if (0xFDD0..=0xFDEF).contains(&u) || u & 0xFFFE == 0xFFFE {
                                '\u{FFFD}'
                            } else {
                                c
                            }
                        })
                        .collect(),
                    _ => text
                        .chars()
                        .map(|c| if u32::from(c) > 0xFFFF { '\u{FFFD}' } else { c })
                        .collect(),
                });
                store.set_value(id, v);
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
        profile: &Profile,
    ) {
        use Mutant::*;
        let error = *status >= 400;
        let ok_body = *status == 200 && !body.is_empty();
        match self {
            MalformedPathIs404
                if *status == 400
                    && matches!(Route::parse(&req.path, profile), Err(e) if e.rule == RuleId::R5) =>
            {
                *status = 404
            }
            UnresolvedIs400 if *status == 404 && Route::parse(&req.path, profile).is_ok() => {
                *status = 400
            }
            OtherMethodsAre400
                if *status == 405 && !matches!(req.method.as_str(), "GET" | "PATCH") =>
            {
                *status = 400
            }
            MissingAuthIs403
                if *status == 401 && req.header_values("authorization").next().is_none() =>
            {
                *status = 403
            }
            NoPreferenceAppliedOnGet if req.method == "GET" => {
                headers.retain(|(k, _)| !k.eq_ignore_ascii_case("preference-applied"))
            }
            TimestampsRenderedWithoutOffset | NoOdataTypeInBody | NullPropertiesOmitted
                if ok_body =>
            {
                let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(body) else {
                    return;
                };
                let Some(members) = v.as_object_mut() else {
                    return;
                };
                match self {
                    TimestampsRenderedWithoutOffset => {
                        for (n, x) in members.iter_mut() {
                            if let (Some(p), Some(t)) = (Property::from_name(n), x.as_str()) {
                                if p.is_timestamp() && t.ends_with('Z') {
                                    *x = t[..t.len() - 1].into();
                                }
                            }
                        }
                    }
                    NoOdataTypeInBody => {
                        members.remove("@odata.type");
                    }
                    _ => members.retain(|_, x| !x.is_null()),
                }
                *body = serde_json::to_vec(&v).unwrap_or_default();
            }
            ErrorsAsPlainText if error => {
                for (k, v) in headers.iter_mut() {
                    if k.eq_ignore_ascii_case("content-type") {
                        *v = "text/plain".into();
                    }
                }
            }
            EmptyErrorCode if error => {
                if let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(body) {
                    v["error"]["code"] = "".into();
                    *body = serde_json::to_vec(&v).unwrap_or_default();
                }
            }
            DeepNestingCrashes if *status == 400 && nesting(&req.body) > 100 => *status = 500,
            BodyBeforeMediaType
                if *status == 415
                    && req.method == "PATCH"
                    && req.header_values("content-encoding").next().is_none()
                    && json::parse(&req.body).is_err() =>
            {
                *status = 400;
                if let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(body) {
                    v["error"]["code"] = "BadRequest".into();
                    *body = serde_json::to_vec(&v).unwrap_or_default();
                }
            }
            NoContentInsteadOf200 if *status == 200 && req.method == "PATCH" => {
                *status = 204;
                body.clear();
                headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
            }
            // (an empty body is refused before the parser runs, as frameworks do)
            ServerErrorOnBadJson
                if req.method == "PATCH"
                    && !req.body.is_empty()
                    && json::parse(&req.body).is_err()
                    && *status == 400 =>
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
            RequestIdFromRequest => {
                let id = request_id_of(req);
                for (k, v) in headers.iter_mut() {
                    if k.eq_ignore_ascii_case("request-id") {
                        *v = id.clone();
                    }
                }
                if let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(body) {
                    if let Some(inner) = v
                        .pointer_mut("/error/innerError")
                        .and_then(|i| i.as_object_mut())
                    {
                        inner.insert("request-id".into(), id.into());
                        *body = serde_json::to_vec(&v).unwrap_or_default();
                    }
                }
            }
            NoChallengeOn401 if *status == 401 => {
                headers.retain(|(k, _)| !k.eq_ignore_ascii_case("www-authenticate"))
            }
            // a preflight answered by the middleware, after authentication
            OptionsAnswered if req.method == "OPTIONS" && *status == 405 => {
                *status = 204;
                body.clear();
                headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
            }
            // the gzip trailer says how much the whole body inflates to
            BombInflatedWhole
                if *status == 413
                    && req
                        .header_values("content-encoding")
                        .any(model::is_gzip_coding)
                    && req
                        .body
                        .last_chunk::<4>()
                        .is_some_and(|t| u32::from_le_bytes(*t) > 256 << 20) =>
            {
                *status = 500
            }
            _ => {}
        }
    }
}

/// E2's bug: a UUID made of the request alone (FNV-1a over method, path, headers and body,
/// twice).
fn request_id_of(req: &Request) -> String {
    let fnv = |offset: u64| {
        let mut h = offset;
        for b in req
            .method
            .bytes()
            .chain([0])
            .chain(req.path.bytes())
            .chain([0])
            .chain(
                req.headers
                    .iter()
                    .flat_map(|(k, v)| k.bytes().chain([b':']).chain(v.bytes()).chain([0])),
            )
            .chain(req.body.iter().copied())
        {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
        }
        h
    };
    let bits = (u128::from(fnv(0xCBF2_9CE4_8422_2325)) << 64) | u128::from(fnv(0x84222325));
    let hex = format!("{bits:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}
