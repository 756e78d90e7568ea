//! The judge: pure functions from (the model's outcome set, the answer, the profile) to
//! verdicts. No I/O, no state, no flags: the runner only sequences requests and hands what
//! came back to these functions. Each verdict names its rule and the *kind* of cause, which the
//! findings collector groups by.

pub mod observation;

use crate::contract::clause::ClauseId;
use crate::contract::profile::Profile;
use crate::contract::rule::RuleId;
use crate::contract::spec::{ErrorBody, Request, error_code};
use crate::generate::Case;
use crate::generate::variants::variants;
use crate::model::invariants::{self as check, Detail, Violation};
use crate::model::{self, Outcome};
use crate::sut::Response;
use serde::{Deserialize, Serialize};

/// What kind of difference a verdict is: part of a finding's cause.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Kind {
    /// A 5xx to client input (E3).
    ServerError,
    /// A response body longer than the cap, or endless (E3).
    Oversized,
    /// No complete answer: timeout or broken connection (E3).
    NoAnswer,
    /// The implementation stopped answering after a request (E3).
    Stopped,
    /// An accepted request answered with a 2xx the `success` knob does not allow (S4).
    SuccessShape,
    /// A request the contract accepts was rejected (its rule is the feature it was rejected for).
    Rejected,
    /// A request with a defect was accepted.
    Accepted,
    /// A request with a defect got an error status the contract does not allow for it.
    #[default]
    WrongStatus,
    /// A 4xx without the JSON error envelope (E1).
    Envelope,
    /// An error code other than the endpoint's under `strict_error_codes` (E2).
    ErrorCode,
    /// A 200 representation differs from the model's.
    Representation,
    /// `Prefer` honoured without `Preference-Applied` (H5).
    PreferenceApplied,
    /// A representation breaks an invariant (S8).
    Invariant,
    /// Observed state differs from the model's after a request (S2, S3).
    State,
    /// An entity changed that no request addressed (S6).
    Drift,
    /// The same PATCH twice gave different answers or states (S5).
    Idempotence,
    /// Concurrent PATCHes ended in a state no serial order explains (S7).
    Linearizability,
    /// The implementation's state differs from the fixture before the run (F1).
    Fixture,
    /// A `request-id` an earlier answer of the run carried (E2).
    RequestId,
}

/// One difference, decided: its clause is chosen where the difference is seen and travels
/// typed (the rule is always the clause's); diagnosis may blame another clause with
/// [`Verdict::blame`], never by rewriting text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The broken rule (always `clause.rule()`).
    pub rule: RuleId,
    /// The broken clause.
    pub clause: ClauseId,
    /// The kind of cause.
    pub kind: Kind,
    /// What was wrong, in one sentence (for people; nothing reads it back).
    pub message: String,
    /// The property of a representation that differed, when one did.
    pub property: Option<&'static str>,
    /// How it differed (part of the cause).
    pub detail: Detail,
}

impl Verdict {
    /// A verdict on `clause`, without a property.
    pub fn new(clause: ClauseId, kind: Kind, message: impl Into<String>) -> Verdict {
        Verdict {
            rule: clause.rule(),
            clause,
            kind,
            message: message.into(),
            property: None,
            detail: Detail::None,
        }
    }

    /// A broken invariant as a verdict of `kind`, under the clause its difference names.
    pub fn from_violation(v: Violation, kind: Kind) -> Verdict {
        Verdict {
            rule: v.rule,
            clause: difference_clause(v.rule, v.property, v.detail),
            kind,
            message: v.message,
            property: v.property,
            detail: v.detail,
        }
    }

    /// Files the difference under `clause` (its rule follows).
    pub fn set_clause(&mut self, clause: ClauseId) {
        self.clause = clause;
        self.rule = clause.rule();
    }

    /// Diagnosis found the cause: `clause`, for the reason `because` (told, not parsed).
    pub fn blame(&mut self, clause: ClauseId, because: &str) {
        self.set_clause(clause);
        self.message = format!("{} ({because})", self.message);
    }

