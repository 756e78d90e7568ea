//! Generators: valid and malformed requests against a fixture store, each knowing its defects
//! and the outcome the contract demands.
//!
//! One definition of the case space serves proptest and cargo-fuzz: a [`CaseSpec`] is plain data
//! that derives `arbitrary::Arbitrary`; [`CaseSpec::build`] turns it into a concrete [`Case`]
//! under a profile, normalising the valid part into the profile's valid space and then applying
//! its [`Defect`]s. The proptest strategies ([`valid`], [`malformed`], [`any_case`],
//! [`sequence`]) decode specs from random bytes (shrinking bytes shrinks the case: fewer members,
//! fewer defects, earlier variants), and [`boundary_cases`] lists the deterministic edge cases.
//!
//! ```
//! use tpr_harness::{generate, fixture::Fixture, profile::Profile, store::{Store, Tokens}, model};
//! let profile = Profile::graph();
//! let mut store = Store::new(&Fixture::generate(3, &profile), Tokens::new("w", Some("r")));
//! for spec in generate::boundary_cases(&profile) {
//!     let case = spec.build(&store, &profile);
//!     let outcome = model::apply(&mut store.clone(), &case.request, &profile);
//!     assert_eq!(outcome.statuses(), case.demand.statuses, "{}", case.describe());
//! }
//! ```

pub mod defect;
pub mod variants;

use self::defect::{Defect, Demand, Draft, Raw};
use crate::json::quote;
use crate::path::{NameCase, PathStyle, Route};
use crate::profile::{IdInBody, Profile};
use crate::rule::RuleId;
use crate::spec::{Framing, ODATA_TYPE, ProcessingStatus, Request};
use crate::store::Store;
use crate::timestamp::{Grammar, Spelling, days_in_month};
use arbitrary::{Arbitrary, Unstructured};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};

/// Raw numbers for a timestamp; [`TsSpec::spelling`] maps them into a valid spelling.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Arbitrary, Serialize, Deserialize)]
pub struct TsSpec {
    /// Year selector.
    pub year: u16,
    /// Month selector.
    pub month: u8,
    /// Day selector (255 picks the last day of the month, so Feb 29 of leap years appears).
    pub day: u8,
    /// Hour selector.
    pub hour: u8,
    /// Minute selector.
    pub minute: u8,
    /// Second selector.
    pub second: u8,
    /// Fraction digit count selector (0–12).
    pub digits: u8,
    /// Fraction digits value.
    pub fraction: u64,
    /// Offset selector in minutes (mapped into ±14:00); `None` writes `Z`.
    pub offset: Option<i16>,
    /// Under `odata-abnf`, which spelling only the full ABNF admits (T1.f) this one uses: see
    /// [`AbnfFeature::pick`]. No effect under `graph`.
    #[serde(default)]
    pub abnf: u8,
}

/// A spelling that the full OData ABNF admits and Graph's pattern does not (T1.f).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbnfFeature {
    /// `t` and `z` in lower case.
    LowerCase,
    /// `hh:mm` without seconds (and so without a fraction).
    NoSeconds,
    /// Second `60` (decision 2: one second after `:59`).
    LeapSecond,
    /// A five-digit year (10000 and later).
    FiveDigitYear,
    /// A year before 0001, written with a leading `-`.
    NegativeYear,
}

impl AbnfFeature {
    /// The feature a selector picks: every other selector picks none, so `odata-abnf` runs
    /// also send the common spellings.
    pub fn pick(selector: u8) -> Option<AbnfFeature> {
        match selector % 10 {
            1 => Some(AbnfFeature::LowerCase),
            2 => Some(AbnfFeature::NoSeconds),
            3 => Some(AbnfFeature::LeapSecond),
            4 => Some(AbnfFeature::FiveDigitYear),
            5 => Some(AbnfFeature::NegativeYear),
            _ => None,
        }
    }
}

