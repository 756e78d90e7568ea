//! The reference model: `apply(&mut Store, &Request, &Profile) -> Outcome`.
//!
//! Each rule of `CONTRACT.md` is one function below, named after what it decides and citing its
//! id. `apply` collects every defect a request carries, orders them by E4's precedence and
//! answers with the *set* of acceptable responses: under `strict_precedence` only the first
//! defect's status, otherwise the status of any defect present. A request with a defect changes
//! nothing (S3): the body is fully validated into a [`Patch`] before anything is written.
//!
//! ```
//! use tpr_harness::{fixture::Fixture, model, profile::Profile, spec::Request, store::{Store, Tokens}};
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

pub mod fixture;
pub mod invariants;
pub mod store;

use crate::json::{self, Json};
use crate::path::RouteRef;
use crate::profile::{
    DuplicateMembers, EnumCase, IdInBody, Profile, RequestEncodings, SentinelInPatch, Success,
    UnknownProperties,
};
use crate::rule::RuleId;
use crate::spec::{
    NOT_UPDATABLE, ODATA_TYPE, ProcessingStatus, Property, Request, TaskProcessingResult,
};
use crate::store::{Store, Tokens};
use crate::timestamp::Timestamp;

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
    pub fn apply_to(&self, t: &mut TaskProcessingResult) {
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

/// Who the caller is (H2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// A write token.
    Writer,
    /// A read-only token.
    Reader,
}

/// H2: `Authorization: Bearer {token}`; missing, another scheme, empty or unknown token is 401.
pub fn authorize(req: &Request, tokens: &Tokens) -> Result<Caller, Defect> {
    let mut values = req.header_values("authorization");
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(defect(
            401,
            RuleId::H2,
            "exactly one Authorization header is required",
        ));
    };
    let (scheme, token) = crate::spec::credentials(value);
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(defect(
            401,
            RuleId::H2,
            "the Authorization scheme must be Bearer",
        ));
    }
    if token.is_empty() {
        return Err(defect(401, RuleId::H2, "the bearer token is empty"));
    }
    if tokens.write.iter().any(|t| t == token) {
        Ok(Caller::Writer)
    } else if tokens.read_only.iter().any(|t| t == token) {
        Ok(Caller::Reader)
    } else {
        Err(defect(401, RuleId::H2, "the bearer token is not valid"))
    }
}

/// R1–R5: the route a path names (400 when it is not a route).
pub fn route<'r>(req: &'r Request, profile: &'r Profile) -> Result<RouteRef<'r>, Defect> {
    RouteRef::parse(&req.path, profile).map_err(|e| defect(400, e.rule, e.to_string()))
}

/// H3: `Content-Type: application/json`, with `charset=utf-8` and OData parameters allowed.
/// Parameters of other names are ignored (see `docs/DECISIONS.md`).
pub fn content_type(req: &Request) -> Result<(), Defect> {
    let mut values = req.header_values("content-type");
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(defect(
            415,
            RuleId::H3,
            "exactly one Content-Type: application/json header is required",
        ));
    };
    let mut parts = value.split(';');
    let media = parts.next().unwrap_or_default().trim_ascii();
    if !media.eq_ignore_ascii_case("application/json") {
        return Err(defect(
            415,
            RuleId::H3,
            format!("media type `{media}` is not application/json"),
        ));
    }
    for param in parts {
        let param = param.trim_ascii();
        let Some((name, v)) = param.split_once('=') else {
            return Err(defect(
                415,
                RuleId::H3,
                format!("malformed media-type parameter `{param}`"),
            ));
        };
        let (name, v) = (name.trim_ascii(), v.trim_ascii());
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(v);
        if name.is_empty() || v.is_empty() {
            return Err(defect(
                415,
                RuleId::H3,
                format!("malformed media-type parameter `{param}`"),
            ));
        }
        if name.eq_ignore_ascii_case("charset") && !v.eq_ignore_ascii_case("utf-8") {
            return Err(defect(
                415,
                RuleId::H3,
                format!("charset `{v}` is not utf-8"),
            ));
        }
    }
    Ok(())
}

