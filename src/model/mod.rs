//! The reference model: `apply(&mut Store, &Request, &Profile) -> Outcome`.
//!
//! Each rule of `CONTRACT.md` is one function (here, in `request` for the headers and route, in
//! `body` for the body), named after what it decides and citing its
//! id. `apply` collects every defect a request carries, orders them by E4's precedence and
//! answers with the *set* of acceptable responses: under `strict_precedence` only the first
//! defect's status, otherwise the status of any defect present. A request with a defect changes
//! nothing (S3): the body is fully validated into a [`Patch`] before anything is written.
//!
//! ```
//! use tpr_harness::contract::{profile::Profile, spec::Request};
//! use tpr_harness::model::{self, fixture::Fixture, store::{Store, Tokens}};
//! let profile = Profile::graph();
//! let fixture = Fixture::generate(1, &profile);
//! let mut store = Store::new(&fixture, Tokens::new("w", None));
//! let (id, _) = store.entities().next().unwrap();
//! let path = store.direct_route(&id.clone()).unwrap().to_path(&Default::default());
//! let req = Request::new("PATCH", &path)
//!     .header("Authorization", "Bearer w")
//!     .header("Content-Type", "application/json")
//!     .body(r#"{"processingStatus":"failed","failureReason":"boom"}"#);
//! let outcome = model::apply(&mut store, &req, &profile);
//! assert_eq!(outcome.statuses(), vec![200]);
//! ```

mod body;
pub mod fixture;
pub mod invariants;
mod request;
pub mod store;

pub use body::*;
pub use request::*;

use crate::contract::path::RouteRef;
use crate::contract::profile::{Profile, Success};
use crate::contract::rule::RuleId;
use crate::contract::spec::{ProcessingStatus, Request, TaskProcessingResult};
use crate::contract::timestamp::Timestamp;
use crate::model::store::Store;

/// The `Prefer` token of H5.
pub const INCLUDE_UNKNOWN_ENUM_MEMBERS: &str = "include-unknown-enum-members";

/// One acceptable response.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// The rules that decided it.
    pub rules: Vec<RuleId>,
    /// For errors, why (also the `error.message` the endpoint sends).
    pub message: String,
    /// For `200`, the representation (rendered on demand by [`Answer::json`]).
    pub body: Option<Representation>,
    /// Whether `Preference-Applied: include-unknown-enum-members` is due (H5).
    pub preference_applied: bool,
}

/// A representation due in a 200 answer: the value and whether members after the sentinel
/// are shown (B6/H5). Rendering to JSON is deferred: most callers only need the status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Representation {
    /// The entity.
    pub value: TaskProcessingResult,
    /// Render members after the sentinel by name.
    pub include_unknown: bool,
}

impl Representation {
    /// The JSON representation (S4).
    pub fn to_json(&self) -> serde_json::Value {
        self.value.to_json(self.include_unknown)
    }
}

impl serde::Serialize for Representation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

impl Answer {
    /// The 200 representation as JSON, if any.
    pub fn json(&self) -> Option<serde_json::Value> {
        self.body.as_ref().map(Representation::to_json)
    }

    /// A 2xx answer.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// H2.e: the `WWW-Authenticate` challenge a 401 carries (RFC 9110 §11.6.1, RFC 6750 §3).
    pub fn www_authenticate(&self) -> Option<&'static str> {
        (self.status == 401).then_some(WWW_AUTHENTICATE)
    }
}

/// H2.e: the challenge every 401 carries (`Bearer`; its parameters are free).
pub const WWW_AUTHENTICATE: &str = "Bearer realm=\"graph\"";

/// The set of responses the contract accepts for one request, in E4 order (the endpoint sends
/// the first), and what it did to the store.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Outcome {
    /// Acceptable answers; never empty.
    pub answers: Vec<Answer>,
    /// The id of the entity an accepted PATCH wrote (even if nothing changed value).
    pub updated: Option<String>,
}

impl Outcome {
    /// The acceptable statuses.
    pub fn statuses(&self) -> Vec<u16> {
        self.answers.iter().map(|a| a.status).collect()
    }

    /// Whether `status` is acceptable.
    pub fn accepts(&self, status: u16) -> bool {
        self.answers.iter().any(|a| a.status == status)
    }