impl TsSpec {
    /// Midnight, 1 January of `year`, in UTC.
    pub fn new_year(year: u16) -> TsSpec {
        TsSpec {
            year,
            month: 1,
            day: 1,
            hour: 0,
            minute: 0,
            second: 0,
            digits: 0,
            fraction: 0,
            offset: None,
            abnf: 0,
        }
    }

    /// The clause of T1 this valid spelling relies on most: a leap day or the first or last
    /// year (T1.b), an offset at ±14:00 (T1.d), otherwise the pattern itself (T1.a).
    pub fn relies_on(&self) -> &'static str {
        let s = self.spelling();
        match (s.month, s.day, s.year, s.offset_minutes) {
            (2, 29, ..) | (_, _, 1 | 9999, _) => "T1.b",
            (.., Some(840 | -840)) => "T1.d",
            (.., Some(0)) if s.minus_zero => "T1.d",
            _ => "T1.a",
        }
    }

    /// The ABNF-only feature this spelling uses under `grammar` (never under `graph`).
    pub fn abnf_feature(&self, grammar: Grammar) -> Option<AbnfFeature> {
        match grammar {
            Grammar::Graph => None,
            Grammar::OdataAbnf => AbnfFeature::pick(self.abnf),
        }
    }

    /// A valid spelling under `grammar`: [`TsSpec::spelling`], with the ABNF-only feature the
    /// selector picks under `odata-abnf` (T1.f).
    pub fn spelling_under(&self, grammar: Grammar) -> Spelling {
        let mut s = self.spelling();
        match self.abnf_feature(grammar) {
            None => {}
            Some(AbnfFeature::LowerCase) => s.lower_case = true,
            Some(AbnfFeature::NoSeconds) => {
                s.second = None;
                s.fraction.clear();
            }
            Some(AbnfFeature::LeapSecond) => s.second = Some(60),
            // T1.h bounds the instant under `graph` only: these stay valid under `odata-abnf`
            Some(AbnfFeature::FiveDigitYear) => s.year += 10_000,
            Some(AbnfFeature::NegativeYear) => s.year = -s.year,
        }
        s
    }

    /// A valid spelling under the `graph` grammar, hence under both (`graph` ⊂ `odata-abnf`).
    pub fn spelling(&self) -> Spelling {
        let year = i64::from(self.year % 9999) + 1;
        let month = u32::from(self.month % 12) + 1;
        let last = days_in_month(year, month);
        let day = if self.day == 255 {
            last
        } else {
            u32::from(self.day) % last + 1
        };
        let digits = usize::from(self.digits % 13);
        let fraction = if digits == 0 {
            String::new()
        } else {
            let s = format!("{:012}", self.fraction % 1_000_000_000_000);
            s[..digits].to_string()
        };
        let (hour, minute) = (u32::from(self.hour % 24), u32::from(self.minute % 60));
        let mut offset_minutes = self.offset.map(|o| i32::from(o) % 841);
        // T1.h: the instant in UTC (local time minus the offset) stays within 0001..9999. On
        // the first day a positive offset larger than the local time of day, on the last day a
        // negative one larger than what is left of it, would leave the range: flip its sign
        let of_day = (hour * 60 + minute) as i32;
        if let Some(o) = offset_minutes {
            let first = year == 1 && month == 1 && day == 1 && o > of_day;
            let last = year == 9999 && month == 12 && day == 31 && -o > 24 * 60 - 1 - of_day;
            if first || last {
                offset_minutes = Some(-o);
            }
        }
        Spelling {
            year,
            year_width: 4,
            month,
            day,
            hour,
            minute,
            second: Some(u32::from(self.second % 60)),
            fraction,
            offset_minutes,
            lower_case: false,
            // T1.d: `-00:00` is valid and means UTC (selector 9 under any grammar)
            minus_zero: self.abnf % 10 == 9,
        }
    }
}

/// A `failureReason` text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Arbitrary, Serialize, Deserialize)]
pub struct TextSpec {
    /// The text.
    pub text: String,
    /// Write every non-ASCII character as `\uXXXX` escapes (surrogate pairs above the BMP).
    pub escape_all: bool,
    /// 255 repeats the text up to 64 KiB (B10's bound).
    pub repeat: u8,
}

