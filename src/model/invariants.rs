//! Invariant checks S2–S8 over (store before, request, outcome, store after), as library
//! functions: the property tests, the fuzz targets and the conformance runner call the same ones.
//!
//! They are written from the contract independently of [`crate::model`]'s code paths where that is
//! cheap (S2 re-reads the body itself), so a model bug shows up as a violation rather than being
//! agreed with.

use crate::contract::json::{self, Json};
use crate::contract::path::Route;
use crate::contract::profile::{EnumCase, Profile};
use crate::contract::rule::RuleId;
use crate::contract::spec::{
    ODATA_TYPE, ProcessingStatus, Property, Request, TaskProcessingResult,
};
use crate::contract::timestamp::Timestamp;
use crate::model::store::Store;
use crate::model::{self, Answer, Outcome};

/// A broken invariant: which rule and what was seen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{rule} violated: {message}")]
pub struct Violation {
    /// The rule.
    pub rule: RuleId,
    /// What was seen.
    pub message: String,
    /// The property of a representation that differed, when one did.
    pub property: Option<&'static str>,
    /// How it differed: part of a finding's cause, so two bugs in one property are two causes.
    pub detail: Detail,
}

/// How a representation or a state differed from the contract's, typed where it is decided: the
/// judge chooses clauses by it (never by a message's text), and its tag is part of a cause key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Detail {
    /// Nothing more specific than the rule.
    #[default]
    None,
    /// The representation lacks its type or members, or is not an object (S4.a).
    Shape,
    /// A timestamp rendered outside the profile's grammar (T2.a).
    InvalidRendering,
    /// A fraction read without its leading zeros (T1.a).
    FractionLeadingZeros,
    /// A value where null was due.
    SetWhereNullExpected,
    /// Null where a value was due.
    NullWhereValueExpected,
    /// A member after the sentinel shown where the sentinel was due (B6.e).
    MemberShownInsteadOfSentinel,
    /// The sentinel where a member was due.
    SentinelInsteadOfMember,
    /// Another value of the same type.
    OtherValue,
    /// A value of another type.
    OtherType,
    /// A concurrent PATCH's 200 body that does not show its own write (S4.b in S7's phase).
    BodyNotItsOwnWrite,
}

impl Detail {
    /// The stable tag a cause key carries (`""` for [`Detail::None`]).
    pub const fn as_str(self) -> &'static str {
        match self {
            Detail::None => "",
            Detail::Shape => "shape",
            Detail::InvalidRendering => "invalid-rendering",
            Detail::FractionLeadingZeros => "fraction-leading-zeros",
            Detail::SetWhereNullExpected => "set-where-null-expected",
            Detail::NullWhereValueExpected => "null-where-value-expected",
            Detail::MemberShownInsteadOfSentinel => "member-shown-instead-of-sentinel",
            Detail::SentinelInsteadOfMember => "sentinel-instead-of-member",
            Detail::OtherValue => "other-value",
            Detail::OtherType => "other-type",
            Detail::BodyNotItsOwnWrite => "body-not-its-own-write",
        }
    }

    /// Whether it is about a representation's shape (S4.a, T2.a), not the values it shows.
    pub const fn is_shape(self) -> bool {
        matches!(self, Detail::Shape | Detail::InvalidRendering)
    }
}

fn violation(rule: RuleId, message: impl Into<String>) -> Violation {
    Violation {
        rule,
        message: message.into(),
        property: None,
        detail: Detail::None,
    }
}

/// How an actual value differs from the expected one, as a short stable tag.
fn difference(e: &serde_json::Value, a: &serde_json::Value) -> Detail {
    use serde_json::Value::{Null, String as S};
    match (e, a) {
        (Null, _) => Detail::SetWhereNullExpected,
        (_, Null) => Detail::NullWhereValueExpected,
        (S(x), S(y)) if x == "unknownFutureValue" => {
            let _ = y;
            Detail::MemberShownInsteadOfSentinel
        }
        (S(_), S(y)) if y == "unknownFutureValue" => Detail::SentinelInsteadOfMember,
        (S(_), S(_)) => Detail::OtherValue,
        _ => Detail::OtherType,
    }
}

