//! The judge with the state in view: what an answer shows against what a read right after it
//! shows. Pure functions of (request, model outcome, response, observed state, profile); the
//! runner only fetches the observation and hands it here. Every relabelling of a verdict
//! (a body that shows the state, S2; a body that differs from the state, S4.b) happens here,
//! typed, where the verdict is made.

use super::{Kind, Verdict, observed_state, patch_body_equals_get, readable};
use crate::contract::clause::ClauseId;
use crate::contract::json;
use crate::contract::profile::Profile;
use crate::contract::rule::RuleId;
use crate::contract::spec::Request;
use crate::model::invariants::Detail;
use crate::model::{self, Outcome};
use crate::sut::Response;

/// The read that observes an entity after a request, for `check`, `replay` and the
/// differential fuzz target alike: a GET of its path with the caller's `Authorization` and
/// `Prefer: include-unknown-enum-members`, so a stored member after the sentinel is shown by
/// name.
pub fn read_back(path: &str, authorization: &str) -> Request {
    Request::new("GET", path)
        .header("Authorization", authorization)
        .header("Prefer", model::INCLUDE_UNKNOWN_ENUM_MEMBERS)
}

/// Whether the state a read shows is to be judged: when model and implementation agree on
/// accepting or rejecting (a wrong 2xx, a bad envelope or a missing header does not hide a
/// state bug) and no value difference of the answer already explains it. When they disagree
/// the state differs by necessity and is only adopted.
pub fn state_is_judged(out: &Outcome, resp: &Response, verdicts: &[Verdict]) -> bool {
    out.is_success() == (200..300).contains(&resp.status)
        && !verdicts
            .iter()
            .any(|v| matches!(v.kind, Kind::State | Kind::Representation) && !v.is_shape())
}

/// The member names a request's body carries (decoded as the model decodes it; a byte-order
/// mark the implementation may ignore, B1.d, does not hide them). Empty when it has none.
pub fn body_names(req: &Request, profile: &Profile) -> Vec<String> {
    let Ok(decoded) = model::decode_body(req, profile) else {
        return Vec::new();
    };
    json::parse(json::strip_bom(&decoded).0)
        .map(|j| j.member_names())
        .unwrap_or_default()
}

/// A 200 body that differs in a property the request did not name shows the entity's state,
/// not this request's effect: it is judged as the state is (S2). Not when the difference is the
/// representation's own: its type or key, a rendering (T2.a), the stored member after the
/// sentinel shown by name without `Prefer` (B6.e: `stored_status` is the status the model holds
/// before the request), the sentinel shown although `Prefer` was sent (H5).
pub fn unnamed_difference_is_state(
    verdicts: &mut [Verdict],
    req: &Request,
    resp: &Response,
    stored_status: Option<&str>,
    profile: &Profile,
) {
    let Some(v) = verdicts.iter_mut().find(|v| !v.is_shape()) else {
        return;
    };
    let (Kind::Representation, Some(p)) = (v.kind, v.property) else {
        return;
    };
    let named = body_names(req, profile).iter().any(|n| n == p);
    let shown = serde_json::from_slice::<serde_json::Value>(&resp.body)
        .ok()
        .and_then(|b| b.get(p).and_then(|s| s.as_str()).map(str::to_string));
    let rendering = v.rule == RuleId::B6
        && v.detail == Detail::MemberShownInsteadOfSentinel
        && stored_status.is_some_and(|s| shown.as_deref() == Some(s));
    let unhonoured =
        v.detail == Detail::SentinelInsteadOfMember && req.header_values("prefer").next().is_some();
    if (!named || req.method == "GET")
        && p != "@odata.type"
        && p != "id"
        && v.detail != Detail::InvalidRendering
        && !rendering
        && !unhonoured
    {
        v.set_clause(ClauseId::S2);
        v.kind = Kind::State;
    }
}