impl TextSpec {
    /// How many times the text is written: 255 repeats it up to B10's bound
    /// ([`crate::model::FAILURE_REASON_MUST_ACCEPT`]).
    fn repeats(&self) -> usize {
        match (self.repeat, self.text.len()) {
            (_, 0) => 1,
            (255, n) => crate::model::FAILURE_REASON_MUST_ACCEPT / n,
            _ => 1,
        }
    }

    /// The decoded text.
    pub fn value(&self) -> String {
        self.text.repeat(self.repeats())
    }

    /// JSON text for the value. Escaping is per character, so the text is escaped once and
    /// the escaped text repeated (a 64 KiB value is built in one pass, not per character).
    pub fn json(&self) -> String {
        let unit = if self.escape_all {
            let mut out = String::with_capacity(self.text.len() * 6);
            for c in self.text.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
                    c => {
                        let mut buf = [0u16; 2];
                        for unit in c.encode_utf16(&mut buf) {
                            let mut escape = *b"\\u0000";
                            crate::digits::put(&mut escape[2..], 16, u64::from(*unit));
                            out.push_str(std::str::from_utf8(&escape).unwrap_or_default());
                        }
                    }
                }
            }
            out
        } else {
            let quoted = quote(&self.text);
            let inner = quoted.strip_prefix('"').and_then(|q| q.strip_suffix('"'));
            inner.unwrap_or_default().to_string()
        };
        // `repeat` copies by doubling: a few large copies instead of one per repetition
        ["\"", &unit.repeat(self.repeats()), "\""].concat()
    }
}

/// One member of a valid body.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Arbitrary, Serialize, Deserialize)]
pub enum MemberSpec {
    /// `createdDateTime`
    Created(TsSpec),
    /// `startedDateTime` (None: null)
    Started(Option<TsSpec>),
    /// `completedDateTime` (None: null)
    Completed(Option<TsSpec>),
    /// `failureReason` (None: null)
    FailureReason(Option<TextSpec>),
    /// `processingStatus`
    Status(ProcessingStatus),
    /// `@odata.type`, with or without `#`.
    OdataType(bool),
    /// An ignorable annotation.
    Annotation(u8),
    /// `id` equal to the addressed id.
    IdEqual,
}

impl MemberSpec {
    /// The accepting clause of contract 1.2 a valid member of this kind relies on (the one
    /// definition: coverage counts it, and a server rejecting it is blamed on it).
    pub fn clause(&self) -> &'static str {
        match self {
            MemberSpec::Created(t)
            | MemberSpec::Started(Some(t))
            | MemberSpec::Completed(Some(t)) => t.relies_on(),
            MemberSpec::Started(None)
            | MemberSpec::Completed(None)
            | MemberSpec::FailureReason(None) => "B4.c",
            MemberSpec::FailureReason(Some(_)) => "B10",
            MemberSpec::Status(ProcessingStatus::UnknownFutureValue) => "B6.c",
            MemberSpec::Status(st) if st.is_after_sentinel() => "B6.d",
            MemberSpec::Status(_) => "B6.a",
            MemberSpec::OdataType(_) => "B9.a",
            MemberSpec::Annotation(_) => "B9.b",
            MemberSpec::IdEqual => "B7.a",
        }
    }

    /// The annotation whose value brings the body to 32 levels of nesting (B1.e).
    pub fn is_deep(&self) -> bool {
        matches!(self, MemberSpec::Annotation(i) if ANNOTATIONS[usize::from(*i) % ANNOTATIONS.len()].1 == DEEP_32)
    }

    /// The timestamp this member sends, if any.
    pub fn timestamp(&self) -> Option<&TsSpec> {
        match self {
            MemberSpec::Created(t)
            | MemberSpec::Started(Some(t))
            | MemberSpec::Completed(Some(t)) => Some(t),
            _ => None,
        }
    }

    /// The ABNF-only feature its timestamp uses under `grammar` (T1.f), if any.
    pub fn abnf_feature(&self, grammar: Grammar) -> Option<AbnfFeature> {
        self.timestamp().and_then(|t| t.abnf_feature(grammar))
    }

    /// The same member spelled within Graph's pattern (no ABNF-only feature).
    pub fn without_abnf_feature(&self) -> MemberSpec {
        let plain = |t: &TsSpec| TsSpec {
            abnf: if AbnfFeature::pick(t.abnf).is_some() {
                0
            } else {
                t.abnf
            },
            ..t.clone()
        };
        match self {
            MemberSpec::Created(t) => MemberSpec::Created(plain(t)),
            MemberSpec::Started(Some(t)) => MemberSpec::Started(Some(plain(t))),
            MemberSpec::Completed(Some(t)) => MemberSpec::Completed(Some(plain(t))),
            m => m.clone(),
        }
    }
}