/// Runs every check that applies to one step.
pub fn all(
    before: &Store,
    req: &Request,
    outcome: &Outcome,
    after: &Store,
    profile: &Profile,
) -> Result<(), Violation> {
    s2_named_properties_set(before, req, outcome, after, profile)?;
    s3_rejected_changes_nothing(before, outcome, after)?;
    s4_representation_matches_get(req, outcome, after, profile)?;
    s6_only_addressed_entity_changes(before, outcome, after)?;
    // S8 inductively: S3 and S6 above prove every other entity unchanged, so only the written
    // one can have left the invariant
    if let Some(e) = outcome.updated.as_ref().and_then(|id| after.get(id)) {
        for include in [false, true] {
            s8_representation(&e.value.to_json(include), &e.value.id, profile, include)?;
        }
    }
    Ok(())
}

/// S3: a rejected request (or any GET) leaves the store exactly as it was.
pub fn s3_rejected_changes_nothing(
    before: &Store,
    outcome: &Outcome,
    after: &Store,
) -> Result<(), Violation> {
    if outcome.updated.is_none() && before != after {
        return Err(violation(
            RuleId::S3,
            "a request that was not an accepted PATCH changed the store",
        ));
    }
    if !outcome.is_success() && outcome.updated.is_some() {
        return Err(violation(
            RuleId::S3,
            "a rejected request reports an updated entity",
        ));
    }
    Ok(())
}

/// S6: an accepted PATCH changes only the addressed entity.
pub fn s6_only_addressed_entity_changes(
    before: &Store,
    outcome: &Outcome,
    after: &Store,
) -> Result<(), Violation> {
    let Some(id) = &outcome.updated else {
        return Ok(());
    };
    for ((ka, a), (kb, b)) in before.entities().zip(after.entities()) {
        if ka != kb {
            return Err(violation(RuleId::S6, "the set of entities changed"));
        }
        if ka != id && a != b {
            return Err(violation(
                RuleId::S6,
                format!("entity `{ka}` changed though `{id}` was addressed"),
            ));
        }
    }
    if before.len() != after.len() {
        return Err(violation(RuleId::S6, "the number of entities changed"));
    }
    Ok(())
}