    /// Whether it is about a representation's shape (S4.a, T2.a), not the values it shows.
    pub fn is_shape(&self) -> bool {
        self.kind == Kind::Representation && self.detail.is_shape()
    }
}

/// The clause a difference in a representation or a state names, from its rule, property and
/// how it differed. (B6's sentinel where a member was due depends on the request too:
/// [`attribute`] decides it.)
pub fn difference_clause(rule: RuleId, property: Option<&str>, detail: Detail) -> ClauseId {
    match (rule, property, detail) {
        (RuleId::B6, _, Detail::MemberShownInsteadOfSentinel) => ClauseId::B6e,
        (RuleId::B6, _, Detail::SentinelInsteadOfMember) => ClauseId::B6e,
        // a member after the sentinel sent and not stored
        (RuleId::B6, _, Detail::OtherValue) => ClauseId::B6d,
        (RuleId::B6, ..) => ClauseId::B6c,
        (RuleId::T2, _, Detail::InvalidRendering) => ClauseId::T2a,
        (RuleId::T1, _, Detail::FractionLeadingZeros) => ClauseId::T1a,
        (RuleId::T2, ..) => ClauseId::T2b,
        (RuleId::R2, ..) => ClauseId::R2c,
        (RuleId::S4, ..) => ClauseId::S4a,
        (RuleId::S7, _, Detail::BodyNotItsOwnWrite) => ClauseId::S7,
        (rule, ..) => ClauseId::first_of(rule),
    }
}

/// The clause a verdict on `case` names, decided from what the case carries (its defects, its
/// valid variants, its method and body): the defect's for a mishandled defect (or the via-task
/// variant's, R2.c), H1.d for a plain PATCH refused as a method, B6.c/B6.e for a sentinel where
/// a member is due. A rejected valid request keeps its clause: what it was rejected for is
/// diagnosis's to find. Called where the verdict is made ([`judge_case`]).
pub fn attribute(v: &mut Verdict, case: &Case) {
    let clause = match v.kind {
        Kind::Accepted | Kind::WrongStatus => case
            .defects
            .iter()
            .find(|d| d.rule() == v.rule)
            .map(|d| d.clause_id())
            // blamed on a variant the request carries (the via-task route, R2.c)
            .or_else(|| {
                variants(&case.spec)
                    .iter()
                    .find(|x| x.rule() == v.rule)
                    .map(|x| x.clause)
            })
            // H1 demanded of a PATCH whose method is right: only `patch_supported = false`
            .or_else(|| {
                (v.rule == RuleId::H1
                    && case.request.method == "PATCH"
                    && !case.defects.iter().any(|d| d.rule() == RuleId::H1))
                .then_some(ClauseId::H1d)
            }),
        // (a rejected valid request keeps the clause `status_verdict` gave it, H1.a, H1.b or
        // S2, until diagnosis finds what it was rejected for: no variant is guessed here)
        Kind::Representation | Kind::State => sentinel_clause(v, &case.request),
        _ => None,
    };
    if let Some(c) = clause {
        v.set_clause(c);
    }
}

/// The sentinel where a member is due: stored from a PATCH that sent it (B6.c), or a stored
/// member rendered as the sentinel although the preference was sent (B6.e).
pub fn sentinel_clause(v: &Verdict, req: &Request) -> Option<ClauseId> {
    if v.rule != RuleId::B6 || v.detail != Detail::SentinelInsteadOfMember {
        return None;
    }
    let sent = memchr::memmem::find(&req.body, b"unknownFutureValue").is_some();
    Some(if sent { ClauseId::B6c } else { ClauseId::B6e })
}

/// [`judge`] on a generated case: every verdict under the clause the case shows it breaks.
pub fn judge_case(case: &Case, out: &Outcome, resp: &Response, profile: &Profile) -> Vec<Verdict> {
    let mut verdicts = judge(&case.request, out, resp, profile);
    for v in &mut verdicts {
        attribute(v, case);
    }
    verdicts
}

