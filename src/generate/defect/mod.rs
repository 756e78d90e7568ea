//! The defect catalogue: every way a generated request can break a rule, as data.
//!
//! Each [`Defect`] names the rule it breaks ([`Defect::rule`]), the status the contract demands
//! for it ([`Defect::status`]), the profiles under which it is a defect at all
//! ([`Defect::applies_under`]) and how it edits a valid request ([`Defect::apply`]). The demanded
//! outcome of a case is computed from its defects alone ([`demand`]), independently of
//! [`crate::model`], so generators and model check each other.

use crate::contract::profile::{
    DuplicateMembers, IdInBody, ParenKeys, Profile, SegmentCase, SentinelInPatch, Success,
    UnknownProperties,
};
use crate::contract::rule::RuleId;
use crate::contract::spec::{ProcessingStatus, Property};
use crate::contract::timestamp::Grammar;
use serde::{Deserialize, Serialize};

mod apply;
mod draft;
mod kinds;

pub use draft::{
    BodyCoding, Draft, HUGE_BOMB_DECODED, PathEdit, Raw, finish_body, finish_path, gzip, gzip_bomb,
    huge_gzip_bomb,
};
pub use kinds::*;

/// The defect catalogue as one table, a row per kind of defect: its doc, its data (each field
/// takes every one of its [`Values`]), then the rule it breaks, the status the contract demands
/// for it alone, the part of the request it edits ([`Slot`]) and the clause it puts to the test.
/// The enum, [`Defect::rule`], [`Defect::status`], [`Defect::clause`], the slot and
/// [`Defect::catalogue`] are generated from it; how each kind edits a request is in `apply.rs`,
/// and [`Defect::applies_under`] says which are defects only under a stricter knob.
macro_rules! defects {
    (@values $v:ident, $name:ident) => { $v.push(Defect::$name); };
    (@values $v:ident, $name:ident, $a:ident: $ta:ty) => {
        for &$a in <$ta as Values>::VALUES {
            $v.push(Defect::$name($a));
        }
    };
    (@values $v:ident, $name:ident, $a:ident: $ta:ty, $b:ident: $tb:ty) => {
        for &$a in <$ta as Values>::VALUES {
            for &$b in <$tb as Values>::VALUES {
                $v.push(Defect::$name($a, $b));
            }
        }
    };
    ($(
        $(#[doc = $doc:literal])*
        $name:ident $(($($field:ident: $ty:ty),+))? => $rule:ident, $status:literal, $slot:expr, $clause:expr;
    )*) => {
        /// One way to break one rule.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, arbitrary::Arbitrary, Serialize, Deserialize)]
        #[non_exhaustive]
        pub enum Defect {
            $($(#[doc = $doc])* $name $(($($ty),+))?,)*
        }

        impl Defect {
            /// The rule the defect breaks.
            pub fn rule(self) -> RuleId {
                match self {
                    $(Defect::$name { .. } => RuleId::$rule,)*
                }
            }

            /// The status the contract demands for this defect alone.
            pub fn status(self) -> u16 {
                match self {
                    $(Defect::$name { .. } => $status,)*
                }
            }

            /// The clause this defect breaks (it puts that clause to the test), as the contract
            /// writes it.
            #[allow(unused_variables)]
            pub fn clause(self) -> &'static str {
                match self {
                    $(Defect::$name $(($($field),+))? => $clause,)*
                }
            }

            /// The part of the request the defect edits.
            #[allow(unused_variables)]
            fn slot(self) -> Slot {
                use Slot::*;
                match self {
                    $(Defect::$name $(($($field),+))? => $slot,)*
                }
            }

            /// Every defect: each kind with each value of its data, in the table's order.
            #[allow(clippy::vec_init_then_push)]
            pub fn catalogue() -> Vec<Defect> {
                let mut v = Vec::new();
                $(defects!(@values v, $name $(, $($field: $ty),+)?);)*
                v
            }
        }
    };
}

defects! {
    // kind (data)                           => rule, status, slot, clause;
    // H2
    /// No Authorization header.
    NoAuthorization => H2, 401, Auth, "H2.a";
    /// `Basic` instead of `Bearer`.
    NotBearer => H2, 401, Auth, "H2.b";
    /// `Bearer` with no token.
    EmptyToken => H2, 401, Auth, "H2.c";
    /// A token the service does not know.
    UnknownToken => H2, 401, Auth, "H2.c";
    /// The read-only token on a PATCH (403).
    ReadOnlyToken => H2, 403, WriteAuth, "H2.d";
    /// Two `Authorization` headers, one of them right (H2.c: 401 in either order).
    DuplicateAuthorization(o: HeaderOrder) => H2, 401, Auth, "H2.c";
    // H3
    /// No Content-Type header.
    NoContentType => H3, 415, ContentType, "H3.c";
    /// Two `Content-Type` headers, one of them right (H3.c: 415 in either order).
    DuplicateContentType(o: HeaderOrder) => H3, 415, ContentType, "H3.c";
    /// Another media type or charset.
    MediaType(m: MediaTypeFlaw) => H3, 415, ContentType, "H3.c";
    // H4
    /// A body one byte over `max_body_bytes` (valid JSON padded with white space).
    Oversize => H4, 413, Size, "H4.a";
    /// A body one byte over `max_body_bytes` whose JSON value ends early: the white space
    /// after it (H4.b: the limit applies to the body as received, not to what a parser reads).
    OversizeAfterValue => H4, 413, Size, "H4.b";
    // H6
    /// `Content-Encoding: br` (a coding the implementation does not decode): 415.
    UnsupportedEncoding => H6, 415, Encoding, "H6.b";
    /// `Content-Encoding: gzip` on a body that is not gzip: 400.
    CorruptGzip => H6, 400, Encoding, "H6.c";
    /// One valid gzip member followed by a byte (a line break): 400 (decision 39).
    GzipTrailingBytes => H6, 400, Encoding, "H6.c";
    /// A small gzip body that decodes to one byte over `max_body_bytes`: 413.
    GzipBomb => H6, 413, Encoding, "H6.d";
    /// A list of codings that names gzip, on a gzip body: 415 (H6.b).
    CodingListWithGzip(c: CodingList) => H6, 415, Encoding, "H6.b";
    /// Two valid gzip members, then bytes that are no member: 400 (H6.c).
    GzipMembersThenGarbage => H6, 400, Encoding, "H6.c";
    /// A 1 MiB gzip body that decodes to 1 GiB: 413 as quickly as one just over (H6.d).
    GzipHugeBomb => H6, 413, Encoding, "H6.d";
    /// One valid gzip member followed by NUL bytes (zlib ignores such padding): 400 (H6.c).
    GzipTrailingZeros => H6, 400, Encoding, "H6.c";
    // H1
    /// Another method.
    Method(m: OtherMethod) => H1, 405, Method, "H1.c";
    /// A method frameworks may answer on their own (`OPTIONS`, `HEAD`, `TRACE`), no body.
    ProbeMethod(m: ProbeMethod) => H1, 405, Method, "H1.c";
    /// `POST` with `X-HTTP-Method-Override: PATCH`: the override is not honoured (decision 78).
    MethodOverride => H1, 405, Method, "H1.c";
    // R3/R4/R5
    /// A segment name that is not in the route (`lifecycleWorkflowz`).
    UnknownSegment => R5, 400, PathShape, "R5.a";
    /// `deletedItems` left out.
    MissingSegment => R5, 400, PathShape, "R5.a";
    /// The last key left out.
    MissingKey => R5, 400, PathShape, "R5.a";
    /// A segment after the last key.
    ExtraSegment => R5, 400, PathShape, "R5.a";
    /// An empty key.
    EmptyKey => R3, 400, PathShape, "R3.d";
    /// A malformed percent-escape in a key: a malformed key (R5.a, decision 89).
    BadPercentEscape => R5, 400, PathShape, "R5.a";
    /// A parenthesised key without quotes.
    UnquotedParenKey => R3, 400, PathShape, "R3.b";
    /// A parenthesised key under `paren_keys = reject`.
    ParenKeyRejected => R3, 400, PathShape, "R3.b";
    /// Upper-case segment names under `segment_case = exact`.
    SegmentCaseRejected => R4, 400, PathShape, "R4.a";
    /// Two trailing slashes (R4.c: one is accepted, two or more is 400).
    TwoTrailingSlashes => R4, 400, PathShape, "R4.c";
    // S1/R2: 404
    /// An id that does not exist.
    UnknownId(l: Level) => S1, 404, Resolve, "R5.b";
    /// `{t}` under the `{w}/{r}/{u}` of another result.
    WrongParentChain => S1, 404, Resolve, "S1";
    /// The addressed id in upper case: ids match exactly (R4.b), so it does not resolve.
    IdCase => S1, 404, Resolve, "R4.b";
    /// An encoded `/` (`%2F`) inside the last id: decoded once it is part of the id, which then
    /// does not resolve (R3.c: 404, not a path split at it).
    EncodedSlashInId => S1, 404, Resolve, "R3.c";
    /// Via-task route to a result of another task.
    ViaTaskOtherTask => R2, 404, Resolve, "R2.b";
    // B1
    /// No body.
    EmptyBody => B1, 400, WholeBody, "B1.a";
    /// The body cut in half.
    Truncated => B1, 400, WholeBody, "B1.b";
    /// Bytes after the JSON object.
    TrailingBytes => B1, 400, WholeBody, "B1.b";
    /// Bytes that are not UTF-8 inside a string.
    InvalidUtf8 => B1, 400, WholeBody, "B1.b";
    /// A lone surrogate escape.
    LoneSurrogate => B1, 400, WholeBody, "B1.b";
    /// Nesting deeper than any parser allows.
    DeepNesting => B1, 400, WholeBody, "B1.e";
    /// A top level that is not an object.
    NotObject(k: NotObject) => B1, 400, WholeBody, "B1.c";
    /// An extension of JSON lenient parsers accept.
    JsonExtension(x: JsonExtension) => B1, 400, WholeBody, "B1.b";
    /// Bytes lenient UTF-8 decoders read (CESU-8 surrogates, overlong forms).
    Utf8Form(u: Utf8Flaw) => B1, 400, WholeBody, "B1.b";
    // B2
    /// A member name twice.
    DuplicateMember => B2, 400, Member("failureReason"), "B2";
    // B4
    /// `null` for a required property.
    NullRequired(r: Required) => B4, 400, Member(r.property().name()), "B4.b";
    /// A required property left out under `required_in_body`.
    MissingRequired(r: Required) => B4, 400, Member(r.property().name()), "B4.d";
    // B5
    /// Another JSON type.
    WrongType(p: Property, k: WrongKind) => B5, 400, Member(p.name()), "B5";
    // B6
    /// A member name in another case under `enum_case = exact`.
    EnumCase => B6, 400, Member("processingStatus"), "B6.b";
    /// A member name with white space.
    EnumWhitespace => B6, 400, Member("processingStatus"), "B6.b";
    /// A numeric string (`"2"`).
    EnumNumeric => B6, 400, Member("processingStatus"), "B6.b";
    /// A word that is no member.
    EnumUnknown => B6, 400, Member("processingStatus"), "B6.b";
    /// The sentinel under `sentinel_in_patch = reject`.
    SentinelRejected => B6, 400, Member("processingStatus"), "B6.c";
    /// A member after the sentinel without the Prefer header.
    AfterSentinelWithoutPrefer => B6, 400, Member("processingStatus"), "B6.d";
    /// A member after the sentinel the profile's enum lacks (even with Prefer).
    // a name the profile's enum lacks is "every other string" (strict has no members after
    // the sentinel)
    AfterSentinelUnknown => B6, 400, Member("processingStatus"), "B6.b";
    // T1
    /// A timestamp outside the grammar.
    Timestamp(p: TimestampProperty, f: TimestampFlaw) => T1, 400, Member(p.property().name()), f.clause();
    /// A timestamp text of another grammar outside Graph's pattern (T1.g).
    TimestampOtherPattern(p: TimestampProperty, k: OtherPattern) => T1, 400, Member(p.property().name()), "T1.g";
    /// Second `60` (`23:59:60`, T1.c; valid under odata-abnf).
    TimestampLeapSecond(p: TimestampProperty) => T1, 400, Member(p.property().name()), "T1.c";
    /// A basic offset without a colon (`+0100`, T1.d).
    TimestampBasicOffset(p: TimestampProperty) => T1, 400, Member(p.property().name()), "T1.d";
    // B7
    /// `id` different from the addressed id.
    IdMismatch => B7, 400, Member("id"), "B7.a";
    /// `id` not a string.
    IdNotString => B7, 400, Member("id"), "B7.a";
    /// `id` under `id_in_body = reject`.
    IdRejected => B7, 400, Member("id"), "B7.a";
    /// A property this operation does not update.
    NotUpdatable(n: NotUpdatable) => B7, 400, Member(n.name()), "B7.b";
    // B8
    /// An unknown property.
    UnknownProperty => B8, 400, Member("extraProperty"), "B8";
    /// A property name in another case (`FailureReason`).
    PropertyNameCase => B8, 400, Member("failureReason"), "B8";
    /// Another property's name in another case, for every property (B8).
    PropertyNameCaseOf(p: Property) => B8, 400, Member(p.name()), "B8";
    // B9
    /// `@odata.type` naming another type.
    OdataTypeWrong => B9, 400, Member("@odata.type"), "B9.a";
    /// `@odata.type` not a string.
    OdataTypeNotString => B9, 400, Member("@odata.type"), "B9.a";
    /// `@odata.type` `null`, a number or an object.
    OdataTypeValue(v: OdataTypeValue) => B9, 400, Member("@odata.type"), "B9.a";
}

/// Which part of a request a defect edits; two defects on one slot do not combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Auth,
    /// The read-only token: a defect only on a PATCH, so it excludes another method.
    WriteAuth,
    ContentType,
    Size,
    /// The body's content coding (H6): the body is not evaluated further.
    Encoding,
    Method,
    PathShape,
    Resolve,
    WholeBody,
    Member(&'static str),
}

impl Slot {
    fn conflicts(self, other: Slot) -> bool {
        use Slot::*;
        let one_way = |a: Slot, b: Slot| {
            matches!(
                (a, b),
                (
                    Method,
                    ContentType | Size | Encoding | WholeBody | Member(_) | Resolve | WriteAuth
                ) | (WriteAuth, Auth)
                    | (Encoding, Size | WholeBody | Member(_))
                    | (PathShape, Resolve | Member("id"))
                    | (WholeBody, Member(_))
            )
        };
        self == other || one_way(self, other) || one_way(other, self)
    }
}

impl Defect {
    /// The clause this defect breaks (it puts that clause to the test), typed (a test holds every kind's clause to be one of the contract's).
    pub(crate) fn clause_id(self) -> crate::contract::clause::ClauseId {
        use crate::contract::clause::ClauseId;
        ClauseId::parse(self.clause()).unwrap_or_else(|| ClauseId::first_of(self.rule()))
    }

    /// E4's precedence rank (lower first), in the same order as the contract lists it.
    pub fn rank(self) -> u8 {
        match (self.status(), self.slot()) {
            (401 | 403, _) => 0,
            (400, Slot::PathShape) => 1,
            (405, _) => 2,
            (415, _) => 3,
            (413, _) => 4,
            (400, _) => 5,
            _ => 6,
        }
    }

    /// What a rank of [`Defect::rank`] is, for people: the classes E4 orders.
    pub fn rank_name(rank: u8) -> &'static str {
        match rank {
            0 => "401/403",
            1 => "route 400",
            2 => "405",
            3 => "415",
            4 => "413",
            5 => "body 400",
            _ => "404",
        }
    }

    /// Whether this is a defect at all under `profile` (some break only a knob's stricter value).
    pub fn applies_under(self, profile: &Profile) -> bool {
        use Defect::*;
        match self {
            ParenKeyRejected => profile.paren_keys == ParenKeys::Reject,
            SegmentCaseRejected => profile.segment_case == SegmentCase::Exact,
            MissingRequired(_) => profile.required_in_body,
            DuplicateMember => profile.duplicate_members == DuplicateMembers::Reject,
            EnumCase => profile.enum_case == crate::contract::profile::EnumCase::Exact,
            SentinelRejected => profile.sentinel_in_patch == SentinelInPatch::Reject,
            AfterSentinelWithoutPrefer => !profile.members_after_sentinel.is_empty(),
            AfterSentinelUnknown => ProcessingStatus::ALL
                .iter()
                .any(|m| m.is_after_sentinel() && !profile.has_member(*m)),
            Timestamp(_, f) => f.invalid_under(profile.timestamp_grammar),
            // second 60 is in the full OData ABNF (T1.f)
            TimestampLeapSecond(_) => profile.timestamp_grammar == Grammar::Graph,
            IdRejected => profile.id_in_body == IdInBody::Reject,
            UnknownProperty | PropertyNameCase | PropertyNameCaseOf(_) => {
                profile.unknown_properties == UnknownProperties::Reject
            }
            Oversize | OversizeAfterValue => profile.max_body_bytes < 64 * 1024 * 1024,
            CorruptGzip | GzipTrailingBytes | GzipMembersThenGarbage | GzipTrailingZeros => {
                profile.request_encodings == crate::contract::profile::RequestEncodings::Gzip
            }
            GzipBomb => {
                profile.request_encodings == crate::contract::profile::RequestEncodings::Gzip
                    && profile.max_body_bytes < 64 * 1024 * 1024
            }
            // its ~1 MiB as sent within the limit, its 1 GiB decoded far past it
            GzipHugeBomb => {
                profile.request_encodings == crate::contract::profile::RequestEncodings::Gzip
                    && profile.max_body_bytes >= 2 * 1024 * 1024
                    && profile.max_body_bytes < 64 * 1024 * 1024
            }
            _ => true,
        }
    }

    /// Whether the defect edits a PATCH-only part (headers and body of a PATCH).
    pub(crate) fn patch_only(self) -> bool {
        matches!(
            self.slot(),
            Slot::ContentType | Slot::Size | Slot::Encoding | Slot::WholeBody | Slot::Member(_)
        ) || self == Defect::ReadOnlyToken
    }

    /// A stable name for reports and distributions, e.g. `Timestamp(CreatedDateTime, Hour24)`.
    pub fn name(self) -> String {
        format!("{self:?}")
    }

    /// The variant's name without its data, e.g. `Timestamp`.
    pub fn variant(self) -> String {
        let n = self.name();
        n.split('(').next().unwrap_or_default().to_string()
    }
}

/// B8: `p`'s name in another letter case (each property its own spelling: PascalCase, all
/// lower, all upper) and a value valid for `p`.
pub fn property_in_another_case(p: Property) -> (&'static str, &'static str) {
    match p {
        Property::CreatedDateTime => ("CreatedDateTime", "\"2026-01-05T08:00:00Z\""),
        Property::StartedDateTime => ("starteddatetime", "\"2026-01-05T08:00:00Z\""),
        Property::CompletedDateTime => ("COMPLETEDDATETIME", "\"2026-01-05T08:00:00Z\""),
        Property::FailureReason => ("failurereason", "\"x\""),
        Property::ProcessingStatus => ("ProcessingStatus", "\"queued\""),
    }
}

/// Whether `d` can join the already `applied` defects (one defect per slot).
pub(crate) fn combines(applied: &[Defect], d: Defect) -> bool {
    applied.iter().all(|a| !a.slot().conflicts(d.slot()))
}

/// The outcome the contract demands for a case, from its defects alone (E4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Demand {
    /// Acceptable statuses, in precedence order.
    pub statuses: Vec<u16>,
    /// The rules the defects break (empty for a valid case).
    pub rules: Vec<RuleId>,
}