/// The generator's case space: raw choices that [`CaseSpec::build`] makes concrete.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Arbitrary, Serialize, Deserialize, Default)]
pub struct CaseSpec {
    /// A GET instead of a PATCH.
    pub get: bool,
    /// Which entity (index into the store, modulo its size).
    pub target: u8,
    /// Address it through the via-task route, via this alias index.
    pub alias: Option<u8>,
    /// Path spelling (normalised to what the profile allows).
    pub style: PathStyle,
    /// Which allowed Content-Type spelling.
    pub content_type: u8,
    /// Send `Prefer: include-unknown-enum-members`.
    pub prefer: bool,
    /// How the preference is written when the request carries it (H5.a): alone, second in a
    /// comma-separated list, or in a second `Prefer` header with a parameter and another case.
    #[serde(default)]
    pub prefer_style: u8,
    /// Use the read-only token (GET only) or the lower-case scheme.
    pub auth_variant: u8,
    /// Send the body gzip-coded with `Content-Encoding: gzip` (H6), when the profile decodes it.
    pub gzip: bool,
    /// Start the body with a UTF-8 byte-order mark (B1.d: the implementation may ignore it or
    /// answer 400, so the demand holds both).
    pub bom: bool,
    /// Pad a valid PATCH body with white space to exactly `max_body_bytes` (H4.a: within the
    /// limit). Never drawn at random (every such request is megabytes): boundary cases set it.
    #[serde(default)]
    #[arbitrary(default)]
    pub pad_to_limit: bool,
    /// Send a PATCH body with `Transfer-Encoding: chunked` instead of `Content-Length` (H4.b:
    /// the limit, and every body rule, apply whatever the framing). The strategies draw it one
    /// case in six, after everything else (so it leaves the other draws of a seed as they were);
    /// fuzz input leaves it off (the model reads bytes, whatever their framing).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[arbitrary(default)]
    pub chunked: bool,
    /// Body members.
    pub members: Vec<MemberSpec>,
    /// Defects to apply.
    pub defects: Vec<Defect>,
    /// How a gzip-coded valid body is sent (H6.a): `gzip` (0), `GZIP` (1), `x-gzip` (2), or as
    /// several members (3). The strategies draw it with the framing; fuzz input leaves it to
    /// the target, which draws it after the specs (so a spec's bytes decode as they did).
    #[serde(default, skip_serializing_if = "is_zero")]
    #[arbitrary(default)]
    pub gzip_style: u8,
}

fn is_zero(n: &u8) -> bool {
    *n == 0
}