/// The verdicts on one answer, as `check`, `replay` and the differential fuzz target judge a
/// case: [`judge_case`], then a 200 body's difference in a property the request did not name
/// judged as the state it shows ([`observation::unnamed_difference_is_state`]; `stored_status`
/// is the status the model held before the request).
pub fn answer_verdicts(
    case: &Case,
    out: &Outcome,
    resp: &Response,
    stored_status: Option<&str>,
    profile: &Profile,
) -> Vec<Verdict> {
    let mut verdicts = judge_case(case, out, resp, profile);
    observation::unnamed_difference_is_state(
        &mut verdicts,
        &case.request,
        resp,
        stored_status,
        profile,
    );
    verdicts
}

fn status_list(s: &[u16]) -> String {
    s.iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(" or ")
}

/// Judges one answer against the model's outcome set. Returns every verdict, the primary one
/// (the status, or the representation) first; E1 is judged on every 4xx whatever its status.
/// An empty list is a pass.
pub fn judge(req: &Request, out: &Outcome, resp: &Response, profile: &Profile) -> Vec<Verdict> {
    let mut verdicts = Vec::new();
    let expected = status_list(&out.statuses());
    if resp.truncated() {
        verdicts.push(Verdict::new(
            ClauseId::E3,
            Kind::Oversized,
            format!(
                "answered {} with a body of at least {} bytes (cut at {}); expected {expected}",
                resp.status,
                resp.body_len.unwrap_or_default(),
                resp.body.len()
            ),
        ));
        return verdicts;
    }
    if resp.status >= 500 {
        verdicts.push(Verdict::new(
            ClauseId::E3,
            Kind::ServerError,
            format!(
                "answered {} (a 5xx) to client input; expected {expected}",
                resp.status
            ),
        ));
        return verdicts;
    }
    let status_ok = out.accepts(resp.status);
    if !status_ok {
        verdicts.push(status_verdict(req, out, resp.status));
    }
    // a HEAD answer has no body (RFC 9110 §9.3.2): its envelope is not judged (decision 77)
    if (400..500).contains(&resp.status) && req.method != "HEAD" {
        if let Some(v) = envelope(resp) {
            verdicts.push(v);
        } else if status_ok && profile.strict_error_codes {
            verdicts.extend(error_code_verdict(resp));
        }
    }
    // H2.e: every 401 carries a Bearer challenge
    if let Err(v) = check::h2_e_www_authenticate(resp.status, &resp.headers) {
        verdicts.push(Verdict::new(ClauseId::H2e, Kind::Envelope, v.message));
    }
    if status_ok && resp.status == 200 {
        let answer = out.answer(200).unwrap_or(&out.answers[0]);
        if let Some(expected) = &answer.body {
            let mut v = representation(
                resp,
                &expected.to_json(),
                answer.preference_applied,
                profile,
            );
            // R2.c: through the via-task route the representation is `{t}`'s; another entity's
            // is the alias resolved to the wrong entity
            for v in v.iter_mut().filter(|v| v.property == Some("id")) {
                if crate::contract::path::Route::parse(&req.path, profile)
                    .is_ok_and(|r| r.via_task.is_some())
                {
                    v.set_clause(ClauseId::R2c);
                    v.message =
                        format!("the via-task route answered another entity: {}", v.message);
                }
            }
            verdicts.extend(v);
        }
    }
    verdicts
}

/// The status is not one the contract accepts: which kind, and which rule.
pub fn status_verdict(req: &Request, out: &Outcome, status: u16) -> Verdict {
    let expected = status_list(&out.statuses());
    if out.is_success() {
        if (200..300).contains(&status) {
            return Verdict::new(
                ClauseId::S4c,
                Kind::SuccessShape,
                format!(
                    "answered {status} to an accepted {}; the profile's success knob demands {expected}",
                    req.method
                ),
            );
        }
        // the rule is the feature it was rejected for: the runner's diagnosis decides it (a
        // 405 is the method not served, H1)
        let clause = if req.method == "GET" {
            ClauseId::H1b
        } else if status == 405 {
            ClauseId::H1a
        } else {
            ClauseId::S2
        };
        return Verdict::new(
            clause,
            Kind::Rejected,
            format!(
                "rejected a valid {} with {status}; expected {expected}",
                req.method
            ),
        );
    }
    let first = &out.answers[0];
    let rule = first.rules[0];
    let (kind, what) = if (200..300).contains(&status) {
        (Kind::Accepted, "accepted")
    } else {
        (Kind::WrongStatus, "answered")
    };
    Verdict::new(
        ClauseId::first_of(rule),
        kind,
        format!(
            "{what} ({status}) a request that breaks {rule}: {}; expected {expected}",
            first.message
        ),
    )
}