    /// The answer for `status`, if acceptable.
    pub fn answer(&self, status: u16) -> Option<&Answer> {
        self.answers.iter().find(|a| a.status == status)
    }

    /// Whether the request succeeds: the first answer is 2xx (an optional rejection the contract
    /// allows, B1.d or B10, may follow it).
    pub fn is_success(&self) -> bool {
        self.answers.first().is_some_and(Answer::is_success)
    }

    /// Every rule that decided some answer.
    pub fn rules(&self) -> Vec<RuleId> {
        let mut r: Vec<RuleId> = self
            .answers
            .iter()
            .flat_map(|a| a.rules.iter().copied())
            .collect();
        r.sort();
        r.dedup();
        r
    }
}

/// A defect found in a request: its status, rule and message. Public so generators can name
/// the outcome they demand in the same terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defect {
    /// The status the contract demands for it.
    pub status: u16,
    /// The rule it breaks.
    pub rule: RuleId,
    /// A human message.
    pub message: String,
}

fn defect(status: u16, rule: RuleId, message: impl Into<String>) -> Defect {
    Defect {
        status,
        rule,
        message: message.into(),
    }
}

/// E4: the precedence rank of a defect (lower comes first).
pub fn precedence(d: &Defect) -> u8 {
    match (d.status, d.rule) {
        (401 | 403, _) => 0,
        (400, RuleId::R3 | RuleId::R4 | RuleId::R5) => 1,
        (405, _) => 2,
        (415, _) => 3,
        (413, _) => 4,
        (400, _) => 5,
        (404, _) => 6,
        _ => 7,
    }
}

/// One change an accepted PATCH makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// `createdDateTime`.
    Created(Timestamp),
    /// `processingStatus`.
    Status(ProcessingStatus),
    /// `startedDateTime`.
    Started(Option<Timestamp>),
    /// `completedDateTime`.
    Completed(Option<Timestamp>),
    /// `failureReason`.
    FailureReason(Option<String>),
}

/// A validated PATCH body: the changes it names, in body order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Patch {
    /// The changes.
    pub changes: Vec<Change>,
    /// Rejections the contract allows but does not demand ("may be 400": a byte-order mark,
    /// B1.d; a `failureReason` longer than 64 KiB, B10). Each adds an acceptable answer.
    pub optional: Vec<Defect>,
}

/// B10: lengths of `failureReason` up to this many bytes must be accepted; longer may be 400.
pub const FAILURE_REASON_MUST_ACCEPT: usize = 64 * 1024;

impl Patch {
    /// S2: sets each named property; nothing else.
    pub(crate) fn apply_to(&self, t: &mut TaskProcessingResult) {
        for c in &self.changes {
            match c {
                Change::Created(v) => t.created = *v,
                Change::Status(v) => t.status = *v,
                Change::Started(v) => t.started = *v,
                Change::Completed(v) => t.completed = *v,
                Change::FailureReason(v) => t.failure_reason = v.clone(),
            }
        }
    }
}

/// S1/R2: the entity the route addresses, or 404.
/// A via-task route whose `{t0}` resolves but whose `{t}` is not a result of the same task is
/// an R2 miss; every other miss is S1.
pub fn resolve<'s>(store: &'s Store, route: &RouteRef<'_>) -> Result<&'s str, Defect> {
    store.resolve_ref(route).ok_or_else(|| {
        let parent = RouteRef {
            via_task: None,
            ..route.clone()
        };
        let rule = if route.via_task.is_some() && store.resolve_ref(&parent).is_some() {
            RuleId::R2
        } else {
            RuleId::S1
        };
        defect(
            404,
            rule,
            format!(
                "no taskProcessingResult at this route (addressed id `{}`)",
                route.addressed()
            ),
        )
    })
}

/// S4: the success answers of an accepted PATCH under the `success` knob.
fn success_answers(repr: Representation, prefer: bool, profile: &Profile) -> Vec<Answer> {
    let answer = |status: u16, body: Option<Representation>| Answer {
        status,
        rules: vec![RuleId::S2, RuleId::S4],
        message: String::new(),
        body,
        preference_applied: prefer,
    };
    match profile.success {
        Success::Ok200Body => vec![answer(200, Some(repr))],
        Success::NoContent204 => vec![answer(204, None)],
        Success::Either => vec![answer(200, Some(repr)), answer(204, None)],
    }
}