/// What a read right after a request showed, with what the judge needs beside it.
pub struct Observation<'a> {
    /// The request.
    pub request: &'a Request,
    /// The model's answer to it.
    pub outcome: &'a Outcome,
    /// The implementation's answer.
    pub response: &'a Response,
    /// The model's view of the entity after the request (`None` when it holds none).
    pub model_view: Option<&'a serde_json::Value>,
    /// What the read showed, made readable ([`readable`]).
    pub seen: &'a serde_json::Value,
    /// The read's own shape verdicts (S4.a, T2.a).
    pub shapes: Vec<Verdict>,
    /// Whether the state is to be judged (model and implementation agree on accepting, and no
    /// value difference of the answer already explains it).
    pub judge_state: bool,
}

/// Adds to `verdicts` what the observation shows: the read's shape once (when nothing else was
/// wrong), S4.b (a 200 body wrong where the read is right, or other than the read), S2/S3 (the
/// state against the model's), and S4.b again (a right state, a body other than it).
pub fn judge_observation(verdicts: &mut Vec<Verdict>, o: Observation<'_>, profile: &Profile) {
    let request = o.request;
    judge_observed(verdicts, o, profile);
    for v in verdicts.iter_mut() {
        if let Some(c) = super::sentinel_clause(v, request) {
            v.set_clause(c);
        }
    }
}

fn judge_observed(verdicts: &mut Vec<Verdict>, o: Observation<'_>, profile: &Profile) {
    let Observation {
        request,
        outcome,
        response,
        model_view,
        seen,
        shapes,
        judge_state,
    } = o;
    if verdicts.is_empty() {
        verdicts.extend(shapes);
    }
    let agree = outcome.is_success() == (200..300).contains(&response.status);
    let preference_applied = outcome.answers[0].preference_applied;
    // a 200 body wrong in a property the request named, while a GET right after shows the
    // state the contract demands: the body is wrong (S4.b)
    let first_value = verdicts.iter().position(|v| !v.is_shape());
    let body_only = first_value.map(|i| &verdicts[i]).is_some_and(|v| {
        v.kind == Kind::Representation
            && v.property.is_some()
            && v.detail != Detail::InvalidRendering
            && (matches!(v.rule, RuleId::S2 | RuleId::B10 | RuleId::T2)
                // a stale sentinel where this request wrote a member
                || (v.rule == RuleId::B6
                    && ((v.detail == Detail::SentinelInsteadOfMember
                        && request.header_values("prefer").next().is_none())
                        // the member after the sentinel it wrote
                        || v.detail == Detail::OtherValue)))
    });
    // — or shows another state than that GET, whatever the GET shows: the body is wrong (S4.b)
    // and the state is judged on its own
    if body_only && request.method == "PATCH" && response.status == 200 && agree {
        if let (Some(mv), Some(i)) = (model_view, first_value) {
            let state = observed_state(mv, seen, true, profile);
            let differs = serde_json::from_slice::<serde_json::Value>(&response.body)
                .ok()
                .and_then(|mut b| {
                    // read as the GET is: a rendering bug is not a difference
                    readable(&mut b, Some(mv), profile);
                    patch_body_equals_get(&b, seen, preference_applied, profile)
                })
                .is_some();
            if state.is_none() || differs {
                let v = &mut verdicts[i];
                v.set_clause(ClauseId::S4b);
                v.message = format!(
                    "the 200 body differs from the state a GET right after shows: {}",
                    v.message
                );
                verdicts.extend(state);
            }
        }
    }
    if !judge_state {
        return;
    }
    let Some(mv) = model_view else { return };
    if let Some(v) = observed_state(mv, seen, outcome.is_success(), profile) {
        verdicts.push(v);
    } else if response.status == 200 && verdicts.is_empty() {
        if let Ok(body) = serde_json::from_slice::<serde_json::Value>(&response.body) {
            verdicts.extend(patch_body_equals_get(
                &body,
                seen,
                preference_applied,
                profile,
            ));
        }
    }
}