/// E1: a 4xx carries `Content-Type: application/json` and the Graph error envelope.
pub fn envelope(resp: &Response) -> Option<Verdict> {
    let ct = resp.header("content-type").unwrap_or_default();
    let media = ct.split(';').next().unwrap_or_default().trim_ascii();
    if !media.eq_ignore_ascii_case("application/json") {
        let shown = if ct.is_empty() { "none" } else { ct };
        return Some(Verdict::new(
            ClauseId::E1,
            Kind::Envelope,
            format!(
                "{} error with Content-Type {shown}, expected application/json",
                resp.status
            ),
        ));
    }
    ErrorBody::parse(&resp.body).err().map(|e| {
        Verdict::new(
            ClauseId::E1,
            Kind::Envelope,
            format!("{} error: {e}", resp.status),
        )
    })
}

/// E2 under `strict_error_codes`: the code the endpoint emits for this status.
pub fn error_code_verdict(resp: &Response) -> Option<Verdict> {
    let body = ErrorBody::parse(&resp.body).ok()?;
    let want = error_code(resp.status);
    (body.code != want).then(|| {
        Verdict::new(
            ClauseId::E2,
            Kind::ErrorCode,
            format!(
                "error code `{}` for {}, expected `{want}` (strict_error_codes)",
                body.code, resp.status
            ),
        )
    })
}

/// Whether a verdict is about a representation's shape (S4.a, T2.a), not about the values it
/// shows: such a verdict hides no state and no value. (The crate calls [`Verdict::is_shape`],
/// the one definition its tests hold; cargo-mutants found this copy's result untested.)
#[deprecated(note = "use Verdict::is_shape")]
pub fn is_shape(v: &Verdict) -> bool {
    v.is_shape()
}

/// S4, H5, S8 on a 200 representation against the model's: its shape (S4.a, T2.a), then the
/// values it shows (read as the model's where the shape hides them), then `Preference-Applied`;
/// each a verdict of its own, so one rendering bug hides no other.
pub fn representation(
    resp: &Response,
    expected: &serde_json::Value,
    preference_applied: bool,
    profile: &Profile,
) -> Vec<Verdict> {
    let mut actual: serde_json::Value = match serde_json::from_slice(&resp.body) {
        Ok(v) => v,
        Err(e) => {
            return vec![Verdict::new(
                ClauseId::S4a,
                Kind::Representation,
                format!("200 body is not JSON: {e}"),
            )];
        }
    };
    let mut out: Vec<Verdict> = readable(&mut actual, Some(expected), profile);
    if let Err(v) = check::compare_representation(expected, &actual, profile) {
        out.push(Verdict::from_violation(v, Kind::Representation));
    } else {
        let id = expected
            .get("id")
            .and_then(|i| i.as_str())
            .unwrap_or_default();
        if let Err(v) = check::s8_representation(&actual, id, profile, preference_applied) {
            out.push(Verdict::from_violation(v, Kind::Invariant));
        }
    }
    if preference_applied
        && !resp.header("preference-applied").is_some_and(|v| {
            v.to_ascii_lowercase()
                .contains(model::INCLUDE_UNKNOWN_ENUM_MEMBERS)
        })
    {
        out.push(Verdict::new(
            ClauseId::H5b,
            Kind::PreferenceApplied,
            "Prefer: include-unknown-enum-members was honoured without Preference-Applied",
        ));
    }
    out
}