/// Computes the demanded outcome of a request with `method` carrying `applied` defects.
pub fn demand(method: &str, applied: &[Defect], profile: &Profile) -> Demand {
    let mut ranked: Vec<(u8, u16, RuleId)> = applied
        .iter()
        .map(|d| (d.rank(), d.status(), d.rule()))
        .collect();
    let patch = method == "PATCH";
    if patch && !profile.patch_supported {
        ranked.retain(|(rank, ..)| *rank < 2);
        ranked.push((2, 405, RuleId::H1));
    }
    if ranked.is_empty() {
        let statuses = match (method, profile.success) {
            ("GET", _) => vec![200],
            (_, Success::Ok200Body) => vec![200],
            (_, Success::NoContent204) => vec![204],
            (_, Success::Either) => vec![200, 204],
        };
        return Demand {
            statuses,
            rules: vec![],
        };
    }
    ranked.sort();
    if profile.strict_precedence {
        let first = ranked[0].0;
        ranked.retain(|(r, ..)| *r == first);
    }
    let mut statuses: Vec<u16> = Vec::new();
    let mut rules = Vec::new();
    for (_, s, r) in ranked {
        if !statuses.contains(&s) {
            statuses.push(s);
        }
        if !rules.contains(&r) {
            rules.push(r);
        }
    }
    Demand { statuses, rules }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_defect_kinds_clause_is_a_contract_clause_of_its_rule() {
        for d in Defect::catalogue() {
            let c = crate::contract::clause::ClauseId::parse(d.clause());
            assert!(c.is_some(), "{d:?}: `{}` is not a clause", d.clause());
            // ids that do not resolve are decided by S1's resolution (the model's rule), and
            // named by the clause that says how they must match (R4.b, R5.b)
            let resolved = matches!(
                d,
                Defect::IdCase | Defect::UnknownId(_) | Defect::EncodedSlashInId
            );
            if !resolved {
                assert_eq!(c.map(|c| c.rule()), Some(d.rule()), "{d:?}");
            }
        }
    }

    #[test]
    fn every_catalogue_entry_is_unique_and_carries_a_rule_and_a_4xx() {
        let all = Defect::catalogue();
        let mut seen = std::collections::HashSet::new();
        for d in &all {
            assert!(seen.insert(*d), "{d:?} twice");
            assert!((400..500).contains(&d.status()));
            assert!(RuleId::ALL.contains(&d.rule()));
        }
        assert!(all.len() > 120, "{}", all.len());
    }

    #[test]
    fn the_catalogue_lists_every_variant_of_the_enum() {
        // a variant added to `Defect` but not to `catalogue()` would never be generated
        use arbitrary::{Arbitrary, Unstructured};
        let listed: std::collections::HashSet<Defect> = Defect::catalogue().into_iter().collect();
        let mut rng = crate::model::fixture::SplitMix(3);
        for _ in 0..20_000 {
            let bytes: Vec<u8> = (0..16).map(|_| rng.next_u64() as u8).collect();
            if let Ok(d) = Defect::arbitrary(&mut Unstructured::new(&bytes)) {
                assert!(
                    listed.contains(&d),
                    "{d:?} is missing from Defect::catalogue()"
                );
            }
        }
    }

    #[test]
    fn generator_read_only_token_never_combines_with_another_method() {
        // Found by the sequence property: ReadOnlyToken + Method(Put) demanded 403, but 403 is a
        // PATCH-only answer (H2); a PUT with a read-only token is just 405.
        assert!(!combines(
            &[Defect::ReadOnlyToken],
            Defect::Method(OtherMethod::Put)
        ));
        assert!(!combines(
            &[Defect::Method(OtherMethod::Put)],
            Defect::ReadOnlyToken
        ));
        assert!(!combines(&[Defect::NoAuthorization], Defect::ReadOnlyToken));
        assert!(combines(
            &[Defect::NoAuthorization],
            Defect::Method(OtherMethod::Put)
        ));
    }

    #[test]
    fn e4_demand_orders_statuses_and_strict_precedence_keeps_the_first() {
        let ds = [
            Defect::Truncated,
            Defect::UnknownId(Level::Run),
            Defect::NoAuthorization,
            Defect::NoContentType,
        ];
        let g = demand("PATCH", &ds, &Profile::graph());
        assert_eq!(g.statuses, vec![401, 415, 400, 404]);
        let s = demand("PATCH", &ds, &Profile::strict());
        assert_eq!(s.statuses, vec![401]);
        let live = demand("PATCH", &[Defect::Truncated], &Profile::graph_live());
        assert_eq!(live.statuses, vec![405]);
    }
}