/// H4: the body size limit.
pub fn body_size(req: &Request, profile: &Profile) -> Result<(), Defect> {
    if req.body.len() as u64 > profile.max_body_bytes {
        Err(defect(
            413,
            RuleId::H4,
            format!(
                "body of {} bytes exceeds {} bytes",
                req.body.len(),
                profile.max_body_bytes
            ),
        ))
    } else {
        Ok(())
    }
}

/// H6: how the body is coded, or why it cannot be read (415 unsupported coding, 400 corrupt,
/// 413 decoded past `max_body_bytes`). The body rules then apply to what this returns.
pub fn decode_body<'b>(
    req: &'b Request,
    profile: &Profile,
) -> Result<std::borrow::Cow<'b, [u8]>, Defect> {
    let mut codings = req
        .header_values("content-encoding")
        .flat_map(|v| v.split(','))
        .map(str::trim_ascii)
        .filter(|c| !c.is_empty());
    let (first, second) = (codings.next(), codings.next());
    let coding = match (first, second) {
        (None, _) => return Ok(std::borrow::Cow::Borrowed(&req.body)),
        (Some(c), None) => c,
        (Some(_), Some(_)) => {
            return Err(defect(
                415,
                RuleId::H6,
                "a list of content codings is not supported; use gzip or identity",
            ));
        }
    };
    let gzip = is_gzip_coding(coding);
    if coding.eq_ignore_ascii_case("identity") {
        return Ok(std::borrow::Cow::Borrowed(&req.body));
    }
    if !gzip || profile.request_encodings == RequestEncodings::Identity {
        return Err(defect(
            415,
            RuleId::H6,
            format!(
                "content coding `{coding}` is not supported; use {}",
                accepted_encodings(profile)
            ),
        ));
    }
    gunzip(&req.body, profile.max_body_bytes).map(std::borrow::Cow::Owned)
}

/// H6: whether a content coding names gzip (`gzip`, or its alias `x-gzip`, any case).
pub fn is_gzip_coding(coding: &str) -> bool {
    coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip")
}

/// The codings H6 accepts under `profile`, as an `Accept-Encoding` value.
pub fn accepted_encodings(profile: &Profile) -> &'static str {
    match profile.request_encodings {
        RequestEncodings::Gzip => "gzip, identity",
        RequestEncodings::Identity => "identity",
    }
}

/// H6.c: a body that is not valid in its declared coding.
fn not_gzip(why: &str) -> Defect {
    defect(
        400,
        RuleId::H6,
        format!("the body is not valid gzip: {why}"),
    )
}

/// H6.a/H6.c/H6.d: one or more gzip members, their contents concatenated (RFC 1952 §2.2),
/// decoded to at most `max` bytes in all; bytes after the last member that do not form a
/// gzip member are 400.
fn gunzip(raw: &[u8], max: u64) -> Result<Vec<u8>, Defect> {
    let (out, spans) = inflate(raw, max, true)?;
    if spans < raw.len() {
        return Err(not_gzip(
            "bytes after the last gzip member that do not form a gzip member",
        ));
    }
    Ok(out)
}

/// H6.d: the body decodes to more than `max` bytes.
fn too_large(max: u64) -> Defect {
    defect(
        413,
        RuleId::H6,
        format!("the body decodes to more than {max} bytes"),
    )
}

/// H6.c/H6.d: the gzip member `raw` starts with, decoded to at most `max` bytes (never inflated
/// past it), and how many bytes of `raw` it spans (what follows is not read).
pub fn gzip_member(raw: &[u8], max: u64) -> Result<(Vec<u8>, usize), Defect> {
    inflate(raw, max, false)
}