/// An observed representation made readable for the state comparison: what its shape lacks
/// or renders invalidly (S4.a, T2.a) is taken from `model_view`, so a rendering bug is reported
/// once as itself and never as a state difference. Returns the shape verdicts, every one (a
/// missing type hides no unreadable timestamp).
pub fn readable(
    seen: &mut serde_json::Value,
    model_view: Option<&serde_json::Value>,
    profile: &Profile,
) -> Vec<Verdict> {
    let shapes: Vec<Verdict> = check::representation_shapes(seen, profile)
        .into_iter()
        .map(|v| Verdict::from_violation(v, Kind::Representation))
        .collect();
    if shapes.is_empty() {
        return shapes;
    }
    let (Some(obj), Some(view)) = (seen.as_object_mut(), model_view) else {
        return shapes;
    };
    for k in ["@odata.type", "id"]
        .into_iter()
        .chain(crate::contract::spec::Property::ALL.map(crate::contract::spec::Property::name))
    {
        let unreadable = match obj.get(k) {
            None => true,
            Some(serde_json::Value::String(t))
                if crate::contract::spec::Property::from_name(k)
                    .is_some_and(|p| p.is_timestamp()) =>
            {
                crate::contract::timestamp::Timestamp::parse(t, profile.timestamp_grammar).is_err()
            }
            Some(_) => false,
        };
        if unreadable {
            if let Some(v) = view.get(k) {
                obj.insert(k.to_string(), v.clone());
            }
        }
    }
    shapes
}

/// S2/S3: the observed representation of the addressed entity after a request, against the
/// model's view. `accepted` says whether the model accepted the request.
pub fn observed_state(
    model_view: &serde_json::Value,
    seen: &serde_json::Value,
    accepted: bool,
    profile: &Profile,
) -> Option<Verdict> {
    let v = check::compare_representation(model_view, seen, profile).err()?;
    let (clause, what) = if accepted {
        (
            difference_clause(v.rule, v.property, v.detail),
            "after an accepted PATCH",
        )
    } else {
        (ClauseId::S3, "after a rejected request")
    };
    Some(Verdict {
        rule: clause.rule(),
        clause,
        kind: Kind::State,
        message: format!("{what} the entity differs from the contract: {}", v.message),
        property: v.property,
        detail: v.detail,
    })
}

/// S4.b: a PATCH's 200 body equals what a GET right after returns (the GET carries `Prefer`,
/// so without it the status may render as the sentinel).
pub fn patch_body_equals_get(
    body: &serde_json::Value,
    seen: &serde_json::Value,
    preference_applied: bool,
    profile: &Profile,
) -> Option<Verdict> {
    let mut b = body.clone();
    let mut g = seen.clone();
    if !preference_applied {
        b["processingStatus"] = serde_json::Value::Null;
        g["processingStatus"] = serde_json::Value::Null;
    }
    check::compare_representation(&b, &g, profile)
        .err()
        .map(|v| Verdict {
            rule: RuleId::S4,
            clause: ClauseId::S4b,
            kind: Kind::Representation,
            message: format!("the 200 body differs from a GET right after: {}", v.message),
            property: v.property,
            detail: v.detail,
        })
}

/// S5: the same accepted PATCH sent twice gives the same status and representation.
pub fn idempotent(first: &Response, second: &Response, profile: &Profile) -> Option<Verdict> {
    let same_body = match (
        serde_json::from_slice::<serde_json::Value>(&first.body),
        serde_json::from_slice::<serde_json::Value>(&second.body),
    ) {
        // the same text is the same representation, however it renders (S4.a and T2.a are
        // judged on their own)
        (Ok(a), Ok(b)) => a == b || check::compare_representation(&a, &b, profile).is_ok(),
        _ => first.body == second.body,
    };
    (first.status != second.status || !same_body).then(|| {
        Verdict::new(
            ClauseId::S5,
            Kind::Idempotence,
            format!(
                "the same PATCH twice answered {} then {}{}",
                first.status,
                second.status,
                if same_body {
                    ""
                } else {
                    " with different representations"
                }
            ),
        )
    })
}

#[cfg(test)]
mod tests;
