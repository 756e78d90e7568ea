//! A concrete [`Case`]: built from a [`CaseSpec`] under a profile, with its clauses and rules.

use super::defect::{Defect, Demand, Draft, Raw};
use super::*;
use crate::contract::json::quote;
use crate::contract::path::{NameCase, Route};
use crate::contract::profile::{IdInBody, Profile};
use crate::contract::rule::RuleId;
use crate::contract::spec::{Framing, ODATA_TYPE, ProcessingStatus, Request};
use crate::model::store::Store;
use arbitrary::{Arbitrary, Unstructured};
use serde::{Deserialize, Serialize};

/// A concrete generated request with its defects and the outcome the contract demands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// The spec it came from (for replay and shrinking).
    pub spec: CaseSpec,
    /// The request.
    pub request: Request,
    /// The defects actually applied (inapplicable or conflicting ones are dropped).
    pub defects: Vec<Defect>,
    /// The demanded outcome.
    pub demand: Demand,
    /// The id the request addresses, when it resolves.
    pub target: Option<String>,
    /// Rules the valid part exercises (route form, Prefer, annotations…), for coverage.
    pub exercised: Vec<RuleId>,
    /// The `processingStatus` the addressed entity held in the store the case was built
    /// against (B6.e: a member after the sentinel is rendered by its rule in the answer).
    pub stored: Option<ProcessingStatus>,
}

impl Case {
    /// One line: method, path, defects and demanded statuses.
    pub fn describe(&self) -> String {
        format!(
            "{} {} defects={:?} demand={:?} body={}",
            self.request.method,
            self.request.path,
            self.defects,
            self.demand.statuses,
            String::from_utf8_lossy(&self.request.body)
                .chars()
                .take(200)
                .collect::<String>()
        )
    }

