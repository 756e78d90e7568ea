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

/// One way to break one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, arbitrary::Arbitrary, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Defect {
    // H2
    /// No Authorization header.
    NoAuthorization,
    /// `Basic` instead of `Bearer`.
    NotBearer,
    /// `Bearer` with no token.
    EmptyToken,
    /// A token the service does not know.
    UnknownToken,
    /// The read-only token on a PATCH (403).
    ReadOnlyToken,
    /// Two `Authorization` headers, one of them right (H2.c: 401 in either order).
    DuplicateAuthorization(HeaderOrder),
    // H3
    /// No Content-Type header.
    NoContentType,
    /// Two `Content-Type` headers, one of them right (H3.c: 415 in either order).
    DuplicateContentType(HeaderOrder),
    /// Another media type or charset.
    MediaType(MediaTypeFlaw),
    // H4
    /// A body one byte over `max_body_bytes` (valid JSON padded with white space).
    Oversize,
    /// A body one byte over `max_body_bytes` whose JSON value ends early: the white space
    /// after it (H4.b: the limit applies to the body as received, not to what a parser reads).
    OversizeAfterValue,
    // H6
    /// `Content-Encoding: br` (a coding the implementation does not decode): 415.
    UnsupportedEncoding,
    /// `Content-Encoding: gzip` on a body that is not gzip: 400.
    CorruptGzip,
    /// One valid gzip member followed by a byte (a line break): 400 (decision 39).
    GzipTrailingBytes,
    /// A small gzip body that decodes to one byte over `max_body_bytes`: 413.
    GzipBomb,
    /// A list of codings that names gzip, on a gzip body: 415 (H6.b).
    CodingListWithGzip(CodingList),
    /// Two valid gzip members, then bytes that are no member: 400 (H6.c).
    GzipMembersThenGarbage,
    /// A 1 MiB gzip body that decodes to 1 GiB: 413 as quickly as one just over (H6.d).
    GzipHugeBomb,
    /// One valid gzip member followed by NUL bytes (zlib ignores such padding): 400 (H6.c).
    GzipTrailingZeros,
    // H1
    /// Another method.
    Method(OtherMethod),
    /// A method frameworks may answer on their own (`OPTIONS`, `HEAD`, `TRACE`), no body.
    ProbeMethod(ProbeMethod),
    /// `POST` with `X-HTTP-Method-Override: PATCH`: the override is not honoured (decision 78).
    MethodOverride,
    // R3/R4/R5
    /// A segment name that is not in the route (`lifecycleWorkflowz`).
    UnknownSegment,
    /// `deletedItems` left out.
    MissingSegment,
    /// The last key left out.
    MissingKey,
    /// A segment after the last key.
    ExtraSegment,
    /// An empty key.
    EmptyKey,
    /// A malformed percent-escape in a key: a malformed key (R5.a, decision 89).
    BadPercentEscape,
    /// A parenthesised key without quotes.
    UnquotedParenKey,
    /// A parenthesised key under `paren_keys = reject`.
    ParenKeyRejected,
    /// Upper-case segment names under `segment_case = exact`.
    SegmentCaseRejected,
    /// Two trailing slashes (R4.c: one is accepted, two or more is 400).
    TwoTrailingSlashes,
    // S1/R2: 404
    /// An id that does not exist.
    UnknownId(Level),
    /// `{t}` under the `{w}/{r}/{u}` of another result.
    WrongParentChain,
    /// The addressed id in upper case: ids match exactly (R4.b), so it does not resolve.
    IdCase,
    /// An encoded `/` (`%2F`) inside the last id: decoded once it is part of the id, which then
    /// does not resolve (R3.c: 404, not a path split at it).
    EncodedSlashInId,
    /// Via-task route to a result of another task.
    ViaTaskOtherTask,
    // B1
    /// No body.
    EmptyBody,
    /// The body cut in half.
    Truncated,
    /// Bytes after the JSON object.
    TrailingBytes,
    /// Bytes that are not UTF-8 inside a string.
    InvalidUtf8,
    /// A lone surrogate escape.
    LoneSurrogate,
    /// Nesting deeper than any parser allows.
    DeepNesting,
    /// A top level that is not an object.
    NotObject(NotObject),
    /// An extension of JSON lenient parsers accept.
    JsonExtension(JsonExtension),
    /// Bytes lenient UTF-8 decoders read (CESU-8 surrogates, overlong forms).
    Utf8Form(Utf8Flaw),
    // B2
    /// A member name twice.
    DuplicateMember,
    // B4
    /// `null` for a required property.
    NullRequired(Required),
    /// A required property left out under `required_in_body`.
    MissingRequired(Required),
    // B5
    /// Another JSON type.
    WrongType(Property, WrongKind),
    // B6
    /// A member name in another case under `enum_case = exact`.
    EnumCase,
    /// A member name with white space.
    EnumWhitespace,
    /// A numeric string (`"2"`).
    EnumNumeric,
    /// A word that is no member.
    EnumUnknown,
    /// The sentinel under `sentinel_in_patch = reject`.
    SentinelRejected,
    /// A member after the sentinel without the Prefer header.
    AfterSentinelWithoutPrefer,
    /// A member after the sentinel the profile's enum lacks (even with Prefer).
    AfterSentinelUnknown,
    // T1
    /// A timestamp outside the grammar.
    Timestamp(TimestampProperty, TimestampFlaw),
    /// A timestamp text of another grammar outside Graph's pattern (T1.g).
    TimestampOtherPattern(TimestampProperty, OtherPattern),
    /// Second `60` (`23:59:60`, T1.c; valid under odata-abnf).
    TimestampLeapSecond(TimestampProperty),
    /// A basic offset without a colon (`+0100`, T1.d).
    TimestampBasicOffset(TimestampProperty),
    // B7
    /// `id` different from the addressed id.
    IdMismatch,
    /// `id` not a string.
    IdNotString,
    /// `id` under `id_in_body = reject`.
    IdRejected,
    /// A property this operation does not update.
    NotUpdatable(NotUpdatable),
    // B8
    /// An unknown property.
    UnknownProperty,
    /// A property name in another case (`FailureReason`).
    PropertyNameCase,
    /// Another property's name in another case, for every property (B8).
    PropertyNameCaseOf(Property),
    // B9
    /// `@odata.type` naming another type.
    OdataTypeWrong,
    /// `@odata.type` not a string.
    OdataTypeNotString,
    /// `@odata.type` `null`, a number or an object.
    OdataTypeValue(OdataTypeValue),
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
    /// The rule the defect breaks.
    pub fn rule(self) -> RuleId {
        use Defect::*;
        match self {
            NoAuthorization
            | NotBearer
            | EmptyToken
            | UnknownToken
            | ReadOnlyToken
            | DuplicateAuthorization(_) => RuleId::H2,
            NoContentType | MediaType(_) | DuplicateContentType(_) => RuleId::H3,
            Oversize | OversizeAfterValue => RuleId::H4,
            UnsupportedEncoding
            | CorruptGzip
            | GzipTrailingBytes
            | GzipBomb
            | CodingListWithGzip(_)
            | GzipMembersThenGarbage
            | GzipHugeBomb
            | GzipTrailingZeros => RuleId::H6,
            Method(_) | ProbeMethod(_) | MethodOverride => RuleId::H1,
            UnknownSegment | MissingSegment | MissingKey | ExtraSegment | BadPercentEscape => {
                RuleId::R5
            }
            EmptyKey | UnquotedParenKey | ParenKeyRejected => RuleId::R3,
            SegmentCaseRejected | TwoTrailingSlashes => RuleId::R4,
            UnknownId(_) | WrongParentChain | IdCase | EncodedSlashInId => RuleId::S1,
            ViaTaskOtherTask => RuleId::R2,
            EmptyBody | Truncated | TrailingBytes | InvalidUtf8 | LoneSurrogate | DeepNesting
            | NotObject(_) | JsonExtension(_) | Utf8Form(_) => RuleId::B1,
            DuplicateMember => RuleId::B2,
            NullRequired(_) | MissingRequired(_) => RuleId::B4,
            WrongType(..) => RuleId::B5,
            EnumCase
            | EnumWhitespace
            | EnumNumeric
            | EnumUnknown
            | SentinelRejected
            | AfterSentinelWithoutPrefer
            | AfterSentinelUnknown => RuleId::B6,
            Timestamp(..)
            | TimestampOtherPattern(..)
            | TimestampLeapSecond(_)
            | TimestampBasicOffset(_) => RuleId::T1,
            IdMismatch | IdNotString | IdRejected | NotUpdatable(_) => RuleId::B7,
            UnknownProperty | PropertyNameCase | PropertyNameCaseOf(_) => RuleId::B8,
            OdataTypeWrong | OdataTypeNotString | OdataTypeValue(_) => RuleId::B9,
        }
    }

    /// The status the contract demands for this defect alone.
    pub fn status(self) -> u16 {
        use Defect::*;
        match self {
            NoAuthorization | NotBearer | EmptyToken | UnknownToken | DuplicateAuthorization(_) => {
                401
            }
            ReadOnlyToken => 403,
            NoContentType
            | MediaType(_)
            | DuplicateContentType(_)
            | UnsupportedEncoding
            | CodingListWithGzip(_) => 415,
            Oversize | OversizeAfterValue | GzipBomb | GzipHugeBomb => 413,
            Method(_) | ProbeMethod(_) | MethodOverride => 405,
            UnknownId(_) | WrongParentChain | ViaTaskOtherTask | IdCase | EncodedSlashInId => 404,
            _ => 400,
        }
    }

    /// The clause this defect breaks (it puts that clause to the test), typed (a test holds every kind's clause to be one of the contract's).
    pub fn clause_id(self) -> crate::contract::clause::ClauseId {
        use crate::contract::clause::ClauseId;
        ClauseId::parse(self.clause()).unwrap_or_else(|| ClauseId::first_of(self.rule()))
    }

    /// The clause as the contract writes it.
    pub fn clause(self) -> &'static str {
        use Defect::*;
        use TimestampFlaw as F;
        match self {
            NoAuthorization => "H2.a",
            NotBearer => "H2.b",
            EmptyToken | UnknownToken | DuplicateAuthorization(_) => "H2.c",
            ReadOnlyToken => "H2.d",
            NoContentType | MediaType(_) | DuplicateContentType(_) => "H3.c",
            Oversize => "H4.a",
            // what is counted: the body as received, bytes after the JSON value included
            OversizeAfterValue => "H4.b",
            UnsupportedEncoding | CodingListWithGzip(_) => "H6.b",
            CorruptGzip | GzipTrailingBytes | GzipMembersThenGarbage | GzipTrailingZeros => "H6.c",
            GzipBomb | GzipHugeBomb => "H6.d",
            Method(_) | ProbeMethod(_) | MethodOverride => "H1.c",
            UnknownSegment | MissingSegment | MissingKey | ExtraSegment => "R5.a",
            EmptyKey => "R3.d",
            BadPercentEscape => "R5.a",
            UnquotedParenKey | ParenKeyRejected => "R3.b",
            SegmentCaseRejected => "R4.a",
            TwoTrailingSlashes => "R4.c",
            EncodedSlashInId => "R3.c",
            UnknownId(_) => "R5.b",
            WrongParentChain => "S1",
            IdCase => "R4.b",
            ViaTaskOtherTask => "R2.b",
            EmptyBody => "B1.a",
            Truncated | TrailingBytes | InvalidUtf8 | LoneSurrogate | JsonExtension(_)
            | Utf8Form(_) => "B1.b",
            DeepNesting => "B1.e",
            NotObject(_) => "B1.c",
            DuplicateMember => "B2",
            NullRequired(_) => "B4.b",
            MissingRequired(_) => "B4.d",
            WrongType(..) => "B5",
            EnumCase | EnumWhitespace | EnumNumeric | EnumUnknown => "B6.b",
            SentinelRejected => "B6.c",
            AfterSentinelWithoutPrefer => "B6.d",
            // a name the profile's enum lacks is "every other string" (strict has no members
            // after the sentinel)
            AfterSentinelUnknown => "B6.b",
            Timestamp(_, f) => match f {
                F::NotCalendarDate
                | F::ThirtyFirstOfApril
                | F::MonthThirteen
                | F::YearZero
                | F::FiveDigitYear => "T1.b",
                F::Hour24 | F::Minute60 | F::LeapSecond => "T1.c",
                F::NoOffset | F::OffsetHour24 | F::OffsetBeyond14 | F::OffsetWithoutColon => "T1.d",
                F::LowerCase => "T1.e",
                F::UtcAfterYear9999 | F::UtcBeforeYear1 => "T1.h",
                F::ThirteenDigits
                | F::SpaceSeparator
                | F::EmptyFraction
                | F::DateOnly
                // outside the pattern, no narrower clause: "anything outside the grammar is
                // 400" (T1.g; T1.a is the grammar, broken by rejecting what it admits):
                // decision 91
                | F::NoSeconds => "T1.g",
            },
            TimestampOtherPattern(..) => "T1.g",
            TimestampLeapSecond(_) => "T1.c",
            TimestampBasicOffset(_) => "T1.d",
            IdMismatch | IdNotString | IdRejected => "B7.a",
            NotUpdatable(_) => "B7.b",
            UnknownProperty | PropertyNameCase | PropertyNameCaseOf(_) => "B8",
            OdataTypeWrong | OdataTypeNotString | OdataTypeValue(_) => "B9.a",
        }
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

    fn slot(self) -> Slot {
        use Defect::*;
        match self {
            NoAuthorization | NotBearer | EmptyToken | UnknownToken | DuplicateAuthorization(_) => {
                Slot::Auth
            }
            ReadOnlyToken => Slot::WriteAuth,
            NoContentType | MediaType(_) | DuplicateContentType(_) => Slot::ContentType,
            Oversize | OversizeAfterValue => Slot::Size,
            UnsupportedEncoding
            | CorruptGzip
            | GzipTrailingBytes
            | GzipBomb
            | CodingListWithGzip(_)
            | GzipMembersThenGarbage
            | GzipHugeBomb
            | GzipTrailingZeros => Slot::Encoding,
            Method(_) | ProbeMethod(_) | MethodOverride => Slot::Method,
            UnknownSegment | MissingSegment | MissingKey | ExtraSegment | EmptyKey
            | BadPercentEscape | UnquotedParenKey | ParenKeyRejected | SegmentCaseRejected
            | TwoTrailingSlashes => Slot::PathShape,
            UnknownId(_) | WrongParentChain | ViaTaskOtherTask | IdCase | EncodedSlashInId => {
                Slot::Resolve
            }
            EmptyBody | Truncated | TrailingBytes | InvalidUtf8 | LoneSurrogate | DeepNesting
            | NotObject(_) | JsonExtension(_) | Utf8Form(_) => Slot::WholeBody,
            DuplicateMember | PropertyNameCase => Slot::Member("failureReason"),
            PropertyNameCaseOf(p) => Slot::Member(p.name()),
            NullRequired(r) | MissingRequired(r) => Slot::Member(r.property().name()),
            WrongType(p, _) => Slot::Member(p.name()),
            EnumCase
            | EnumWhitespace
            | EnumNumeric
            | EnumUnknown
            | SentinelRejected
            | AfterSentinelWithoutPrefer
            | AfterSentinelUnknown => Slot::Member("processingStatus"),
            Timestamp(p, _)
            | TimestampOtherPattern(p, _)
            | TimestampLeapSecond(p)
            | TimestampBasicOffset(p) => Slot::Member(p.property().name()),
            IdMismatch | IdNotString | IdRejected => Slot::Member("id"),
            NotUpdatable(n) => Slot::Member(match n {
                self::NotUpdatable::ProcessingInfo => "processingInfo",
                self::NotUpdatable::WorkflowSubject => "workflowSubject",
                self::NotUpdatable::Subject => "subject",
                self::NotUpdatable::Task => "task",
            }),
            UnknownProperty => Slot::Member("extraProperty"),
            OdataTypeWrong | OdataTypeNotString | OdataTypeValue(_) => Slot::Member("@odata.type"),
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
    pub fn patch_only(self) -> bool {
        matches!(
            self.slot(),
            Slot::ContentType | Slot::Size | Slot::Encoding | Slot::WholeBody | Slot::Member(_)
        ) || self == Defect::ReadOnlyToken
    }

    /// Every defect, each variant with each of its data values.
    pub fn catalogue() -> Vec<Defect> {
        use Defect::*;
        let mut v = vec![
            NoAuthorization,
            NotBearer,
            EmptyToken,
            UnknownToken,
            ReadOnlyToken,
            NoContentType,
            Oversize,
            UnsupportedEncoding,
            CorruptGzip,
            GzipTrailingBytes,
            GzipBomb,
            UnknownSegment,
            MissingSegment,
            MissingKey,
            ExtraSegment,
            EmptyKey,
            BadPercentEscape,
            UnquotedParenKey,
            ParenKeyRejected,
            SegmentCaseRejected,
            WrongParentChain,
            IdCase,
            ViaTaskOtherTask,
            EmptyBody,
            Truncated,
            TrailingBytes,
            InvalidUtf8,
            LoneSurrogate,
            DeepNesting,
            DuplicateMember,
            EnumCase,
            EnumWhitespace,
            EnumNumeric,
            EnumUnknown,
            SentinelRejected,
            AfterSentinelWithoutPrefer,
            AfterSentinelUnknown,
            IdMismatch,
            IdNotString,
            IdRejected,
            UnknownProperty,
            PropertyNameCase,
            OdataTypeWrong,
            OdataTypeNotString,
        ];
        v.push(GzipMembersThenGarbage);
        v.push(GzipHugeBomb);
        v.push(MethodOverride);
        // found on real servers (issue 27): NUL padding after gzip (Node's zlib), padding after
        // the JSON value past the limit (Go's decoder stops at the value), two trailing
        // slashes (Go's ServeMux redirects), `%2F` in an id (Go's decoded path splits at it)
        v.extend([
            GzipTrailingZeros,
            OversizeAfterValue,
            TwoTrailingSlashes,
            EncodedSlashInId,
        ]);
        for o in [HeaderOrder::RightFirst, HeaderOrder::RightLast] {
            v.push(DuplicateAuthorization(o));
            v.push(DuplicateContentType(o));
        }
        v.extend([CodingList::GzipThenBr, CodingList::IdentityThenGzip].map(CodingListWithGzip));
        use self::ProbeMethod as P;
        v.extend([P::Options, P::Head, P::Trace].map(ProbeMethod));
        use self::JsonExtension as J;
        v.extend(
            [
                J::LineComment,
                J::BlockComment,
                J::TrailingComma,
                J::SingleQuotes,
                J::NaN,
                J::Infinity,
                J::LeadingZeros,
                J::PlusSign,
            ]
            .map(JsonExtension),
        );
        v.extend([Utf8Flaw::Cesu8Surrogates, Utf8Flaw::Overlong].map(Utf8Form));
        use self::OdataTypeValue as V;
        v.extend([V::Null, V::Number, V::Object].map(OdataTypeValue));
        v.extend(Property::ALL.map(PropertyNameCaseOf));
        use MediaTypeFlaw as M;
        v.extend(
            [
                M::TextPlain,
                M::MergePatch,
                M::FormUrlEncoded,
                M::JsonX,
                M::CharsetUtf16,
                M::CharsetLatin1,
            ]
            .map(MediaType),
        );
        use OtherMethod as O;
        v.extend([O::Put, O::Post, O::Delete, O::LowerCasePatch].map(Method));
        v.extend(
            [
                Level::Workflow,
                Level::Run,
                Level::UserResult,
                Level::Result,
            ]
            .map(UnknownId),
        );
        use self::NotObject as N;
        v.extend([N::Array, N::String, N::Number, N::Null, N::Boolean].map(NotObject));
        for r in [Required::CreatedDateTime, Required::ProcessingStatus] {
            v.push(NullRequired(r));
            v.push(MissingRequired(r));
        }
        for p in Property::ALL {
            for k in [
                WrongKind::Number,
                WrongKind::Boolean,
                WrongKind::Array,
                WrongKind::Object,
            ] {
                v.push(WrongType(p, k));
            }
        }
        use TimestampFlaw as F;
        let flaws = [
            F::NotCalendarDate,
            F::ThirtyFirstOfApril,
            F::MonthThirteen,
            F::Hour24,
            F::Minute60,
            F::NoOffset,
            F::ThirteenDigits,
            F::SpaceSeparator,
            F::EmptyFraction,
            F::OffsetHour24,
            F::OffsetWithoutColon,
            F::DateOnly,
            F::NoSeconds,
            F::LeapSecond,
            F::LowerCase,
            F::YearZero,
            F::FiveDigitYear,
            F::OffsetBeyond14,
            F::UtcAfterYear9999,
            F::UtcBeforeYear1,
        ];
        for p in [
            TimestampProperty::CreatedDateTime,
            TimestampProperty::StartedDateTime,
            TimestampProperty::CompletedDateTime,
        ] {
            for f in flaws {
                v.push(Timestamp(p, f));
            }
            for k in [
                OtherPattern::EpochSeconds,
                OtherPattern::SpaceSeparator,
                OtherPattern::LongFraction,
            ] {
                v.push(TimestampOtherPattern(p, k));
            }
            v.push(TimestampLeapSecond(p));
            v.push(TimestampBasicOffset(p));
        }
        use self::NotUpdatable as U;
        v.extend([U::ProcessingInfo, U::WorkflowSubject, U::Subject, U::Task].map(NotUpdatable));
        v
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
pub fn combines(applied: &[Defect], d: Defect) -> bool {
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
            // named by the clause that says how they must match (R4.b, R5.b, R3.c)
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