/// The last value of each B3 property a body names (re-read independently of the model).
fn named_values(req: &Request, profile: &Profile) -> Vec<(Property, Json<'static>)> {
    // H6: the body as decoded; B1.d: an accepted body may start with a byte-order mark
    let Ok(decoded) = crate::model::decode_body(req, profile) else {
        return Vec::new();
    };
    let (body, _) = json::strip_bom(&decoded);
    let Ok(Json::Object(members)) = json::parse(body) else {
        return Vec::new();
    };
    let mut out: Vec<(Property, Json<'static>)> = Vec::new();
    for (name, value) in members {
        if let Some(p) = Property::from_name(&name) {
            out.retain(|(q, _)| *q != p);
            out.push((p, value.into_owned()));
        }
    }
    out
}

/// S2: after an accepted PATCH each named property holds its new value (the sentinel leaves it
/// as it was) and every other property and the id are unchanged.
pub(crate) fn s2_named_properties_set(
    before: &Store,
    req: &Request,
    outcome: &Outcome,
    after: &Store,
    profile: &Profile,
) -> Result<(), Violation> {
    let Some(id) = &outcome.updated else {
        return Ok(());
    };
    let (Some(b), Some(a)) = (before.get(id), after.get(id)) else {
        return Err(violation(
            RuleId::S2,
            format!("updated entity `{id}` is missing"),
        ));
    };
    let (b, a) = (&b.value, &a.value);
    if a.id != b.id {
        return Err(violation(RuleId::S2, "the id changed"));
    }
    let mut expected = b.clone();
    for (p, v) in named_values(req, profile) {
        let ts = |v: &Json| {
            v.as_str()
                .and_then(|s| Timestamp::parse(s, profile.timestamp_grammar).ok())
        };
        match p {
            Property::CreatedDateTime => expected.created = ts(&v).unwrap_or(expected.created),
            Property::StartedDateTime => expected.started = ts(&v),
            Property::CompletedDateTime => expected.completed = ts(&v),
            Property::FailureReason => expected.failure_reason = v.as_str().map(str::to_string),
            Property::ProcessingStatus => {
                let s = v.as_str().unwrap_or_default();
                let m = match profile.enum_case {
                    EnumCase::Exact => ProcessingStatus::from_name(s),
                    EnumCase::Insensitive => ProcessingStatus::from_name_ignore_case(s),
                };
                match m {
                    Some(ProcessingStatus::UnknownFutureValue) | None => {}
                    Some(m) => expected.status = m,
                }
            }
        }
    }
    if *a != expected {
        return Err(violation(
            RuleId::S2,
            format!("entity `{id}` is {a:?}, expected {expected:?}"),
        ));
    }
    Ok(())
}

/// S4: a 200 answer carries the full representation, equal to what a GET right after returns.
pub(crate) fn s4_representation_matches_get(
    req: &Request,
    outcome: &Outcome,
    after: &Store,
    profile: &Profile,
) -> Result<(), Violation> {
    let Some(ok) = outcome.answer(200) else {
        return Ok(());
    };
    if req.method != "PATCH" {
        return Ok(());
    }
    let Some(repr) = &ok.body else {
        return Err(violation(RuleId::S4, "200 without a representation"));
    };
    // a GET of the same route with the same headers, from the store as the PATCH left it
    let read = model::get(after, req, profile);
    let got = read.answer(200);
    // equal representations render equal JSON: only unequal ones are rendered and compared
    if got.and_then(|a| a.body.as_ref()) == Some(repr) {
        return Ok(());
    }
    let body = repr.to_json();
    match got.and_then(Answer::json) {
        Some(g) if g == body => Ok(()),
        other => Err(violation(
            RuleId::S4,
            format!("PATCH answered {body} but GET answers {other:?}"),
        )),
    }
}

/// S5: the same PATCH applied twice leaves the same state and returns the same representation.
pub fn s5_idempotent(store: &Store, req: &Request, profile: &Profile) -> Result<(), Violation> {
    s5_idempotent_under(store, req, profile, model::apply)
}

/// [`s5_idempotent`] of any `apply` over the model's store (the model's, or a broken one in a
/// test). S5 is about accepted PATCHes only: a GET or a rejection applied twice is S3's
/// business, not S5's.
pub fn s5_idempotent_under(
    store: &Store,
    req: &Request,
    profile: &Profile,
    apply: impl Fn(&mut Store, &Request, &Profile) -> Outcome,
) -> Result<(), Violation> {
    let mut once = store.clone();
    let first = apply(&mut once, req, profile);
    if !first.is_success() || req.method != "PATCH" {
        return Ok(());
    }
    let mut twice = once.clone();
    let second = apply(&mut twice, req, profile);
    if once != twice {
        return Err(violation(
            RuleId::S5,
            "applying the PATCH again changed the state",
        ));
    }
    if first.answers != second.answers {
        return Err(violation(
            RuleId::S5,
            "applying the PATCH again changed the answer",
        ));
    }
    Ok(())
}

/// S8 on one representation (as the model renders it or an implementation returned it):
/// `createdDateTime` non-null and valid, `processingStatus` inside the profile's enum (and, when
/// `include_unknown` is false, not after the sentinel), `id` equal to `expected_id`.
pub fn s8_representation(
    v: &serde_json::Value,
    expected_id: &str,
    profile: &Profile,
    include_unknown: bool,
) -> Result<(), Violation> {
    let bad = |m: String| Err(violation(RuleId::S8, m));
    match v.get("id").and_then(|i| i.as_str()) {
        Some(id) if id == expected_id => {}
        other => return bad(format!("id is {other:?}, expected `{expected_id}`")),
    }
    match v.get("createdDateTime").and_then(|c| c.as_str()) {
        Some(c) if Timestamp::parse(c, crate::contract::timestamp::Grammar::OdataAbnf).is_ok() => {}
        other => {
            return bad(format!(
                "createdDateTime is {other:?}, expected a timestamp"
            ));
        }
    }
    let status = v.get("processingStatus").and_then(|s| s.as_str());
    match status.and_then(ProcessingStatus::from_name) {
        Some(m) if profile.has_member(m) && (include_unknown || !m.is_after_sentinel()) => {}
        _ => {
            return bad(format!(
                "processingStatus is {status:?}, not a member the response may carry (B6)"
            ));
        }
    }
    if let Some(t) = v.get("@odata.type") {
        if t.as_str() != Some(ODATA_TYPE) && t.as_str() != Some(&ODATA_TYPE[1..]) {
            return bad(format!("@odata.type is {t}"));
        }
    }
    Ok(())
}

/// S8 over a whole store: every entity renders a representation that satisfies
/// [`s8_representation`], with and without the Prefer header.
pub fn s8_store_invariants(store: &Store, profile: &Profile) -> Result<(), Violation> {
    for (id, e) in store.entities() {
        if e.value.id != *id {
            return Err(violation(
                RuleId::S8,
                format!("entity stored under `{id}` has id `{}`", e.value.id),
            ));
        }
        for include in [false, true] {
            s8_representation(&e.value.to_json(include), id, profile, include)?;
        }
    }
    Ok(())
}

/// S7: whether `final_store` is a state that some serial order of `accepted` PATCHes (applied
/// to `initial`) produces. Exhaustive for up to 6 requests; for more, per entity, the exact
/// precedence check of [`s7_serial_order`] over the requests addressing it (exact when their
/// values identify their writers; values several share constrain nothing).
pub fn s7_linearizable(
    initial: &Store,
    accepted: &[Request],
    final_store: &Store,
    profile: &Profile,
) -> Result<(), Violation> {
    if accepted.len() <= 6 {
        let mut order: Vec<usize> = (0..accepted.len()).collect();
        if permutations_reach(initial, accepted, &mut order, 0, final_store, profile) {
            return Ok(());
        }
        return Err(violation(
            RuleId::S7,
            "no serial order of the accepted PATCHes produces the final state",
        ));
    }
    if initial.len() != final_store.len() {
        return Err(violation(RuleId::S7, "the number of entities changed"));
    }
    for (id, fin) in final_store.entities() {
        let Some(init) = initial.get(id) else {
            return Err(violation(RuleId::S7, format!("entity `{id}` appeared")));
        };
        let writes: Vec<ConcurrentWrite> = accepted
            .iter()
            .filter(|r| {
                Route::parse(&r.path, profile)
                    .ok()
                    .and_then(|rt| initial.resolve(&rt))
                    == Some(id.as_str())
            })
            .filter_map(|r| ConcurrentWrite::of(initial, r, id, profile, None))
            .collect();
        s7_serial_order(&init.value, &writes, &fin.value).map_err(|v| Violation {
            message: format!("entity `{id}`: {}", v.message),
            ..v
        })?;
    }
    Ok(())
}

/// One concurrent PATCH as the exact S7 check sees it: what it writes (the properties it names
/// and the entity as that write alone would leave it) and, when it answered with one, the 200
/// body it returned.
#[derive(Debug, Clone)]
pub struct ConcurrentWrite {
    /// The properties the request names.
    pub named: Vec<Property>,
    /// The entity with only this request's write applied (its values for `named`).
    pub writes: TaskProcessingResult,
    /// The representation its 200 body showed (`None` for a 204).
    pub body: Option<TaskProcessingResult>,
}

impl ConcurrentWrite {
    /// What `req` writes to entity `id` when applied alone to `initial` (the properties its
    /// body names, and the entity as that write leaves it), with the 200 body it answered.
    /// One definition for the runner's S7 phase and [`s7_linearizable`]; `None` when
    /// `initial` holds no entity `id`.
    pub fn of(
        initial: &Store,
        req: &Request,
        id: &str,
        profile: &Profile,
        body: Option<TaskProcessingResult>,
    ) -> Option<ConcurrentWrite> {
        let mut alone = initial.clone();
        model::apply(&mut alone, req, profile);
        let writes = alone.get(id).or_else(|| initial.get(id))?.value.clone();
        Some(ConcurrentWrite {
            named: named_values(req, profile)
                .into_iter()
                .map(|(p, _)| p)
                .collect(),
            writes,
            body,
        })
    }
}

/// An S7 violation about property `p`.
fn s7_at(p: Property, message: String) -> Violation {
    Violation {
        property: Some(p.name()),
        ..violation(RuleId::S7, message)
    }
}

/// A 200 body that shows no state right after its own write: the body's rule (S4.b) unless the
/// same request alone shows it too (the runner asks).
fn s7_body_at(p: Property, message: String) -> Violation {
    Violation {
        detail: Detail::BodyNotItsOwnWrite,
        ..s7_at(p, message)
    }
}

fn same_value(a: &TaskProcessingResult, b: &TaskProcessingResult, p: Property) -> bool {
    match p {
        Property::CreatedDateTime => a.created == b.created,
        Property::ProcessingStatus => a.status == b.status,
        Property::StartedDateTime => a.started == b.started,
        Property::CompletedDateTime => a.completed == b.completed,
        Property::FailureReason => a.failure_reason == b.failure_reason,
    }
}

/// S7, exactly, for any number of concurrent PATCHes to one entity whose writes carry values
/// that identify their writer: is there a serial order of them that produces `fin` and in
/// which every 200 body shows the state right after its request?
///
/// Each property's final value names its last writer (every other writer of it comes first);
/// a value no writer wrote, while some did, is a lost update; a body must show its own writes,
/// and a value another request wrote puts that request first (the initial value puts every
/// writer of it after). These precedence constraints have a serial order exactly when they have
/// no cycle (a torn write makes one). Values several writers share identify no one and
/// constrain nothing; that a body shows no third write between is not checked.
pub fn s7_serial_order(
    initial: &TaskProcessingResult,
    writes: &[ConcurrentWrite],
    fin: &TaskProcessingResult,
) -> Result<(), Violation> {
    let n = writes.len();
    // before[a] holds (b, why): a comes before b
    let mut before: Vec<Vec<(usize, String)>> = vec![Vec::new(); n];
    let who = |p: Property, v: &TaskProcessingResult| -> Vec<usize> {
        (0..n)
            .filter(|&i| writes[i].named.contains(&p) && same_value(&writes[i].writes, v, p))
            .collect()
    };
    for p in Property::ALL {
        let writers: Vec<usize> = (0..n).filter(|&i| writes[i].named.contains(&p)).collect();
        if writers.is_empty() {
            if !same_value(initial, fin, p) {
                return Err(violation(
                    RuleId::S7,
                    format!("'{}' changed though none of the PATCHes wrote it", p.name()),
                ));
            }
            continue;
        }
        match who(p, fin).as_slice() {
            [] => {
                return Err(s7_at(
                    p,
                    format!(
                        "update of '{}' was lost: it holds a value none of its {} writers wrote",
                        p.name(),
                        writers.len()
                    ),
                ));
            }
            [last] => {
                for &j in writers.iter().filter(|&&j| j != *last) {
                    before[j].push((
                        *last,
                        format!("'{}' ends with request {last}'s value", p.name()),
                    ));
                }
            }
            _ => {}
        }
    }
    for (i, w) in writes.iter().enumerate() {
        let Some(body) = &w.body else { continue };
        for p in Property::ALL {
            if w.named.contains(&p) {
                if !same_value(body, &w.writes, p) {
                    return Err(s7_body_at(
                        p,
                        format!(
                            "the 200 body of request {i} does not show its own write of '{}': no state right after it",
                            p.name()
                        ),
                    ));
                }
                continue;
            }
            let writers: Vec<usize> = (0..n).filter(|&j| writes[j].named.contains(&p)).collect();
            if writers.is_empty() {
                continue;
            }
            match who(p, body).as_slice() {
                [k] => before[*k].push((
                    i,
                    format!("request {i}'s body shows request {k}'s '{}'", p.name()),
                )),
                [] if same_value(body, initial, p) => {
                    for &j in &writers {
                        before[i].push((
                            j,
                            format!("request {i}'s body shows the initial '{}'", p.name()),
                        ));
                    }
                }
                [] => {
                    return Err(s7_body_at(
                        p,
                        format!(
                            "the 200 body of request {i} shows a '{}' no request wrote",
                            p.name()
                        ),
                    ));
                }
                _ => {}
            }
        }
    }
    // Kahn: what is left holds a cycle
    let mut indegree = vec![0usize; n];
    for edges in &before {
        for (b, _) in edges {
            indegree[*b] += 1;
        }
    }
    let mut ready: Vec<usize> = (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut placed = 0;
    while let Some(a) = ready.pop() {
        placed += 1;
        for (b, _) in &before[a] {
            indegree[*b] -= 1;
            if indegree[*b] == 0 {
                ready.push(*b);
            }
        }
    }
    if placed == n {
        return Ok(());
    }
    // name one constraint on the cycle for each side
    let stuck: Vec<usize> = (0..n).filter(|&i| indegree[i] > 0).collect();
    let reasons: Vec<String> = stuck
        .iter()
        .flat_map(|&a| {
            before[a]
                .iter()
                .filter(|(b, _)| stuck.contains(b))
                .map(|(_, r)| r.clone())
        })
        .take(2)
        .collect();
    Err(violation(
        RuleId::S7,
        format!(
            "no serial order of the accepted PATCHes explains the final state and their 200 bodies (a torn write): {}",
            reasons.join("; ")
        ),
    ))
}

fn permutations_reach(
    initial: &Store,
    reqs: &[Request],
    order: &mut Vec<usize>,
    k: usize,
    target: &Store,
    profile: &Profile,
) -> bool {
    if k == order.len() {
        let mut s = initial.clone();
        for &i in order.iter() {
            model::apply(&mut s, &reqs[i], profile);
        }
        return s == *target;
    }
    for i in k..order.len() {
        order.swap(k, i);
        if permutations_reach(initial, reqs, order, k + 1, target, profile) {
            return true;
        }
        order.swap(k, i);
    }
    false
}

/// S4/T2/B6/B10: an implementation's representation against the model's, semantically: ids,
/// strings and enum names exactly, timestamps as instants within `timestamp_tolerance_ns`, every
/// B3 property present (null ones as `null`), `@odata.type` right when present.
pub fn compare_representation(
    expected: &serde_json::Value,
    actual: &serde_json::Value,
    profile: &Profile,
) -> Result<(), Violation> {
    let Some(obj) = actual.as_object() else {
        return Err(violation(
            RuleId::S4,
            format!("the representation is not a JSON object: {actual}"),
        ));
    };
    match obj.get("@odata.type") {
        Some(t) if t.as_str() != Some(ODATA_TYPE) && t.as_str() != Some(&ODATA_TYPE[1..]) => {
            return Err(Violation {
                property: Some("@odata.type"),
                ..violation(RuleId::S4, format!("@odata.type is {t}"))
            });
        }
        // S4.a: the representation names its type
        None if expected.get("@odata.type").is_some() => {
            return Err(Violation {
                property: Some("@odata.type"),
                ..violation(RuleId::S4, "the representation lacks '@odata.type' (S4.a)")
            });
        }
        _ => {}
    }
    // the key and the B3 properties, from their one definition
    for k in std::iter::once("id").chain(Property::ALL.map(Property::name)) {
        let (Some(e), Some(a)) = (expected.get(k), obj.get(k)) else {
            return Err(violation(
                RuleId::S4,
                format!("the representation lacks '{k}'"),
            ));
        };
        let same = match (Property::from_name(k), e, a) {
            (Some(p), serde_json::Value::String(x), serde_json::Value::String(y))
                if p.is_timestamp() =>
            {
                match (
                    Timestamp::parse(x, crate::contract::timestamp::Grammar::OdataAbnf),
                    Timestamp::parse(y, crate::contract::timestamp::Grammar::OdataAbnf),
                ) {
                    (Ok(x), Ok(y)) => x.within(y, profile.timestamp_tolerance_ns),
                    _ => false,
                }
            }
            _ => e == a,
        };
        if !same {
            let rule = match k {
                "id" => RuleId::S8,
                // B10 when the text itself came back different; set/unset is S2
                "failureReason" if e.is_string() && a.is_string() => RuleId::B10,
                "processingStatus" if e == "unknownFutureValue" || a == "unknownFutureValue" => {
                    RuleId::B6
                }
                // a member after the sentinel not stored: the enum's evolvable part (B6.d)
                "processingStatus"
                    if e.as_str()
                        .and_then(ProcessingStatus::from_name)
                        .is_some_and(ProcessingStatus::is_after_sentinel) =>
                {
                    RuleId::B6
                }
                // T2 is about precision and rendering: instants within a second of each other
                // (coarser storage); a timestamp further off was not written as sent (S2)
                // T1.a: the fraction read without its leading zeros (`.05` as `.5`)
                k if Property::from_name(k).is_some_and(Property::is_timestamp)
                    && fraction_lost_leading_zeros(e, a) =>
                {
                    RuleId::T1
                }
                k if Property::from_name(k).is_some_and(Property::is_timestamp)
                    && within_a_second(e, a) =>
                {
                    RuleId::T2
                }
                _ => RuleId::S2,
            };
            return Err(Violation {
                property: Some(k),
                detail: if rule == RuleId::T1 {
                    Detail::FractionLeadingZeros
                } else {
                    difference(e, a)
                },
                ..violation(rule, format!("'{k}' is {}, expected {}", clip(a), clip(e)))
            });
        }
    }
    Ok(())
}

/// S4.a and T2.a on a representation, whatever values it holds: a JSON object naming its type,
/// holding `id` and every B3 property, each timestamp rendered in the profile's grammar. The
/// first problem found ([`representation_shapes`] lists them all).
pub fn representation_shape(
    actual: &serde_json::Value,
    profile: &Profile,
) -> Result<(), Violation> {
    match representation_shapes(actual, profile).into_iter().next() {
        Some(v) => Err(v),
        None => Ok(()),
    }
}

/// Every shape problem of a representation, each a violation of its own so one hides no
/// other: not an object; no `@odata.type`; the members it lacks (one violation naming them
/// all); each timestamp outside the profile's grammar (T2.a).
pub fn representation_shapes(actual: &serde_json::Value, profile: &Profile) -> Vec<Violation> {
    let Some(obj) = actual.as_object() else {
        return vec![violation(
            RuleId::S4,
            format!("the representation is not a JSON object: {}", clip(actual)),
        )];
    };
    let mut out = Vec::new();
    if !obj.contains_key("@odata.type") {
        out.push(Violation {
            property: Some("@odata.type"),
            detail: Detail::Shape,
            ..violation(RuleId::S4, "the representation lacks '@odata.type' (S4.a)")
        });
    }
    let lacks: Vec<&str> = std::iter::once("id")
        .chain(Property::ALL.map(Property::name))
        .filter(|k| !obj.contains_key(*k))
        .collect();
    if !lacks.is_empty() {
        out.push(Violation {
            detail: Detail::Shape,
            ..violation(
                RuleId::S4,
                format!(
                    "the representation lacks '{}' (S4.a: null ones as null, never omitted)",
                    lacks.join("', '")
                ),
            )
        });
    }
    for p in Property::ALL.into_iter().filter(|p| p.is_timestamp()) {
        if let Some(serde_json::Value::String(t)) = obj.get(p.name()) {
            if Timestamp::parse(t, profile.timestamp_grammar).is_err() {
                out.push(Violation {
                    property: Some(p.name()),
                    detail: Detail::InvalidRendering,
                    ..violation(
                        RuleId::T2,
                        format!(
                            "'{}' is rendered as {}, not a timestamp of the profile's grammar (T2.a)",
                            p.name(),
                            clip(&serde_json::Value::String(t.clone()))
                        ),
                    )
                });
            }
        }
    }
    out
}

/// H2.e: a `401` answer carries `WWW-Authenticate` with a `Bearer` challenge (RFC 9110
/// §11.6.1 "MUST", RFC 6750 §3); its parameters are free, and other challenges may stand
/// beside it, in one header or several. Any other status passes. `headers` as the answer
/// holds them (name, value), names compared case-insensitively.
pub fn h2_e_www_authenticate(status: u16, headers: &[(String, String)]) -> Result<(), Violation> {
    if status != 401 {
        return Ok(());
    }
    let values: Vec<&str> = headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("www-authenticate"))
        .map(|(_, v)| v.as_str())
        .collect();
    if values
        .iter()
        .any(|v| challenge_schemes(v).any(|s| s.eq_ignore_ascii_case("bearer")))
    {
        return Ok(());
    }
    Err(Violation {
        rule: RuleId::H2,
        message: if values.is_empty() {
            "401 without WWW-Authenticate; expected a Bearer challenge (H2.e)".into()
        } else {
            format!(
                "401 with WWW-Authenticate `{}`, which names no Bearer challenge (H2.e)",
                values.join(", ")
            )
        },
        property: None,
        detail: Detail::None,
    })
}

/// The auth-schemes a `WWW-Authenticate` value names (RFC 9110 §11.6.1: a comma-separated list
/// of challenges, each a scheme then its token68 or auth-params; commas inside quoted strings
/// separate nothing). An element whose first token is followed by `=` is a parameter.
fn challenge_schemes(value: &str) -> impl Iterator<Item = &str> {
    let mut elements = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                elements.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    elements.push(&value[start..]);
    elements.into_iter().filter_map(|e| {
        let e = e.trim_ascii();
        let end = e.find([' ', '\t', '=']).unwrap_or(e.len());
        let (token, rest) = e.split_at(end);
        let param = rest.trim_ascii_start().starts_with('=')
            && !rest.trim_ascii_start().trim_start_matches('=').is_empty();
        (!token.is_empty() && !param).then_some(token)
    })
}

/// E2: the `request-id`s seen across responses, each a UUID never seen before (contract 1.2:
/// a fresh one for every response, never repeated across requests, runs or instances). Feed
/// it every response a run receives ([`RequestIds::observe`]); a repeat or a missing or
/// malformed id is a violation of E2. The ids of one run are kept in memory (16 bytes each).
#[derive(Debug, Default, Clone)]
pub struct RequestIds {
    seen: std::collections::HashSet<u128>,
}

impl RequestIds {
    /// No id seen yet.
    pub fn new() -> RequestIds {
        RequestIds::default()
    }

    /// How many distinct ids were seen.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// Whether none was seen.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    /// Checks one response's `request-id` header (headers as the answer holds them): present,
    /// a UUID, and not seen in any response before.
    pub fn observe(&mut self, headers: &[(String, String)]) -> Result<(), Violation> {
        let id = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("request-id"))
            .map(|(_, v)| v.trim_ascii());
        let e2 = |message: String| Violation {
            rule: RuleId::E2,
            message,
            property: None,
            detail: Detail::None,
        };
        let Some(id) = id else {
            return Err(e2("a response without request-id".into()));
        };
        let Some(bits) = parse_uuid(id) else {
            return Err(e2(format!("request-id `{id}` is not a UUID")));
        };
        if !self.seen.insert(bits) {
            return Err(e2(format!(
                "request-id `{id}` was sent before: it must be fresh for every response"
            )));
        }
        Ok(())
    }
}