/// The gzip member `raw` starts with and, when `members`, every member that follows it
/// (RFC 1952 §2.2: what follows a member and starts with ID1 ID2 is read as the next one),
/// decoded to at most `max` bytes in all, and how many bytes of `raw` they span.
fn inflate(raw: &[u8], max: u64, members: bool) -> Result<(Vec<u8>, usize), Defect> {
    use flate2::bufread::GzDecoder;
    use std::cell::RefCell;
    use std::io::{Cursor, Read};
    if raw.is_empty() {
        return Err(not_gzip("empty"));
    }
    // One decoder per thread, reset for each body: a new one allocates and sets up its inflate
    // state, which cost more than decoding a small body. It reads a copy of `raw` (a copy of
    // the coded bytes costs less than that set-up), made once per body: each further member
    // is read from the same copy. The `bufread` decoder takes from its input exactly what the
    // member spans, so what is left after it is what follows the member (`read::GzDecoder`
    // reads ahead into a buffer of its own, and its remainder was empty whatever followed:
    // bytes after the member went unseen).
    thread_local! {
        static DECODER: RefCell<GzDecoder<Cursor<Vec<u8>>>> =
            RefCell::new(GzDecoder::new(Cursor::new(Vec::new())));
    }
    // the last member's trailer says its decoded size (mod 2^32): room for that, never past
    // the limit, so a large body is not copied as it grows (a lying trailer only costs a
    // regrowth)
    let said = raw
        .last_chunk::<4>()
        .map_or(0, |t| u64::from(u32::from_le_bytes(*t)));
    let mut out = Vec::with_capacity(usize::try_from(said.min(max.saturating_add(1))).unwrap_or(0));
    // never more than `max + 1` bytes in all: one past the limit says it is past (H6.d), so a
    // bomb of any size costs what one just over the limit costs
    let bound = max.saturating_add(1);
    let (read, spans) = DECODER.with(|d| {
        let mut decoder = d.borrow_mut();
        let mut input = std::mem::take(decoder.get_mut().get_mut());
        input.clear();
        input.extend_from_slice(raw);
        decoder.reset(Cursor::new(input));
        let mut read = Ok(());
        loop {
            let left = bound.saturating_sub(out.len() as u64);
            if let Err(e) = (&mut *decoder).take(left).read_to_end(&mut out) {
                read = Err(e);
                break;
            }
            let end = usize::try_from(decoder.get_ref().position()).unwrap_or(raw.len());
            let next = raw.get(end..).is_some_and(|r| r.starts_with(&[0x1f, 0x8b]));
            if !members || !next || out.len() as u64 > max {
                break;
            }
            // the next member, from where this one ended, in the same copy
            let mut cursor = decoder.reset(Cursor::new(Vec::new()));
            cursor.set_position(end as u64);
            decoder.reset(cursor);
        }
        let spans = usize::try_from(decoder.get_ref().position()).unwrap_or(raw.len());
        // a large body's copy is not kept for the thread's lifetime
        if decoder.get_ref().get_ref().capacity() > 256 * 1024 {
            *decoder.get_mut().get_mut() = Vec::new();
        }
        (read, spans)
    });
    read.map_err(|e| not_gzip(&e.to_string()))?;
    if out.len() as u64 > max {
        return Err(too_large(max));
    }
    Ok((out, spans.min(raw.len())))
}

/// H5: whether the request carries `Prefer: include-unknown-enum-members` (RFC 7240: comma
/// separated, tokens case-insensitive, parameters after `;`).
pub fn prefers_unknown_members(req: &Request) -> bool {
    req.header_values("prefer")
        .flat_map(|v| v.split(','))
        .any(|p| {
            let token = p.split(';').next().unwrap_or_default();
            let token = token.split('=').next().unwrap_or_default().trim_ascii();
            token.eq_ignore_ascii_case(INCLUDE_UNKNOWN_ENUM_MEMBERS)
        })
}

/// T1: a timestamp value under the profile's grammar.
fn timestamp(p: Property, s: &str, profile: &Profile) -> Result<Timestamp, Defect> {
    Timestamp::parse(s, profile.timestamp_grammar).map_err(|e| {
        // `'{name}': {e}` in one allocation (generated bodies reject many timestamps)
        let mut m = String::with_capacity(128);
        m.push('\'');
        m.push_str(p.name());
        m.push_str("': ");
        e.write_message(&mut m);
        defect(400, RuleId::T1, m)
    })
}