    /// Every clause of contract 1.2 this case puts to the test: for a rejecting clause a defect
    /// that breaks it, for an accepting clause a valid feature the request relies on. (State
    /// clauses S5–S7 and F1 are counted by the runner's phases.)
    pub fn clauses(&self, profile: &Profile) -> Vec<&'static str> {
        let s = &self.spec;
        let mut c: Vec<&'static str> = self.defects.iter().map(|d| d.clause()).collect();
        // F2: the configured tokens decide the answer (one definition: [`Case::rules`])
        if self.rules().contains(&RuleId::F2) {
            c.push("F2");
        }
        // B6.e: a stored member after the sentinel is rendered by its rule in this answer
        if self.defects.is_empty() && self.stored.is_some_and(|st| st.is_after_sentinel()) {
            c.push("B6.e");
        }
        let rejected = self.demand.statuses.iter().any(|st| *st >= 400);
        let patch = self.request.method == "PATCH";
        if self.defects.len() > 1 {
            c.push("E4");
        }
        if rejected {
            c.extend(["E1", "E3"]);
            if profile.strict_error_codes {
                c.push("E2");
            }
            if patch && self.target.is_some() {
                c.push("S3");
            }
        }
        if self.defects.iter().any(|d| d.clause().starts_with("T1.")) {
            c.push("T1.g");
        }
        if self.defects.contains(&Defect::GzipBomb) || self.defects.contains(&Defect::GzipHugeBomb)
        {
            c.push("H4.b");
        }
        // H2.e: every 401 answer is judged for its Bearer challenge
        if self.demand.statuses.contains(&401) {
            c.push("H2.e");
        }
        // a chunked body the answer depends on: read whole and held to the limit as received
        if self.is_chunked()
            && (self.defects.is_empty()
                || self
                    .defects
                    .iter()
                    .any(|d| matches!(d, Defect::Oversize | Defect::EmptyBody)))
        {
            c.push("H4.b");
        }
        if patch && !profile.patch_supported {
            c.push("H1.d");
        }
        // the valid features it relies on, when nothing else decides the answer
        if self.defects.is_empty() {
            c.push(
                if s.alias.is_some() && self.request.path.contains("/task/") {
                    "R1.b"
                } else {
                    "R1.a"
                },
            );
            if self.request.path.contains("/task/") {
                c.extend(["R2.a", "R2.c"]);
                let parts: Vec<&str> = self.request.path.split('/').collect();
                let ids: Vec<&&str> = parts
                    .iter()
                    .skip_while(|p| !p.eq_ignore_ascii_case("taskProcessingResults"))
                    .collect();
                if ids.len() >= 5 && ids[1] == ids[ids.len() - 1] {
                    c.push("R2.b");
                }
            }
            c.push("R3.a");
            if self.request.path.contains("('") {
                c.push("R3.b");
            }
            if s.style.encode && self.request.path.contains('%') {
                c.push("R3.c");
            }
            if s.pad_to_limit && patch {
                c.push("H4.a");
            }
            if s.style.case != NameCase::Canonical {
                c.push("R4.a");
            }
            if s.style.trailing_slash {
                c.push("R4.c");
            }
            if s.style.encode_names {
                c.push("R4.a");
            }
            if s.token_spaces {
                c.push("H2.c");
            }
            c.push(match (patch, profile.patch_supported) {
                (false, _) => "H1.b",
                (true, true) => "H1.a",
                // under graph-live a PATCH puts H1.d to the test, not H1.a
                (true, false) => "H1.d",
            });
            if s.auth_variant % 3 == 1 {
                c.push("H2.b");
            }
            if !patch && s.auth_variant % 3 == 2 {
                c.push("H2.d");
            }
            if patch {
                let ct = self
                    .request
                    .header_values("content-type")
                    .next()
                    .unwrap_or("");
                if ct != "application/json" {
                    c.push(content_type_clause(ct));
                }
                if ct.contains(';') {
                    c.push("H3.b");
                }
                if self
                    .request
                    .header_values("content-encoding")
                    .any(crate::model::is_gzip_coding)
                {
                    c.push("H6.a");
                }
                if s.bom && profile.patch_supported {
                    c.push("B1.d");
                }
            }
            if self.request.header_values("prefer").next().is_some() {
                c.extend(["H5.a", "H5.b"]);
            }

            if patch && profile.patch_supported {
                c.extend(["S2", "S4.a", "S4.b", "S4.c", "S8", "B3"]);
                for m in &s.members {
                    c.push(m.clause());
                    // a timestamp sent is also compared back as an instant (T2)
                    if m.timestamp().is_some() {
                        c.extend(["T1.a", "T2.a", "T2.b"]);
                    }
                    if m.abnf_feature(profile.timestamp_grammar).is_some() {
                        c.push("T1.f");
                    }
                    if m.is_deep() {
                        c.push("B1.e");
                    }
                }
                let named = |n: &str| {
                    s.members.iter().any(|m| {
                        matches!(
                            (m, n),
                            (MemberSpec::Created(_), "createdDateTime")
                                | (MemberSpec::Status(_), "processingStatus")
                        )
                    })
                };
                if !profile.required_in_body
                    && (!named("createdDateTime") || !named("processingStatus"))
                {
                    c.push("B4.a");
                }
                // T3: timestamps in any order, whatever the status, are accepted
                if s.puts_t3_to_the_test() {
                    c.push("T3");
                }
            }
            if !patch {
                c.extend(["S4.a", "S8"]);
            }
        }
        c.sort_unstable();
        c.dedup();
        c
    }

    /// Whether its PATCH body goes chunked (H4.b).
    pub(crate) fn is_chunked(&self) -> bool {
        Framing::of(&self.request) == Framing::Chunked
    }

    /// Every rule this case exercises: its defects' rules and the valid features it uses.
    pub fn rules(&self) -> Vec<RuleId> {
        let mut r = self.demand.rules.clone();
        r.extend(self.exercised.iter().copied());
        if self.defects.len() > 1 {
            r.push(RuleId::E4);
        }
        // F2: the configured tokens decide the answer (a defect on them, or the read-only token)
        if r.contains(&RuleId::H2)
            && (self.demand.rules.contains(&RuleId::H2) || self.spec.auth_variant % 3 == 2)
        {
            r.push(RuleId::F2);
        }
        r.sort();
        r.dedup();
        r
    }
}