/// E2: the 128 bits of a UUID written `8-4-4-4-12` in hex digits (any case), or `None`.
pub fn parse_uuid(s: &str) -> Option<u128> {
    let groups: Vec<&str> = s.split('-').collect();
    let widths = [8, 4, 4, 4, 12];
    if groups.len() != 5 || groups.iter().zip(widths).any(|(g, w)| g.len() != w) {
        return None;
    }
    let mut bits = 0u128;
    for g in groups {
        for c in g.chars() {
            bits = bits << 4 | u128::from(c.to_digit(16)?);
        }
    }
    Some(bits)
}

/// A JSON value for a message: at most 120 characters of it.
pub fn clip(v: &serde_json::Value) -> String {
    let t = v.to_string();
    if t.chars().count() <= 120 {
        return t;
    }
    let head: String = t.chars().take(100).collect();
    format!("{head}… ({} bytes)", t.len())
}

/// Whether `a` is `e` with the leading zeros of its fraction dropped, in the same second
/// (`…:00.0500000Z` read back as `…:00.5000000Z`).
fn fraction_lost_leading_zeros(e: &serde_json::Value, a: &serde_json::Value) -> bool {
    let parse = |v: &serde_json::Value| {
        v.as_str()
            .and_then(|s| Timestamp::parse(s, crate::contract::timestamp::Grammar::OdataAbnf).ok())
    };
    let (Some(x), Some(y)) = (parse(e), parse(a)) else {
        return false;
    };
    const SECOND: i128 = 1_000_000_000_000;
    let (fx, fy) = (x.picos().rem_euclid(SECOND), y.picos().rem_euclid(SECOND));
    if x.picos() - fx != y.picos() - fy || fx == 0 || fx == fy {
        return false;
    }
    // the twelve fraction digits without leading and trailing zeros are the same digits
    let digits = |f: i128| {
        format!("{f:012}")
            .trim_start_matches('0')
            .trim_end_matches('0')
            .to_string()
    };
    format!("{fx:012}").starts_with('0') && digits(fx) == digits(fy)
}

fn within_a_second(e: &serde_json::Value, a: &serde_json::Value) -> bool {
    let parse = |v: &serde_json::Value| {
        v.as_str()
            .and_then(|s| Timestamp::parse(s, crate::contract::timestamp::Grammar::OdataAbnf).ok())
    };
    match (parse(e), parse(a)) {
        (Some(x), Some(y)) => (x.picos() - y.picos()).abs() < 1_000_000_000_000,
        _ => false,
    }
}