/// B6: a `processingStatus` string. `Ok(None)` is the sentinel under `sentinel_in_patch = ignore`.
pub fn enum_member(
    s: &str,
    profile: &Profile,
    prefer: bool,
) -> Result<Option<ProcessingStatus>, Defect> {
    let found = match profile.enum_case {
        EnumCase::Exact => ProcessingStatus::from_name(s),
        EnumCase::Insensitive => ProcessingStatus::from_name_ignore_case(s),
    };
    let bad = |why: &str| defect(400, RuleId::B6, format!("'processingStatus': `{s}` {why}"));
    match found {
        None => Err(bad("is not a member of lifecycleWorkflowProcessingStatus")),
        Some(ProcessingStatus::UnknownFutureValue) => match profile.sentinel_in_patch {
            SentinelInPatch::Ignore => Ok(None),
            SentinelInPatch::Reject => Err(bad("is the sentinel, not allowed in a PATCH")),
        },
        Some(m) if m.is_after_sentinel() && !profile.has_member(m) => {
            Err(bad("is not a member of lifecycleWorkflowProcessingStatus"))
        }
        Some(m) if m.is_after_sentinel() && !prefer => Err(bad(
            "is after the sentinel and needs Prefer: include-unknown-enum-members",
        )),
        Some(m) => Ok(Some(m)),
    }
}

/// B3–B5, B10: one updatable property's value.
fn property(
    p: Property,
    v: &Json,
    profile: &Profile,
    prefer: bool,
) -> Result<Option<Change>, Defect> {
    let wrong_type = || {
        defect(
            400,
            RuleId::B5,
            format!(
                "'{}' must be a {}, not a {}",
                p.name(),
                if p == Property::FailureReason {
                    "string"
                } else if p.is_timestamp() {
                    "timestamp string"
                } else {
                    "enum string"
                },
                v.type_name()
            ),
        )
    };
    match (p, v) {
        (_, Json::Null) if p.is_required() => Err(defect(
            400,
            RuleId::B4,
            format!(
                "null is not a valid value for the required property '{}'",
                p.name()
            ),
        )),
        (Property::StartedDateTime, Json::Null) => Ok(Some(Change::Started(None))),
        (Property::CompletedDateTime, Json::Null) => Ok(Some(Change::Completed(None))),
        (Property::FailureReason, Json::Null) => Ok(Some(Change::FailureReason(None))),
        (Property::CreatedDateTime, Json::String(s)) => {
            Ok(Some(Change::Created(timestamp(p, s, profile)?)))
        }
        (Property::StartedDateTime, Json::String(s)) => {
            Ok(Some(Change::Started(Some(timestamp(p, s, profile)?))))
        }
        (Property::CompletedDateTime, Json::String(s)) => {
            Ok(Some(Change::Completed(Some(timestamp(p, s, profile)?))))
        }
        (Property::FailureReason, Json::String(s)) => {
            Ok(Some(Change::FailureReason(Some(s.to_string()))))
        }
        (Property::ProcessingStatus, Json::String(s)) => {
            Ok(enum_member(s, profile, prefer)?.map(Change::Status))
        }
        _ => Err(wrong_type()),
    }
}

/// B9: `@odata.type`, when present, names this type.
fn odata_type(v: &Json) -> Result<(), Defect> {
    match v.as_str() {
        Some(s) if s == ODATA_TYPE || s == &ODATA_TYPE[1..] => Ok(()),
        _ => Err(defect(
            400,
            RuleId::B9,
            format!("@odata.type must be {ODATA_TYPE}"),
        )),
    }
}

/// B7: `id` in the body.
fn id_member(v: &Json, addressed: Option<&str>, profile: &Profile) -> Result<(), Defect> {
    match (profile.id_in_body, v, addressed) {
        (IdInBody::Reject, _, _) => Err(defect(
            400,
            RuleId::B7,
            "'id' is the key and cannot be sent",
        )),
        (IdInBody::IgnoreIfEqual, Json::String(s), Some(a)) if s != a => Err(defect(
            400,
            RuleId::B7,
            format!("'id' `{s}` differs from the addressed id `{a}`"),
        )),
        (IdInBody::IgnoreIfEqual, Json::String(_), _) => Ok(()),
        _ => Err(defect(
            400,
            RuleId::B7,
            format!("'id' must be a string, not a {}", v.type_name()),
        )),
    }
}