/// How the body of `req` is longer than `max_body_bytes`: as sent ([`Defect::Oversize`], H4)
/// and decoded ([`Defect::GzipBomb`], H6.d), by the model's own H4 and H6 rules, not a copy of
/// them. `decoded_len` is what the body was built to decode to: a body no longer than the limit
/// that way is not decoded again to learn that it is not past it.
pub(super) fn past_the_limit(req: &Request, decoded_len: usize, profile: &Profile) -> Vec<Defect> {
    let mut past = Vec::new();
    if crate::model::body_size(req, profile).is_err() {
        past.push(Defect::Oversize);
    }
    if decoded_len as u64 > profile.max_body_bytes
        && matches!(crate::model::decode_body(req, profile), Err(e) if e.status == 413)
    {
        past.push(Defect::GzipBomb);
    }
    past
}

/// The clause an allowed `Content-Type` spelling relies on: H3.a for the media type in another
/// case, H3.b for parameters on the lower-case media type.
pub(crate) fn content_type_clause(ct: &str) -> &'static str {
    if ct.starts_with("application/json") {
        "H3.b"
    } else {
        "H3.a"
    }
}

/// Content-Type spellings H3 allows.
pub const ALLOWED_CONTENT_TYPES: &[&str] = &[
    "application/json",
    "application/json; charset=utf-8",
    "Application/JSON;Charset=UTF-8",
    "application/json;odata.metadata=minimal;odata.streaming=true",
    "application/json; IEEE754Compatible=false",
    "application/json; charset=\"utf-8\"",
];

pub(super) const ANNOTATIONS: &[(&str, &str)] = &[
    (
        "@odata.context",
        "\"https://graph.microsoft.com/beta/$metadata#taskProcessingResults/$entity\"",
    ),
    ("createdDateTime@odata.type", "\"#DateTimeOffset\""),
    ("@odata.etag", "\"W/\\\"1\\\"\""),
    ("@microsoft.graph.tips", "{\"note\":[1,2,{\"deep\":null}]}"),
    // B1.e: 32 levels of nesting must be parsed (the body object and 31 arrays)
    ("@microsoft.graph.nested", DEEP_32),
    // B9.b: a navigation bind is an annotation, ignored whatever its value
    (
        "task@odata.bind",
        "\"https://graph.microsoft.com/beta/identityGovernance/lifecycleWorkflows/workflows/w/tasks/t\"",
    ),
];

/// An annotation value that brings the body to exactly 32 levels of nesting (B1.e).
pub(super) const DEEP_32: &str = "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]";

impl CaseSpec {
    /// T3 compares instants: only a body that sets two timestamps to an instant puts it to
    /// the test (one definition for the rule labels and the clause labels).
    pub fn puts_t3_to_the_test(&self) -> bool {
        let stamps = self.members.iter().filter(|m| {
            matches!(
                m,
                MemberSpec::Created(_)
                    | MemberSpec::Started(Some(_))
                    | MemberSpec::Completed(Some(_))
            )
        });
        stamps.count() >= 2
    }

    /// The spec with the choices `profile` gives no effect cleared (T1.f spellings under
    /// `graph`), so that a case's spec names only the variants its request carries.
    pub(crate) fn normalised(&self, profile: &Profile) -> CaseSpec {
        let mut s = self.clone();
        for m in &mut s.members {
            if m.abnf_feature(profile.timestamp_grammar).is_none() {
                *m = m.without_abnf_feature();
            }
        }
        s
    }

    /// Decodes a spec from fuzzer or proptest bytes (never fails: missing bytes give defaults).
    pub(crate) fn from_bytes(bytes: &[u8]) -> CaseSpec {
        let mut u = Unstructured::new(bytes);
        CaseSpec::arbitrary(&mut u).unwrap_or_default()
    }