/// E4: the acceptable error answers for a set of defects.
fn rejection(mut defects: Vec<Defect>, profile: &Profile) -> Outcome {
    defects.sort_by_key(precedence);
    if let (true, Some(first)) = (profile.strict_precedence, defects.first().map(precedence)) {
        defects.retain(|d| precedence(d) == first);
    }
    let mut answers: Vec<Answer> = Vec::new();
    for d in defects {
        add_error(&mut answers, d);
    }
    Outcome {
        answers,
        updated: None,
    }
}

/// E4 with the branches a choice leaves open (B1.d, B10): the answers for `defects`, and those
/// for `defects` with the allowed rejections taken too. An implementation that rejects a
/// byte-order mark may answer that beside an unknown id, whichever the contract's order allows.
fn rejection_with_choices(
    defects: Vec<Defect>,
    choices: Vec<Defect>,
    profile: &Profile,
) -> Outcome {
    if choices.is_empty() {
        return rejection(defects, profile);
    }
    let mut taken = defects.clone();
    taken.extend(choices);
    let mut out = rejection(defects, profile);
    // a status the demanded defects already give needs nothing more (its rules stay theirs)
    for a in rejection(taken, profile).answers {
        if !out.accepts(a.status) {
            out.answers.push(a);
        }
    }
    out
}

/// Adds the error answer `d` demands: a new answer for its status (message from the first
/// defect of that status), or its rule to the answer already there.
fn add_error(answers: &mut Vec<Answer>, d: Defect) {
    match answers.iter_mut().find(|a| a.status == d.status) {
        Some(a) => {
            if !a.rules.contains(&d.rule) {
                a.rules.push(d.rule);
            }
        }
        None => answers.push(Answer {
            status: d.status,
            rules: vec![d.rule],
            // `{message} ({rule})`, in the defect's own buffer
            message: {
                let mut m = d.message;
                m.push_str(" (");
                m.push_str(d.rule.as_str());
                m.push(')');
                m
            },
            body: None,
            preference_applied: false,
        }),
    }
}

/// The model's answer to a GET of `req`'s route (with `req`'s headers; any method, body
/// ignored): what [`apply`] answers a GET, from a store it only reads. S4 compares a PATCH's
/// representation with it.
pub fn get(store: &Store, req: &Request, profile: &Profile) -> Outcome {
    let mut defects = Vec::new();
    if let Err(d) = authorize(req, store.tokens()) {
        defects.push(d);
    }
    let id = match route(req, profile) {
        Ok(r) => resolve(store, &r).map_err(|d| defects.push(d)).ok(),
        Err(d) => {
            defects.push(d);
            None
        }
    };
    let (Some(id), true) = (id, defects.is_empty()) else {
        return rejection(defects, profile);
    };
    let prefer = prefers_unknown_members(req);
    let repr = store.get(id).map(|e| Representation {
        value: e.value.clone(),
        include_unknown: prefer,
    });
    Outcome {
        answers: vec![Answer {
            status: 200,
            rules: vec![RuleId::H1, RuleId::S4],
            message: String::new(),
            body: repr,
            preference_applied: prefer,
        }],
        updated: None,
    }
}