/// B1–B10, T1: the PATCH body, validated into a [`Patch`] or every defect it carries.
/// `addressed` is the id of the route when the path parsed (for B7).
pub fn body(
    bytes: &[u8],
    addressed: Option<&str>,
    profile: &Profile,
    prefer: bool,
) -> Result<Patch, Vec<Defect>> {
    body_and_choices(bytes, addressed, profile, prefer).0
}

/// [`body`], and the rejections the contract allows without demanding them (B1.d's byte-order
/// mark, B10's long text), found whether the body is otherwise valid or not: an implementation
/// that takes that branch may answer with it alone or beside other defects (E4).
fn body_and_choices(
    bytes: &[u8],
    addressed: Option<&str>,
    profile: &Profile,
    prefer: bool,
) -> (Result<Patch, Vec<Defect>>, Vec<Defect>) {
    // B1.d: a UTF-8 byte-order mark may be ignored or be 400
    let (bytes, bom) = json::strip_bom(bytes);
    let doc = match json::parse(bytes) {
        Ok(doc) => doc,
        Err(e) => {
            let d = defect(400, RuleId::B1, format!("the body is not JSON: {e}"));
            return (Err(vec![d]), Vec::new());
        }
    };
    let Json::Object(members) = doc else {
        let d = defect(
            400,
            RuleId::B1,
            format!("the body must be a JSON object, not a {}", doc.type_name()),
        );
        return (Err(vec![d]), Vec::new());
    };
    let mut defects = Vec::new();
    let mut patch = Patch::default();
    if bom {
        patch.optional.push(defect(
            400,
            RuleId::B1,
            "a byte-order mark before the JSON text (B1.d: may be ignored or 400)",
        ));
    }
    let mut named = [false; 5];
    for (i, (name, value)) in members.iter().enumerate() {
        let later = members[i + 1..].iter().any(|(n, _)| n == name);
        if later {
            if profile.duplicate_members == DuplicateMembers::Reject
                && !members[..i].iter().any(|(n, _)| n == name)
            {
                defects.push(defect(
                    400,
                    RuleId::B2,
                    format!("member '{name}' appears more than once"),
                ));
            }
            continue; // last-wins: only the last occurrence counts
        }
        let result = if name == "@odata.type" {
            odata_type(value)
        } else if name.as_bytes().contains(&b'@') {
            Ok(()) // B9: other annotations are ignored
        } else if name == "id" {
            id_member(value, addressed, profile)
        } else if NOT_UPDATABLE.contains(&&**name) {
            Err(defect(
                400,
                RuleId::B7,
                format!("'{name}' cannot be updated by this operation"),
            ))
        } else if let Some(p) = Property::from_name(name) {
            named[p as usize] = true;
            if let (Property::FailureReason, Json::String(text)) = (p, value) {
                if text.len() > FAILURE_REASON_MUST_ACCEPT {
                    patch.optional.push(defect(
                        400,
                        RuleId::B10,
                        format!(
                            "'failureReason' of {} bytes is longer than 64 KiB (B10: may be accepted or 400)",
                            text.len()
                        ),
                    ));
                }
            }
            property(p, value, profile, prefer).map(|c| patch.changes.extend(c))
        } else if profile.unknown_properties == UnknownProperties::Reject {
            Err(defect(
                400,
                RuleId::B8,
                format!(
                    "the property '{name}' does not exist on type {}",
                    &ODATA_TYPE[1..]
                ),
            ))
        } else {
            Ok(())
        };
        if let Err(d) = result {
            defects.push(d);
        }
    }
    if profile.required_in_body {
        for p in [Property::CreatedDateTime, Property::ProcessingStatus] {
            if !named[p as usize] {
                defects.push(defect(
                    400,
                    RuleId::B4,
                    format!(
                        "required property '{}' is missing (required_in_body)",
                        p.name()
                    ),
                ));
            }
        }
    }
    let choices = patch.optional.clone();
    if defects.is_empty() {
        (Ok(patch), choices)
    } else {
        (Err(defects), choices)
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