    /// Builds the concrete case against `store` under `profile`.
    pub fn build(&self, store: &Store, profile: &Profile) -> Case {
        let mut exercised = vec![RuleId::R1, RuleId::H2];
        let target = match store.len() {
            0 => "none".to_string(),
            n => store
                .entities()
                .nth(usize::from(self.target) % n)
                .map(|(id, _)| id.clone())
                .unwrap_or_default(),
        };
        let mut route = store
            .direct_route(&target)
            .unwrap_or_else(|| Route::direct("w", "r", "u", &target));
        if let Some(a) = self.alias {
            if let Some(alias) = store.via_task_route(&target, usize::from(a)) {
                route = alias;
                exercised.push(RuleId::R2);
            }
        }
        let mut style = self.style;
        style.paren &= if route.via_task.is_some() {
            0b1_1111
        } else {
            0b1111
        };
        // what the profile does not allow is normalised part by part: a variant removed
        // from a spec then changes nothing else of its path (A/B compares like with like)
        style = style.within(profile);
        if style.paren != 0 {
            exercised.push(RuleId::R3);
        }
        if style.case != NameCase::Canonical || style.trailing_slash {
            exercised.push(RuleId::R4);
        }
        let write = store.tokens().write.first().cloned().unwrap_or_default();
        let read = store.tokens().read_only.first().cloned();
        let authorization = match (self.auth_variant % 3, self.get, read) {
            (1, _, _) => format!("bearer {write}"),
            (2, true, Some(r)) => format!("Bearer {r}"),
            _ => format!("Bearer {write}"),
        };
        // H2.c: white space around the token is not part of it
        let authorization = if self.token_spaces {
            authorization.replacen(' ', "  ", 1)
        } else {
            authorization
        };
        if self.style.encode_names || self.token_spaces {
            exercised.push(if self.token_spaces {
                RuleId::H2
            } else {
                RuleId::R4
            });
        }
        let mut d = Draft {
            method: if self.get { "GET" } else { "PATCH" }.into(),
            route,
            style,
            path_edit: None,
            authorization: Some(authorization),
            content_type: (!self.get).then(|| {
                ALLOWED_CONTENT_TYPES[usize::from(self.content_type) % ALLOWED_CONTENT_TYPES.len()]
                    .to_string()
            }),
            prefer: self.prefer,
            members: Vec::new(),
            whole_body: None,
            pad_to: None,
            pad_after: false,
            content_encoding: None,
            coding: defect::BodyCoding::Plain,
            bom: false,
            authorization_second: None,
            content_type_second: None,
            extra_headers: Vec::new(),
        };
        if self.prefer {
            exercised.push(RuleId::H5);
        }
        if !self.get {
            self.valid_members(&mut d, profile, &mut exercised);
        }
        let mut applied: Vec<Defect> = Vec::new();
        for &def in &self.defects {
            if !def.applies_under(profile)
                || (self.get && def.patch_only())
                || !defect::combines(&applied, def)
            {
                continue;
            }
            if def.apply(&mut d, store, profile) {
                applied.push(def);
            }
        }
        // H4.a: a valid body of exactly the limit
        if self.pad_to_limit && d.method == "PATCH" && applied.is_empty() {
            d.pad_to = Some(profile.max_body_bytes);
        }
        // H6: the valid gzip variant, unless a defect already decides the coding or the size
        let mut gzip_applied = false;
        if self.gzip
            && d.method == "PATCH"
            && profile.request_encodings == crate::contract::profile::RequestEncodings::Gzip
            && d.content_encoding.is_none()
            && d.pad_to.is_none()
        {
            gzip_applied = true;
            let (name, coding) = gzip_style(self.gzip_style);
            d.content_encoding = Some(name.into());
            d.coding = coding;
            exercised.push(RuleId::H6);
        }
        // B1.d: a byte-order mark before the text, on a body the defects leave as JSON text
        if self.bom && d.method == "PATCH" && d.whole_body.is_none() && d.pad_to.is_none() {
            d.bom = true;
        }
        let path = defect::finish_path(&d);
        let (body, decoded_len) = if d.method == "GET" {
            (Vec::new(), 0)
        } else {
            defect::finish_body(&d, &applied)
        };
        let mut request = Request::new(&d.method, &path);
        // H2.c/H3.c: a second header of the name, before or after the first
        let mut twice = |name: &str, first: &Option<String>, second: &Option<(String, bool)>| {
            let before = second.as_ref().filter(|(_, before)| *before);
            let after = second.as_ref().filter(|(_, before)| !*before);
            for v in before
                .map(|(v, _)| v)
                .into_iter()
                .chain(first)
                .chain(after.map(|(v, _)| v))
            {
                request.headers.push((name.into(), v.clone()));
            }
        };
        twice("Authorization", &d.authorization, &d.authorization_second);
        twice("Content-Type", &d.content_type, &d.content_type_second);
        if let Some(ce) = &d.content_encoding {
            request
                .headers
                .push(("Content-Encoding".into(), ce.clone()));
        }
        if d.prefer {
            for value in prefer_headers(self.prefer_style) {
                request.headers.push(("Prefer".into(), (*value).into()));
            }
        }
        if self.chunked && d.method == "PATCH" {
            let (k, v) = Framing::Chunked.header().unwrap_or_default();
            request.headers.push((k.into(), v.into()));
            exercised.push(RuleId::H4);
        }
        request.headers.extend(d.extra_headers.iter().cloned());
        request.body = body;
        // H4.a and H6.d under a small `max_body_bytes`: a body the choices made larger than the
        // limit, as sent or once decoded, is an oversized body or one decoded past the limit,
        // whatever else it is (decisions 44 and 69)
        if d.method == "PATCH"
            && !applied.iter().any(|a| {
                matches!(
                    a,
                    Defect::Oversize
                        | Defect::OversizeAfterValue
                        | Defect::GzipBomb
                        | Defect::GzipHugeBomb
                )
            })
        {
            // both labels name the one body, so each is checked against the defects drafted
            let past: Vec<Defect> = past_the_limit(&request, decoded_len, profile)
                .into_iter()
                .filter(|flaw| defect::combines(&applied, *flaw))
                .collect();
            applied.extend(past);
        }
        let mut demand = defect::demand(&d.method, &applied, profile);
        if d.bom && demand.statuses.iter().all(|st| *st < 300) && !demand.statuses.contains(&400) {
            demand.statuses.push(400);
        }
        /// E4's rank of a body defect (`Defect::rank`).
        const BODY_RANK: u8 = 5;
        // B1.d beside other defects: an implementation that refuses the mark answers 400 for
        // the body where E4's order lets a body defect answer (the model's choices, when the
        // body could be decoded at all)
        let decoded = !applied.iter().any(|a| a.rule() == RuleId::H6);
        if d.bom
            && decoded
            && d.method == "PATCH"
            && profile.patch_supported
            && demand.statuses.iter().any(|st| *st >= 400)
            && !demand.statuses.contains(&400)
        {
            let first = applied.iter().map(|a| a.rank()).min().unwrap_or(u8::MAX);
            if !profile.strict_precedence || first >= BODY_RANK {
                demand.statuses.push(400);
                if !demand.rules.contains(&RuleId::B1) {
                    demand.rules.push(RuleId::B1);
                }
            }
        }
        let target = Route::parse(&path, profile)
            .ok()
            .and_then(|r| store.resolve(&r).map(str::to_string));
        if demand.statuses.iter().any(|s| *s >= 400) {
            exercised.extend([RuleId::E1, RuleId::E3]);
            // E2 is judged only under `strict_error_codes`
            if profile.strict_error_codes {
                exercised.push(RuleId::E2);
            }
            if d.method == "PATCH" {
                exercised.push(RuleId::S3);
            }
        } else if d.method == "PATCH" {
            exercised.extend([RuleId::H3, RuleId::S2, RuleId::S4, RuleId::S6, RuleId::S8]);
        } else {
            exercised.extend([RuleId::H1, RuleId::S4, RuleId::S8]);
        }
        if !profile.patch_supported && d.method == "PATCH" {
            exercised.push(RuleId::H1);
        }
        exercised.sort();
        exercised.dedup();
        Case {
            spec: CaseSpec {
                // the style of a Prefer header the request does not carry is no variant
                prefer_style: if d.prefer && self.prefer_style % 4 >= 2 {
                    self.prefer_style
                } else {
                    0
                },
                // the spelling of a gzip coding the request does not carry is no variant
                gzip_style: if gzip_applied { self.gzip_style % 4 } else { 0 },
                ..self.normalised(profile)
            },
            request,
            defects: applied,
            stored: store.status_of(target.as_deref()),
            demand,
            target,
            exercised,
        }
    }