/// The model: applies `req` to `store` under `profile`. A rejected request leaves `store`
/// untouched (S3). Never panics.
pub fn apply(store: &mut Store, req: &Request, profile: &Profile) -> Outcome {
    if req.method == "GET" {
        return get(store, req, profile);
    }
    let mut defects = Vec::new();
    let caller = authorize(req, store.tokens())
        .map_err(|d| defects.push(d))
        .ok();
    let route = route(req, profile).map_err(|d| defects.push(d)).ok();
    let prefer = prefers_unknown_members(req);
    match req.method.as_str() {
        "PATCH" => {
            if caller == Some(Caller::Reader) {
                defects.push(defect(
                    403,
                    RuleId::H2,
                    "the token lacks LifecycleWorkflows.ReadWrite.All",
                ));
            }
            if !profile.patch_supported {
                defects.push(defect(
                    405,
                    RuleId::H1,
                    "PATCH is not supported on taskProcessingResults (Updatable=false)",
                ));
                return rejection(defects, profile);
            }
            if let Err(d) = content_type(req) {
                defects.push(d);
            }
            if let Err(d) = body_size(req, profile) {
                defects.push(d);
            }
            let addressed = route.as_ref().map(RouteRef::addressed);
            // H6: the body rules apply to the decoded body; one that cannot be decoded is not
            // evaluated further
            let mut choices = Vec::new();
            let patch = match decode_body(req, profile) {
                Ok(bytes) => {
                    let (patch, allowed) = body_and_choices(&bytes, addressed, profile, prefer);
                    choices = allowed;
                    patch.map_err(|d| defects.extend(d)).ok()
                }
                Err(d) => {
                    defects.push(d);
                    None
                }
            };
            let target = match &route {
                Some(r) => resolve(store, r)
                    .map_err(|d| defects.push(d))
                    .ok()
                    .map(str::to_string),
                None => None,
            };
            match (patch, target) {
                (Some(patch), Some(id)) if defects.is_empty() => {
                    let Some(value) = store.value_mut(&id) else {
                        return rejection(vec![defect(404, RuleId::S1, "vanished")], profile);
                    };
                    patch.apply_to(value);
                    let repr = Representation {
                        value: value.clone(),
                        include_unknown: prefer,
                    };
                    let mut answers = success_answers(repr, prefer, profile);
                    // the rejections the contract allows but does not demand (B1.d, B10)
                    for d in patch.optional {
                        add_error(&mut answers, d);
                    }
                    Outcome {
                        answers,
                        updated: Some(id),
                    }
                }
                _ => rejection_with_choices(defects, choices, profile),
            }
        }
        other => {
            defects.push(defect(
                405,
                RuleId::H1,
                format!("method {other} is not allowed; use GET or PATCH"),
            ));
            rejection(defects, profile)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::json::Json;

    #[test]
    fn e4_strict_precedence_keeps_the_first_rank_and_never_panics_on_no_defect() {
        let strict = Profile {
            strict_precedence: true,
            ..Profile::graph()
        };
        assert!(rejection(Vec::new(), &strict).answers.is_empty());
        let out = rejection(
            vec![
                defect(404, RuleId::S1, "gone"),
                defect(415, RuleId::H3, "media type"),
            ],
            &strict,
        );
        assert_eq!(out.statuses(), vec![415]);
        let out = rejection(
            vec![
                defect(404, RuleId::S1, "gone"),
                defect(415, RuleId::H3, "media type"),
            ],
            &Profile::graph(),
        );
        assert_eq!(out.statuses(), vec![415, 404]);
    }

    #[test]
    fn e4_precedence_ranks_follow_the_contracts_order() {
        // 401/403, 400 for the route, 405, 415, 413, 400 for the body, 404
        let rank = |status, rule| precedence(&defect(status, rule, ""));
        let order = [
            rank(401, RuleId::H2),
            rank(400, RuleId::R5),
            rank(405, RuleId::H1),
            rank(415, RuleId::H3),
            rank(413, RuleId::H4),
            rank(400, RuleId::B1),
            rank(404, RuleId::S1),
        ];
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
        assert_eq!(rank(403, RuleId::H2), rank(401, RuleId::H2));
        assert!(rank(500, RuleId::E3) > rank(404, RuleId::S1));
    }

    #[test]
    fn h3_a_malformed_media_type_parameters_are_415() {
        let with = |ct: &str| content_type(&Request::new("PATCH", "/p").header("Content-Type", ct));
        assert!(with("application/json; charset=utf-8").is_ok());
        assert!(with("application/json; charset=\"utf-8\"").is_ok());
        for bad in [
            "application/json; charset=",
            "application/json; =utf-8",
            "application/json; charset",
        ] {
            assert_eq!(with(bad).map_err(|d| d.status), Err(415), "{bad}");
        }
    }

    #[test]
    fn b7_a_id_in_body_reject_refuses_even_the_equal_id() {
        let strict = Profile::strict();
        let graph = Profile::graph();
        let id = Json::String("t1".into());
        assert_eq!(
            id_member(&id, Some("t1"), &strict).map_err(|d| d.status),
            Err(400)
        );
        assert!(id_member(&id, Some("t1"), &graph).is_ok());
        assert_eq!(
            id_member(&Json::String("t2".into()), Some("t1"), &graph).map_err(|d| d.status),
            Err(400)
        );
    }
}