/// The `Content-Encoding` value and body coding of a gzip-coded valid body in `style` (H6.a:
/// coding names compare case-insensitively, `x-gzip` is gzip, a body may hold several members).
pub fn gzip_style(style: u8) -> (&'static str, defect::BodyCoding) {
    match style % 4 {
        1 => ("GZIP", defect::BodyCoding::Gzip),
        2 => ("x-gzip", defect::BodyCoding::Gzip),
        3 => ("gzip", defect::BodyCoding::GzipMembers),
        _ => ("gzip", defect::BodyCoding::Gzip),
    }
}

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
    /// clauses S5–S7 and F1/F2 are counted by the runner's phases.)
    pub fn clauses(&self, profile: &Profile) -> Vec<&'static str> {
        let s = &self.spec;
        let mut c: Vec<&'static str> = self.defects.iter().map(|d| d.clause()).collect();
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
    pub fn is_chunked(&self) -> bool {
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
fn past_the_limit(req: &Request, decoded_len: usize, profile: &Profile) -> Vec<Defect> {
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
pub fn content_type_clause(ct: &str) -> &'static str {
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

const ANNOTATIONS: &[(&str, &str)] = &[
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
const DEEP_32: &str = "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]";

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
    pub fn normalised(&self, profile: &Profile) -> CaseSpec {
        let mut s = self.clone();
        for m in &mut s.members {
            if m.abnf_feature(profile.timestamp_grammar).is_none() {
                *m = m.without_abnf_feature();
            }
        }
        s
    }

    /// Decodes a spec from fuzzer or proptest bytes (never fails: missing bytes give defaults).
    pub fn from_bytes(bytes: &[u8]) -> CaseSpec {
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
        if !style.allowed_by(profile) {
            style = PathStyle {
                trailing_slash: style.trailing_slash,
                encode: style.encode,
                ..PathStyle::default()
            };
        }
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
            && profile.request_encodings == crate::profile::RequestEncodings::Gzip
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
                    Defect::Oversize | Defect::GzipBomb | Defect::GzipHugeBomb
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
                                == crate::profile::SentinelInPatch::Reject =>
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
pub fn prefer_headers(style: u8) -> &'static [&'static str] {
    match style % 4 {
        2 => &["return=minimal, include-unknown-enum-members"],
        3 => &["respond-async", "Include-Unknown-Enum-Members; x=1"],
        _ => &[crate::model::INCLUDE_UNKNOWN_ENUM_MEMBERS],
    }
}

/// Specs decoded from random bytes: the one case definition, shared with cargo-fuzz.
pub fn specs() -> impl Strategy<Value = CaseSpec> {
    proptest::collection::vec(any::<u8>(), 0..384).prop_map(|b| CaseSpec::from_bytes(&b))
}

/// Valid cases (no defects) under `profile`.
pub fn valid() -> impl Strategy<Value = CaseSpec> {
    (specs(), any::<u8>()).prop_map(|(mut s, framing)| {
        s.defects.clear();
        s.chunked = chunked(framing);
        s.gzip_style = framing / 6;
        s
    })
}

/// One case in six goes chunked (H4.b), drawn after the rest of the case.
fn chunked(draw: u8) -> bool {
    draw % 6 == 0
}

/// The catalogue entries that are defects under `profile`.
pub fn catalogue_for(profile: &Profile) -> Vec<Defect> {
    Defect::catalogue()
        .into_iter()
        .filter(|d| d.applies_under(profile))
        .collect()
}

/// Malformed cases: one to three catalogue defects (each chosen uniformly, so each is reached)
/// on a valid spec; several defects exercise E4.
pub fn malformed(profile: &Profile) -> impl Strategy<Value = CaseSpec> + use<> {
    let cat = catalogue_for(profile);
    let n = cat.len();
    // one list, so shrinking can drop any defect, down to the one that matters
    let picks = proptest::collection::vec(0..n, 1..=3);
    (specs(), picks, any::<u8>()).prop_map(move |(mut s, picks, framing)| {
        s.defects = picks.into_iter().map(|i| cat[i]).collect();
        s.chunked = chunked(framing);
        s.gzip_style = framing / 6;
        if s.defects[0].patch_only() {
            s.get = false;
        }
        s
    })
}

/// A mix: roughly one valid case in three.
pub fn any_case(profile: &Profile) -> impl Strategy<Value = CaseSpec> + use<> {
    prop_oneof![1 => valid(), 2 => malformed(profile)]
}

/// The one seed-to-RNG function: the random source of case `index` of stream `stream`
/// (`"random"`, `"sequence"`) under `seed`. The runner, `cases` and `replay` all use it, so a
/// finding's seed, phase and index regenerate its case, whatever the number of lanes.
pub fn rng(seed: u64, stream: &str, index: usize) -> proptest::test_runner::TestRunner {
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in stream.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut bytes = [0u8; 32];
    for (i, chunk) in bytes.chunks_mut(8).enumerate() {
        let word = seed
            ^ h.rotate_left(i as u32 * 16)
            ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ (i as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93);
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    )
}

/// Case `index` of the random phase under `seed` and `profile` (what `check` sends).
pub fn random_case(seed: u64, index: usize, profile: &Profile) -> CaseSpec {
    use proptest::strategy::ValueTree;
    let mut runner = rng(seed, "random", index);
    any_case(profile)
        .new_tree(&mut runner)
        .map(|t| t.current())
        .unwrap_or_default()
}

/// Sequence `index` of the sequence phase under `seed` and `profile`.
pub fn sequence_case(seed: u64, index: usize, profile: &Profile, max_len: usize) -> Vec<CaseSpec> {
    use proptest::strategy::ValueTree;
    let mut runner = rng(seed, "sequence", index);
    sequence(profile, max_len)
        .new_tree(&mut runner)
        .map(|t| t.current())
        .unwrap_or_default()
}

/// Sequences of cases (valid, malformed, GET, both routes, aliases) for stateful properties.
pub fn sequence(profile: &Profile, max_len: usize) -> impl Strategy<Value = Vec<CaseSpec>> + use<> {
    proptest::collection::vec(any_case(profile), 1..max_len)
}

/// Every deterministic case `check` sends before the random ones: the boundary cases, then
/// the pairs (the `boundary` phase; a finding's index counts in this list).
pub fn deterministic_cases(profile: &Profile) -> Vec<CaseSpec> {
    let mut v = boundary_cases(profile);
    v.extend(pair_cases(profile));
    v
}

/// The deterministic pairs phase (E3, E4): one representative of every defect kind that
/// applies under `profile`, and every pair of kinds that can meet in one request, on a minimal
/// valid PATCH body. E4 demands a status from the set; E3 no 5xx, no hang, an E1 envelope.
pub fn pair_cases(profile: &Profile) -> Vec<CaseSpec> {
    let mut kinds: Vec<Defect> = Vec::new();
    for d in catalogue_for(profile) {
        if !kinds.iter().any(|k| k.variant() == d.variant()) {
            kinds.push(d);
        }
    }
    let base = CaseSpec {
        members: vec![MemberSpec::FailureReason(Some(TextSpec {
            text: "pair".into(),
            escape_all: false,
            repeat: 0,
        }))],
        ..CaseSpec::default()
    };
    let mut out = Vec::new();
    for (i, a) in kinds.iter().enumerate() {
        for b in &kinds[i + 1..] {
            if defect::combines(&[*a], *b) {
                out.push(CaseSpec {
                    target: (out.len() % 251) as u8,
                    defects: vec![*a, *b],
                    ..base.clone()
                });
            }
        }
    }
    out
}

/// The deterministic boundary cases: every defect of the catalogue that applies under
/// `profile` on a minimal valid body, every enum member with and without Prefer, every T1 edge,
/// both routes and each path spelling.
pub fn boundary_cases(profile: &Profile) -> Vec<CaseSpec> {
    let mut out = Vec::new();
    let base = CaseSpec {
        members: vec![MemberSpec::FailureReason(Some(TextSpec {
            text: "boundary".into(),
            escape_all: false,
            repeat: 0,
        }))],
        ..CaseSpec::default()
    };
    for d in catalogue_for(profile) {
        out.push(CaseSpec {
            defects: vec![d],
            ..base.clone()
        });
    }
    for m in ProcessingStatus::ALL {
        for prefer in [false, true] {
            out.push(CaseSpec {
                members: vec![MemberSpec::Status(m)],
                prefer,
                ..CaseSpec::default()
            });
        }
    }
    let ts =
        |year: u16, month: u8, day: u8, h: u8, mi: u8, s: u8, digits: u8, offset: Option<i16>| {
            TsSpec {
                year: year - 1,
                month: month - 1,
                day: day - 1,
                hour: h,
                minute: mi,
                second: s,
                digits,
                fraction: 123_456_789_012,
                offset,
                abnf: 0,
            }
        };
    for t in [
        ts(1, 1, 1, 0, 0, 0, 0, None),
        ts(9999, 12, 31, 23, 59, 59, 12, None),
        ts(2024, 2, 29, 12, 0, 0, 7, Some(840)),
        ts(2024, 2, 29, 12, 0, 0, 1, Some(-840)),
        ts(2000, 2, 29, 0, 0, 0, 3, Some(0)),
        ts(2026, 1, 5, 8, 0, 0, 7, Some(330)),
    ] {
        for m in [
            MemberSpec::Created(t.clone()),
            MemberSpec::Started(Some(t.clone())),
            MemberSpec::Completed(Some(t)),
        ] {
            out.push(CaseSpec {
                members: vec![m],
                ..CaseSpec::default()
            });
        }
    }
    out.push(CaseSpec {
        members: vec![
            MemberSpec::Started(None),
            MemberSpec::Completed(None),
            MemberSpec::FailureReason(None),
        ],
        ..CaseSpec::default()
    });
    // T1.a: the fraction keeps its leading zeros (`.05` is 50 ms, `.0000001` is 100 ns)
    for (digits, fraction) in [(2u8, 50_000_000_000u64), (7, 1_000_000)] {
        out.push(CaseSpec {
            members: vec![MemberSpec::Completed(Some(TsSpec {
                digits,
                fraction,
                ..ts(2024, 6, 1, 12, 0, 0, 0, None)
            }))],
            ..CaseSpec::default()
        });
    }
    // T1.d: `-00:00` means UTC
    out.push(CaseSpec {
        members: vec![MemberSpec::Started(Some(TsSpec {
            abnf: 9,
            ..ts(2026, 3, 1, 9, 30, 0, 3, Some(0))
        }))],
        ..CaseSpec::default()
    });
    // T1.f: each spelling only the full ABNF admits, at the edges where it meets T1.h
    if profile.timestamp_grammar == Grammar::OdataAbnf {
        for abnf in 1..=5 {
            for t in [
                ts(1, 1, 1, 0, 0, 0, 0, Some(60)),
                ts(9999, 12, 31, 23, 59, 59, 7, None),
            ] {
                out.push(CaseSpec {
                    members: vec![MemberSpec::Created(TsSpec { abnf, ..t })],
                    ..CaseSpec::default()
                });
            }
        }
    }
    // H4.a: a valid body of exactly max_body_bytes is within the limit
    out.push(CaseSpec {
        pad_to_limit: true,
        members: vec![MemberSpec::Status(ProcessingStatus::InProgress)],
        ..CaseSpec::default()
    });
    // H4.b: the limit and the body rules whatever the framing: a chunked body of exactly the
    // limit, one byte over it, and an empty chunked body (B1.a)
    out.push(CaseSpec {
        pad_to_limit: true,
        chunked: true,
        members: vec![MemberSpec::Status(ProcessingStatus::Queued)],
        ..CaseSpec::default()
    });
    for d in [Defect::Oversize, Defect::EmptyBody] {
        if d.applies_under(profile) {
            out.push(CaseSpec {
                chunked: true,
                defects: vec![d],
                ..base.clone()
            });
        }
    }
    // H5.a: the preference second in a list, and in a second header with a parameter
    for prefer_style in [2, 3] {
        out.push(CaseSpec {
            prefer: true,
            prefer_style,
            members: vec![MemberSpec::Status(ProcessingStatus::Canceling)],
            ..CaseSpec::default()
        });
    }
    // B1.e: 32 levels of nesting must be parsed
    out.push(CaseSpec {
        members: vec![MemberSpec::Annotation(4)],
        ..CaseSpec::default()
    });
    // T3: timestamps in no particular order (completed before started before created)
    out.push(CaseSpec {
        members: vec![
            MemberSpec::Created(TsSpec::new_year(2030)),
            MemberSpec::Completed(Some(TsSpec::new_year(2020))),
        ],
        ..CaseSpec::default()
    });
    // B1.d: a byte-order mark before the text, plain and gzip-coded
    for gzip in [false, true] {
        out.push(CaseSpec {
            bom: true,
            gzip,
            members: vec![MemberSpec::Status(ProcessingStatus::Completed)],
            ..CaseSpec::default()
        });
    }
    // H6: a gzip-coded body (decoded before the body rules), with a member of each kind
    out.push(CaseSpec {
        gzip: true,
        members: vec![
            MemberSpec::Status(ProcessingStatus::Failed),
            MemberSpec::FailureReason(Some(TextSpec {
                text: "gzip".into(),
                escape_all: false,
                repeat: 0,
            })),
        ],
        ..CaseSpec::default()
    });
    // H6.a: the coding name in upper case, its alias `x-gzip`, and a body of two members
    for gzip_style in 1..=3 {
        out.push(CaseSpec {
            gzip: true,
            gzip_style,
            members: vec![MemberSpec::FailureReason(Some(TextSpec {
                text: "coded".into(),
                escape_all: false,
                repeat: 0,
            }))],
            ..CaseSpec::default()
        });
    }
    // B10: control characters (NUL included), white space around the text, non-characters:
    // stored exactly
    for text in [
        "\u{0}nul\u{1}\u{8}\u{1b}\u{1f}\u{7f}",
        "  \t padded on both sides \r\n ",
        "\u{fdd0}\u{fffe}\u{ffff}\u{1fffe}\u{10ffff}",
    ] {
        out.push(CaseSpec {
            members: vec![MemberSpec::FailureReason(Some(TextSpec {
                text: text.into(),
                escape_all: false,
                repeat: 0,
            }))],
            ..CaseSpec::default()
        });
    }
    // B7.b and B9.b on both routes: a nested `task`, `processingInfo`, and `task@odata.bind`
    for alias in [None, Some(0)] {
        out.push(CaseSpec {
            alias,
            members: vec![
                MemberSpec::Annotation(5),
                MemberSpec::Status(ProcessingStatus::Failed),
            ],
            ..CaseSpec::default()
        });
        if alias.is_some() {
            for n in [
                defect::NotUpdatable::Task,
                defect::NotUpdatable::ProcessingInfo,
            ] {
                out.push(CaseSpec {
                    alias,
                    defects: vec![Defect::NotUpdatable(n)],
                    ..base.clone()
                });
            }
        }
    }
    out.push(CaseSpec {
        members: vec![
            MemberSpec::OdataType(true),
            MemberSpec::OdataType(false),
            MemberSpec::Annotation(0),
            MemberSpec::Annotation(3),
            MemberSpec::IdEqual,
        ],
        ..CaseSpec::default()
    });
    out.push(CaseSpec {
        members: vec![MemberSpec::FailureReason(Some(TextSpec {
            text: "é\u{1F600}\"\\\n\u{0}".into(),
            escape_all: true,
            repeat: 255,
        }))],
        ..CaseSpec::default()
    });
    for (i, case) in [
        NameCase::Canonical,
        NameCase::Lower,
        NameCase::Upper,
        NameCase::FirstFlipped,
    ]
    .into_iter()
    .enumerate()
    {
        out.push(CaseSpec {
            alias: Some(i as u8),
            style: PathStyle {
                paren: 0b1_0101 << (i % 2),
                case,
                trailing_slash: i % 2 == 0,
                encode: i % 2 == 1,
            },
            ..base.clone()
        });
        out.push(CaseSpec {
            get: true,
            target: i as u8,
            alias: (i % 2 == 0).then_some(1),
            auth_variant: 2,
            ..CaseSpec::default()
        });
    }
    for ct in 0..ALLOWED_CONTENT_TYPES.len() {
        out.push(CaseSpec {
            content_type: ct as u8,
            auth_variant: 1,
            ..base.clone()
        });
    }
    out
}