    /// The valid members, normalised into the profile's valid space.
    fn valid_members(&self, d: &mut Draft, profile: &Profile, exercised: &mut Vec<RuleId>) {
        let ts = |t: &TsSpec| quote(&t.spelling_under(profile.timestamp_grammar).to_string());
        for m in &self.members {
            let (name, raw) = match m {
                MemberSpec::Created(t) => ("createdDateTime", Raw::Json(ts(t))),
                MemberSpec::Started(t) => (
                    "startedDateTime",
                    Raw::Json(t.as_ref().map(ts).unwrap_or("null".into())),
                ),
                MemberSpec::Completed(t) => (
                    "completedDateTime",
                    Raw::Json(t.as_ref().map(ts).unwrap_or("null".into())),
                ),
                MemberSpec::FailureReason(t) => {
                    exercised.push(RuleId::B10);
                    (
                        "failureReason",
                        Raw::Json(t.as_ref().map(TextSpec::json).unwrap_or("null".into())),
                    )
                }
                MemberSpec::Status(s) => {
                    let s = match *s {
                        ProcessingStatus::UnknownFutureValue
                            if profile.sentinel_in_patch
                                == crate::contract::profile::SentinelInPatch::Reject =>
                        {
                            ProcessingStatus::Queued
                        }
                        m if m.is_after_sentinel() && !profile.has_member(m) => {
                            ProcessingStatus::Canceled
                        }
                        m => m,
                    };
                    if s.is_after_sentinel() {
                        d.prefer = true;
                        exercised.push(RuleId::H5);
                    }
                    exercised.push(RuleId::B6);
                    ("processingStatus", Raw::Json(quote(s.as_str())))
                }
                MemberSpec::OdataType(hash) => {
                    exercised.push(RuleId::B9);
                    (
                        "@odata.type",
                        Raw::Json(quote(if *hash { ODATA_TYPE } else { &ODATA_TYPE[1..] })),
                    )
                }
                MemberSpec::Annotation(i) => {
                    exercised.push(RuleId::B9);
                    let (n, v) = ANNOTATIONS[usize::from(*i) % ANNOTATIONS.len()];
                    (n, Raw::Json(v.into()))
                }
                MemberSpec::IdEqual => {
                    if profile.id_in_body == IdInBody::Reject {
                        continue;
                    }
                    exercised.push(RuleId::B7);
                    ("id", Raw::AddressedId)
                }
            };
            if matches!(
                m,
                MemberSpec::Created(_) | MemberSpec::Started(_) | MemberSpec::Completed(_)
            ) {
                exercised.extend([RuleId::T1, RuleId::T2]);
                if self.puts_t3_to_the_test() {
                    exercised.push(RuleId::T3);
                }
            }
            if matches!(raw, Raw::Json(ref j) if j == "null") {
                exercised.push(RuleId::B4);
            }
            exercised.push(RuleId::B3);
            d.members.retain(|(n, _)| n != name);
            d.members.push((name.to_string(), raw));
        }
        if profile.required_in_body {
            for (name, v) in [
                ("createdDateTime", "\"2026-01-05T08:00:00Z\""),
                ("processingStatus", "\"queued\""),
            ] {
                if !d.members.iter().any(|(n, _)| n == name) {
                    d.members.push((name.to_string(), Raw::Json(v.into())));
                }
            }
            exercised.push(RuleId::B4);
        }
        if !d.members.is_empty() {
            exercised.push(RuleId::B5);
        }
    }
}

/// The `Prefer` headers that carry `include-unknown-enum-members` in `style` (H5.a: the
/// preference counts wherever it stands, whatever its case and parameters).
pub(crate) fn prefer_headers(style: u8) -> &'static [&'static str] {
    match style % 4 {
        2 => &["return=minimal, include-unknown-enum-members"],
        3 => &["respond-async", "Include-Unknown-Enum-Members; x=1"],
        _ => &[crate::model::INCLUDE_UNKNOWN_ENUM_MEMBERS],
    }
}