#[cfg(test)]
mod clause_tests {
    use super::*;

    #[test]
    fn b6_b_a_member_after_the_sentinel_the_profiles_enum_lacks_is_b6_b() {
        // found on three real servers under strict (no members after the sentinel): `canceling`
        // accepted was filed as B6.d, the clause of members the enum has
        assert_eq!(Defect::AfterSentinelUnknown.clause(), "B6.b");
        assert_eq!(Defect::AfterSentinelWithoutPrefer.clause(), "B6.d");
    }

    #[test]
    fn r5_a_a_malformed_percent_escape_in_a_key_is_a_malformed_key() {
        // found on a real server (Flask looks `%zz` up as text, 404): filed as R3.c, which is
        // about decoding a key that can be decoded; the ground truth and decision 89 say R5.a
        assert_eq!(Defect::BadPercentEscape.clause(), "R5.a");
        assert_eq!(Defect::BadPercentEscape.rule(), RuleId::R5);
        assert_eq!(Defect::BadPercentEscape.status(), 400);
        // the model names the same rule for the same key
        let e = crate::contract::path::percent_decode("%zz")
            .map(|_| ())
            .unwrap_err();
        assert_eq!(e.rule, RuleId::R5);
    }

    #[test]
    fn t1_g_a_timestamp_of_another_shape_accepted_is_t1_g_not_t1_a() {
        // found on a real server (Flask's `fromisoformat` accepts `T12:00Z`): filed as T1.a, the
        // grammar; the ground truth and decision 91 say T1.g, "anything outside is 400"
        let p = TimestampProperty::StartedDateTime;
        for f in [
            TimestampFlaw::NoSeconds,
            TimestampFlaw::SpaceSeparator,
            TimestampFlaw::DateOnly,
            TimestampFlaw::EmptyFraction,
            TimestampFlaw::ThirteenDigits,
        ] {
            assert_eq!(Defect::Timestamp(p, f).clause(), "T1.g", "{f:?}");
        }
        assert_eq!(
            Defect::TimestampOtherPattern(p, OtherPattern::EpochSeconds).clause(),
            "T1.g"
        );
        // the narrower clauses keep theirs
        assert_eq!(Defect::Timestamp(p, TimestampFlaw::Hour24).clause(), "T1.c");
        assert_eq!(
            Defect::Timestamp(p, TimestampFlaw::NoOffset).clause(),
            "T1.d"
        );
    }
}
