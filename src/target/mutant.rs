//! Deliberately broken implementations: [`Mutated`] decorates the in-process model target with
//! one or more realistic bugs ([`Mutant`]); `serve --mutant` serves it over HTTP. The runner's
//! self-test checks that `check` finds every one, citing the right rule, within the default
//! budget (the kill rate), that stacks of several are each found with nothing else blamed, and
//! that it finds nothing on the correct model. None of this lives in the production responder.

use super::model::ModelTarget;
use super::{BoxFuture, Response, Target, TransportError, yield_once};
use crate::json::{self, Json};
use crate::model::{self, Outcome};
use crate::path::{PathStyle, Route};
use crate::profile::Profile;
use crate::rule::RuleId;
use crate::spec::{Framing, Property, Request};
use crate::store::Store;
use crate::timestamp::{Grammar, Timestamp};

/// One realistic bug.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mutant {
    /// Accepts `"createdDateTime": null` (and ignores it).
    AcceptNullCreated,
    /// An open enum: unknown `processingStatus` strings are accepted (and ignored).
    OpenEnum,
    /// PUT semantics: properties a PATCH does not name are reset to null.
    PutSemantics,
    /// Non-atomic rejection: the valid members of a rejected body are written anyway.
    NonAtomicRejection,
    /// `204 No Content` instead of `200` with the representation.
    NoContentInsteadOf200,
    /// The via-task route updates `{t0}` instead of `{t}`.
    WrongAliasTarget,
    /// Read-modify-write without the lock: concurrent updates are lost.
    LostUpdates,
    /// 500 on a body that is not JSON (an empty body is refused with 400 before the parser).
    ServerErrorOnBadJson,
    /// Segment names compared case-sensitively under a profile that says insensitive.
    CaseSensitiveSegments,
    /// No authentication at all.
    NoAuthentication,
    /// The read-only token may PATCH.
    ReadOnlyTokenWrites,
    /// Any Content-Type is accepted.
    AnyContentType,
    /// Timestamps without an offset are accepted (as UTC).
    TimestampWithoutOffset,
    /// Errors with an empty body.
    EmptyErrorBody,
    /// `Prefer` honoured without `Preference-Applied`.
    NoPreferenceApplied,
    /// `unknownFutureValue` in a PATCH is stored instead of ignored.
    SentinelStored,
    /// A PATCH also writes its `failureReason` into a sibling result (same user processing result).
    IsolationLeak,
    /// PUT is treated as PATCH.
    PutAccepted,
    /// Duplicate members are accepted (last wins).
    DuplicatesAccepted,
    /// Re-sending the current `failureReason` appends " (again)": the same PATCH twice differs.
    NotIdempotent,
    /// Written timestamps are stored to the millisecond (T2.b: coarser than 100 ns).
    CoarseTimestamps,
    /// Every error carries the code `Error` (E2, judged under `strict_error_codes`).
    GenericErrorCodes,
    // --- a different reading of the contract: the model under another knob value ---
    /// Parenthesised keys are rejected (R3.b: `paren_keys = accept`).
    ParenKeysRejected,
    /// Enum names compare case-insensitively (B6.b).
    EnumCaseInsensitive,
    /// Unknown property names are ignored (B8).
    UnknownPropertiesIgnored,
    /// `id` in the body is rejected even when equal to the key (B7.a).
    IdInBodyRejected,
    /// Every PATCH must name both required properties (B4.a: they may be omitted).
    RequiredInBody,
    /// `unknownFutureValue` in a PATCH is rejected (B6.c: it means "leave as it is").
    SentinelInPatchRejected,
    /// gzip-coded bodies are refused with 415 (H6.a).
    GzipUnsupported,
    /// Members after the sentinel are not known (B6.d: accepted with the preference).
    NoMembersAfterSentinel,
    /// Under `odata-abnf`, timestamps are parsed with Graph's pattern (T1.f).
    GraphGrammarOnly,
    /// Under `graph`, timestamps are parsed with the full OData ABNF (T1.a: seconds omitted;
    /// also lower case `t`/`z`, second 60, five-digit years).
    AbnfGrammarUnderGraph,
    /// Every PATCH is 405 (H1.a).
    PatchUnsupported,
    /// Under `graph-live`, PATCH is evaluated as under `graph` (H1.d).
    PatchSupportedUnderLive,
    /// Under `strict`, a body may omit the required properties (B4.d).
    RequiredNotEnforcedUnderStrict,
    /// No body size limit (H4.a).
    NoBodyLimit,
    /// A body of exactly the limit is 413 (H4.a: off by one).
    BodyLimitOffByOne,
    /// The limit is checked on `Content-Length` only: a chunked body past it is read whole and
    /// processed (H4.b).
    ChunkedLimitUnchecked,
    /// A chunked body is read as empty, as by a server that reads `Content-Length` bytes only
    /// (H4.b: the body rules apply whatever the framing).
    ChunkedBodyIgnored,
    // --- request handling ---
    /// One trailing slash makes the path unknown (R4.c).
    TrailingSlashRejected,
    /// Ids compare case-insensitively (R4.b).
    IdsCaseInsensitive,
    /// Ids are not percent-decoded (R3.c).
    IdsNotPercentDecoded,
    /// A malformed path is 404, not 400 (R5.a).
    MalformedPathIs404,
    /// Ids that do not resolve are 400, not 404 (R5.b).
    UnresolvedIs400,
    /// The via-task route accepts a result of another task (R2.b).
    ViaTaskAnyTask,
    /// GET is 405 (H1.b).
    GetUnsupported,
    /// Methods other than GET and PATCH are 400, not 405 (H1.c).
    OtherMethodsAre400,
    /// A request without `Authorization` is 403, not 401 (H2.a).
    MissingAuthIs403,
    /// Any scheme is accepted with a known token (H2.b).
    AnySchemeAccepted,
    /// The scheme must be spelled `Bearer` exactly (H2.b: case-insensitive).
    BearerCaseSensitive,
    /// Tokens compare case-insensitively (H2.c).
    TokensCaseInsensitive,
    /// GET through the via-task route with a read-only token is 403 (H2.d: reads are
    /// allowed on either route).
    ReadOnlyCannotRead,
    /// A `Content-Type` with parameters is 415 (H3.b: `charset=utf-8` and OData ones allowed).
    ContentTypeParametersRejected,
    /// The media type compares case-sensitively (H3.a).
    MediaTypeCaseSensitive,
    /// Only the first preference of the first `Prefer` header counts (H5.a).
    FirstPreferenceOnly,
    /// GET never carries `Preference-Applied` (H5.b).
    NoPreferenceAppliedOnGet,
    /// Unknown content codings are read as identity (H6.b).
    UnknownCodingIgnored,
    /// Bytes after the gzip member are ignored (H6.c, decision 39).
    GzipTrailingIgnored,
    /// A body with trailing bytes after the JSON value is accepted (B1.b).
    TrailingBytesAccepted,
    /// An empty body is read as `{}` (B1.a).
    EmptyBodyAccepted,
    /// A top level that is not an object is read as `{}` (B1.c).
    NonObjectAccepted,
    /// More than 16 levels of nesting are 400 (B1.e: 32 must be parsed).
    ShallowNestingLimit,
    /// Numbers and booleans for `failureReason` are stored as text (B5).
    ScalarsCoercedToText,
    /// `null` for a nullable property is 400 (B4.c).
    NullNullableRejected,
    /// Numeric enum strings (`"2"`) are read as the member at that index (B6.b).
    NumericEnumAccepted,
    /// Members after the sentinel are rendered by name without the preference (B6.e).
    AfterSentinelRenderedByName,
    /// A different `id` in the body is ignored (B7.a).
    IdMismatchIgnored,
    /// Properties this operation does not update are silently ignored (B7.b).
    NotUpdatableIgnored,
    /// Property names compare case-insensitively (B8).
    PropertyNamesCaseInsensitive,
    /// `@odata.type` without `#` is rejected (B9.a).
    OdataTypeWithoutHashRejected,
    /// Any `@odata.type` is accepted (B9.a).
    AnyOdataTypeAccepted,
    /// Annotations other than `@odata.type` are unknown properties (B9.b).
    AnnotationsRejected,
    /// `failureReason` is stored truncated to 32 KiB (B10).
    FailureReasonTruncated,
    /// Characters outside the BMP in `failureReason` are stored as U+FFFD (B10).
    AstralCharactersReplaced,
    /// Century years are leap years: `2000-02-29` is rejected (T1.b).
    CenturyLeapYearRejected,
    /// `24:00:00` is accepted as the end of the day (T1.c).
    Hour24Accepted,
    /// Offsets beyond ±14:00 are clamped (T1.d).
    OffsetClamped,
    /// Instants outside .NET's range are clamped into it (T1.h).
    OutOfRangeInstantsClamped,
    /// A fraction's leading zeros are dropped (`.05` read as `.5`) (T1.a).
    FractionLeadingZerosDropped,
    /// 200 bodies render timestamps without their offset (T2.a).
    TimestampsRenderedWithoutOffset,
    /// `completedDateTime` before `startedDateTime` is 400 (T3: no ordering is part of it).
    TimestampOrderEnforced,
    /// 200 bodies lack `@odata.type` (S4.a).
    NoOdataTypeInBody,
    /// 200 bodies omit null properties (S4.a).
    NullPropertiesOmitted,
    /// 200 bodies show the state before the request (S4.b).
    StaleRepresentation,
    /// Errors are sent as `text/plain` (E1).
    ErrorsAsPlainText,
    /// Errors carry an empty code (E1).
    EmptyErrorCode,
    /// Deep nesting crashes the parser: 500 (E3).
    DeepNestingCrashes,
    /// Under `strict_precedence`, the body is checked before the media type (E4).
    BodyBeforeMediaType,
    /// A PATCH is written property by property, other requests running in between (S7: no
    /// write is torn).
    TornWrites,
    // --- contract 1.2 and the inputs real frameworks get wrong (issue 29) ---
    /// A 401 carries no `WWW-Authenticate` (H2.e).
    NoChallengeOn401,
    /// Of two `Authorization` or `Content-Type` headers the first counts (H2.c, H3.c).
    FirstHeaderWins,
    /// Of two `Authorization` or `Content-Type` headers the last counts (H2.c, H3.c).
    LastHeaderWins,
    /// Only `gzip` spelled so is decoded: `GZIP` and `x-gzip` are 415 (H6.a).
    GzipNameCaseSensitive,
    /// A gzip body of several members is 400, as contract 1.1 read it (H6.a).
    SingleGzipMemberOnly,
    /// Bytes after the last gzip member that are no member are ignored, as gzip(1) does (H6.c).
    GzipTrailingGarbageIgnored,
    /// A gzip body is inflated whole before the limit is checked: one that decodes to more than 256 MiB exhausts the memory, 500 (H6.d).
    BombInflatedWhole,
    /// A list of codings that names gzip is read as gzip (H6.b).
    CodingListGzipAccepted,
    /// `OPTIONS` is answered 204 with `Allow`, as CORS middleware does (H1.c).
    OptionsAnswered,
    /// `HEAD` is answered as GET (H1.c).
    HeadAnsweredAsGet,
    /// `POST` with `X-HTTP-Method-Override: PATCH` is a PATCH (H1.c).
    MethodOverrideHonoured,
    /// JSON extensions (comments, trailing commas, single quotes, NaN, leading zeros, `+1`) are read as JSON5 does (B1.b).
    LenientJsonParser,
    /// Bytes that are not UTF-8 are read as U+FFFD (B1.b).
    LossyUtf8Decoding,
    /// `"@odata.type": null` is read as no `@odata.type` (B9.a).
    NullOdataTypeIgnored,
    /// Timestamps are parsed leniently: epoch seconds, a space for `T`, `+0100`, long fractions, `:60` (T1.a, T1.c, T1.d).
    LenientTimestampParser,
    /// `task@odata.bind` is refused as a navigation write (B9.b).
    BindAnnotationRejected,
    /// `failureReason` is stored without its leading and trailing white space (B10).
    FailureReasonTrimmed,
    /// Control characters (NUL included) are dropped from `failureReason` (B10).
    ControlCharactersStripped,
    /// Non-characters (U+FFFE, U+FDD0, …) in `failureReason` are stored as U+FFFD (B10).
    NoncharactersReplaced,
    /// The `request-id` is derived from the request (method, path, headers, body), as a
    /// caching or idempotency layer keys it: the same request twice gets the same id (E2).
    RequestIdFromRequest,
}

impl Mutant {
    /// Every mutant.
    pub const ALL: [Mutant; 109] = [
        Mutant::AcceptNullCreated,
        Mutant::OpenEnum,
        Mutant::PutSemantics,
        Mutant::NonAtomicRejection,
        Mutant::NoContentInsteadOf200,
        Mutant::WrongAliasTarget,
        Mutant::LostUpdates,
        Mutant::ServerErrorOnBadJson,
        Mutant::CaseSensitiveSegments,
        Mutant::NoAuthentication,
        Mutant::ReadOnlyTokenWrites,
        Mutant::AnyContentType,
        Mutant::TimestampWithoutOffset,
        Mutant::EmptyErrorBody,
        Mutant::NoPreferenceApplied,
        Mutant::SentinelStored,
        Mutant::IsolationLeak,
        Mutant::PutAccepted,
        Mutant::DuplicatesAccepted,
        Mutant::NotIdempotent,
        Mutant::CoarseTimestamps,
        Mutant::GenericErrorCodes,
        Mutant::ParenKeysRejected,
        Mutant::EnumCaseInsensitive,
        Mutant::UnknownPropertiesIgnored,
        Mutant::IdInBodyRejected,
        Mutant::RequiredInBody,
        Mutant::SentinelInPatchRejected,
        Mutant::GzipUnsupported,
        Mutant::NoMembersAfterSentinel,
        Mutant::GraphGrammarOnly,
        Mutant::AbnfGrammarUnderGraph,
        Mutant::PatchUnsupported,
        Mutant::PatchSupportedUnderLive,
        Mutant::RequiredNotEnforcedUnderStrict,
        Mutant::NoBodyLimit,
        Mutant::BodyLimitOffByOne,
        Mutant::ChunkedLimitUnchecked,
        Mutant::ChunkedBodyIgnored,
        Mutant::TrailingSlashRejected,
        Mutant::IdsCaseInsensitive,
        Mutant::IdsNotPercentDecoded,
        Mutant::MalformedPathIs404,
        Mutant::UnresolvedIs400,
        Mutant::ViaTaskAnyTask,
        Mutant::GetUnsupported,
        Mutant::OtherMethodsAre400,
        Mutant::MissingAuthIs403,
        Mutant::AnySchemeAccepted,
        Mutant::BearerCaseSensitive,
        Mutant::TokensCaseInsensitive,
        Mutant::ReadOnlyCannotRead,
        Mutant::ContentTypeParametersRejected,
        Mutant::MediaTypeCaseSensitive,
        Mutant::FirstPreferenceOnly,
        Mutant::NoPreferenceAppliedOnGet,
        Mutant::UnknownCodingIgnored,
        Mutant::GzipTrailingIgnored,
        Mutant::TrailingBytesAccepted,
        Mutant::EmptyBodyAccepted,
        Mutant::NonObjectAccepted,
        Mutant::ShallowNestingLimit,
        Mutant::ScalarsCoercedToText,
        Mutant::NullNullableRejected,
        Mutant::NumericEnumAccepted,
        Mutant::AfterSentinelRenderedByName,
        Mutant::IdMismatchIgnored,
        Mutant::NotUpdatableIgnored,
        Mutant::PropertyNamesCaseInsensitive,
        Mutant::OdataTypeWithoutHashRejected,
        Mutant::AnyOdataTypeAccepted,
        Mutant::AnnotationsRejected,
        Mutant::FailureReasonTruncated,
        Mutant::AstralCharactersReplaced,
        Mutant::CenturyLeapYearRejected,
        Mutant::Hour24Accepted,
        Mutant::OffsetClamped,
        Mutant::OutOfRangeInstantsClamped,
        Mutant::FractionLeadingZerosDropped,
        Mutant::TimestampsRenderedWithoutOffset,
        Mutant::TimestampOrderEnforced,
        Mutant::NoOdataTypeInBody,
        Mutant::NullPropertiesOmitted,
        Mutant::StaleRepresentation,
        Mutant::ErrorsAsPlainText,
        Mutant::EmptyErrorCode,
        Mutant::DeepNestingCrashes,
        Mutant::BodyBeforeMediaType,
        Mutant::TornWrites,
        Mutant::NoChallengeOn401,
        Mutant::FirstHeaderWins,
        Mutant::LastHeaderWins,
        Mutant::GzipNameCaseSensitive,
        Mutant::SingleGzipMemberOnly,
        Mutant::GzipTrailingGarbageIgnored,
        Mutant::BombInflatedWhole,
        Mutant::CodingListGzipAccepted,
        Mutant::OptionsAnswered,
        Mutant::HeadAnsweredAsGet,
        Mutant::MethodOverrideHonoured,
        Mutant::LenientJsonParser,
        Mutant::LossyUtf8Decoding,
        Mutant::NullOdataTypeIgnored,
        Mutant::LenientTimestampParser,
        Mutant::BindAnnotationRejected,
        Mutant::FailureReasonTrimmed,
        Mutant::ControlCharactersStripped,
        Mutant::NoncharactersReplaced,
        Mutant::RequestIdFromRequest,
    ];

    /// The mutant with this name (as `Debug` writes it, e.g. `OpenEnum`), ignoring case.
    pub fn from_name(name: &str) -> Option<Mutant> {
        Mutant::ALL
            .into_iter()
            .find(|m| format!("{m:?}").eq_ignore_ascii_case(name))
    }

    /// The rules a finding may cite for this bug (the first is the expected one).
    pub fn rules(self) -> &'static [RuleId] {
        use Mutant::*;
        match self {
            AcceptNullCreated => &[RuleId::B4],
            OpenEnum => &[RuleId::B6],
            PutSemantics => &[RuleId::S2],
            NonAtomicRejection => &[RuleId::S3],
            NoContentInsteadOf200 => &[RuleId::S4],
            WrongAliasTarget => &[RuleId::R2],
            LostUpdates => &[RuleId::S7],
            ServerErrorOnBadJson => &[RuleId::E3],
            CaseSensitiveSegments => &[RuleId::R4],
            NoAuthentication => &[RuleId::H2],
            ReadOnlyTokenWrites => &[RuleId::H2],
            AnyContentType => &[RuleId::H3],
            TimestampWithoutOffset => &[RuleId::T1],
            EmptyErrorBody => &[RuleId::E1],
            NoPreferenceApplied => &[RuleId::H5],
            SentinelStored => &[RuleId::B6, RuleId::S2],
            IsolationLeak => &[RuleId::S6],
            PutAccepted => &[RuleId::H1],
            DuplicatesAccepted => &[RuleId::B2],
            NotIdempotent => &[RuleId::S5, RuleId::S2, RuleId::B10],
            CoarseTimestamps => &[RuleId::T2, RuleId::S2],
            GenericErrorCodes => &[RuleId::E2],
            ParenKeysRejected => &[RuleId::R3],
            EnumCaseInsensitive => &[RuleId::B6],
            UnknownPropertiesIgnored => &[RuleId::B8],
            IdInBodyRejected => &[RuleId::B7],
            RequiredInBody => &[RuleId::B4],
            SentinelInPatchRejected => &[RuleId::B6],
            GzipUnsupported => &[RuleId::H6],
            NoMembersAfterSentinel => &[RuleId::B6],
            GraphGrammarOnly => &[RuleId::T1],
            AbnfGrammarUnderGraph => &[RuleId::T1],
            PatchUnsupported => &[RuleId::H1],
            PatchSupportedUnderLive => &[RuleId::H1],
            RequiredNotEnforcedUnderStrict => &[RuleId::B4],
            NoBodyLimit => &[RuleId::H4],
            BodyLimitOffByOne => &[RuleId::H4],
            ChunkedLimitUnchecked | ChunkedBodyIgnored => &[RuleId::H4],
            TrailingSlashRejected => &[RuleId::R4],
            IdsCaseInsensitive => &[RuleId::R4],
            IdsNotPercentDecoded => &[RuleId::R3],
            MalformedPathIs404 => &[RuleId::R5],
            // every id that does not resolve: an unknown id (R5.b), one in another case
            // (R4.b), one under another parent (S1)
            UnresolvedIs400 => &[RuleId::R5, RuleId::R4, RuleId::S1],
            ViaTaskAnyTask => &[RuleId::R2],
            GetUnsupported => &[RuleId::H1],
            OtherMethodsAre400 => &[RuleId::H1],
            MissingAuthIs403 => &[RuleId::H2],
            AnySchemeAccepted => &[RuleId::H2],
            BearerCaseSensitive => &[RuleId::H2],
            TokensCaseInsensitive => &[RuleId::H2],
            ReadOnlyCannotRead => &[RuleId::H2],
            ContentTypeParametersRejected => &[RuleId::H3],
            MediaTypeCaseSensitive => &[RuleId::H3],
            FirstPreferenceOnly => &[RuleId::H5],
            NoPreferenceAppliedOnGet => &[RuleId::H5],
            UnknownCodingIgnored | GzipTrailingIgnored => &[RuleId::H6],
            TrailingBytesAccepted => &[RuleId::B1],
            EmptyBodyAccepted => &[RuleId::B1],
            NonObjectAccepted => &[RuleId::B1],
            ShallowNestingLimit => &[RuleId::B1],
            ScalarsCoercedToText => &[RuleId::B5],
            NullNullableRejected => &[RuleId::B4],
            NumericEnumAccepted => &[RuleId::B6],
            AfterSentinelRenderedByName => &[RuleId::B6],
            IdMismatchIgnored => &[RuleId::B7],
            NotUpdatableIgnored => &[RuleId::B7],
            PropertyNamesCaseInsensitive => &[RuleId::B8],
            OdataTypeWithoutHashRejected => &[RuleId::B9],
            AnyOdataTypeAccepted => &[RuleId::B9],
            AnnotationsRejected => &[RuleId::B9],
            FailureReasonTruncated => &[RuleId::B10],
            AstralCharactersReplaced => &[RuleId::B10],
            CenturyLeapYearRejected => &[RuleId::T1],
            Hour24Accepted => &[RuleId::T1],
            OffsetClamped => &[RuleId::T1],
            OutOfRangeInstantsClamped => &[RuleId::T1],
            FractionLeadingZerosDropped => &[RuleId::T1],
            TimestampsRenderedWithoutOffset => &[RuleId::T2],
            TimestampOrderEnforced => &[RuleId::T3],
            NoOdataTypeInBody => &[RuleId::S4],
            NullPropertiesOmitted => &[RuleId::S4],
            StaleRepresentation => &[RuleId::S4],
            ErrorsAsPlainText => &[RuleId::E1],
            EmptyErrorCode => &[RuleId::E1],
            DeepNestingCrashes => &[RuleId::E3],
            BodyBeforeMediaType => &[RuleId::E4],
            TornWrites => &[RuleId::S7],
            NoChallengeOn401 => &[RuleId::H2],
            FirstHeaderWins => &[RuleId::H2, RuleId::H3],
            LastHeaderWins => &[RuleId::H2, RuleId::H3],
            GzipNameCaseSensitive => &[RuleId::H6],
            SingleGzipMemberOnly => &[RuleId::H6],
            GzipTrailingGarbageIgnored => &[RuleId::H6],
            BombInflatedWhole => &[RuleId::H6, RuleId::E3],
            CodingListGzipAccepted => &[RuleId::H6],
            OptionsAnswered => &[RuleId::H1],
            HeadAnsweredAsGet => &[RuleId::H1],
            MethodOverrideHonoured => &[RuleId::H1],
            LenientJsonParser => &[RuleId::B1],
            LossyUtf8Decoding => &[RuleId::B1],
            NullOdataTypeIgnored => &[RuleId::B9],
            LenientTimestampParser => &[RuleId::T1],
            BindAnnotationRejected => &[RuleId::B9],
            FailureReasonTrimmed => &[RuleId::B10],
            ControlCharactersStripped => &[RuleId::B10],
            NoncharactersReplaced => &[RuleId::B10],
            RequestIdFromRequest => &[RuleId::E2],
        }
    }

    /// The clauses the bug breaks besides [`Mutant::clause`], when it breaks several: which
    /// of them a check's cases reach first depends on the case stream, and a finding naming
    /// any of them names the bug rightly.
    pub fn also_breaks(self) -> &'static [&'static str] {
        match self {
            // the OData ABNF admits, under `graph`: omitted seconds (T1.a), five-digit and
            // negative years (T1.b), second 60 (T1.c), offset hours up to 23 (T1.d), lower-case
            // `t` and `z` (T1.e)
            Mutant::AbnfGrammarUnderGraph => &["T1.b", "T1.c", "T1.d", "T1.e"],
            // both headers are read alike
            Mutant::FirstHeaderWins | Mutant::LastHeaderWins => &["H3.c"],
            // inflated whole, a bomb exhausts the memory: a 5xx (E3)
            Mutant::BombInflatedWhole => &["E3"],
            Mutant::LenientTimestampParser => &["T1.c", "T1.d"],
            _ => &[],
        }
    }

    /// The clause of contract 1.2 the bug breaks: a finding against it alone names it.
    pub fn clause(self) -> &'static str {
        use Mutant::*;
        match self {
            AcceptNullCreated => "B4.b",
            OpenEnum => "B6.b",
            PutSemantics => "S2",
            NonAtomicRejection => "S3",
            NoContentInsteadOf200 => "S4.c",
            WrongAliasTarget => "R2.c",
            LostUpdates => "S7",
            ServerErrorOnBadJson => "E3",
            CaseSensitiveSegments => "R4.a",
            NoAuthentication => "H2.a",
            ReadOnlyTokenWrites => "H2.d",
            AnyContentType => "H3.c",
            TimestampWithoutOffset => "T1.d",
            EmptyErrorBody => "E1",
            NoPreferenceApplied => "H5.b",
            SentinelStored => "B6.c",
            IsolationLeak => "S6",
            PutAccepted => "H1.c",
            DuplicatesAccepted => "B2",
            NotIdempotent => "S5",
            CoarseTimestamps => "T2.b",
            GenericErrorCodes => "E2",
            ParenKeysRejected => "R3.b",
            EnumCaseInsensitive => "B6.b",
            UnknownPropertiesIgnored => "B8",
            IdInBodyRejected => "B7.a",
            RequiredInBody => "B4.a",
            SentinelInPatchRejected => "B6.c",
            GzipUnsupported => "H6.a",
            NoMembersAfterSentinel => "B6.d",
            GraphGrammarOnly => "T1.f",
            AbnfGrammarUnderGraph => "T1.a",
            PatchUnsupported => "H1.a",
            PatchSupportedUnderLive => "H1.d",
            RequiredNotEnforcedUnderStrict => "B4.d",
            NoBodyLimit => "H4.a",
            BodyLimitOffByOne => "H4.a",
            ChunkedLimitUnchecked | ChunkedBodyIgnored => "H4.b",
            TrailingSlashRejected => "R4.c",
            IdsCaseInsensitive => "R4.b",
            IdsNotPercentDecoded => "R3.c",
            MalformedPathIs404 => "R5.a",
            UnresolvedIs400 => "R5.b",
            ViaTaskAnyTask => "R2.b",
            GetUnsupported => "H1.b",
            OtherMethodsAre400 => "H1.c",
            MissingAuthIs403 => "H2.a",
            AnySchemeAccepted => "H2.b",
            BearerCaseSensitive => "H2.b",
            TokensCaseInsensitive => "H2.c",
            ReadOnlyCannotRead => "H2.d",
            ContentTypeParametersRejected => "H3.b",
            MediaTypeCaseSensitive => "H3.a",
            FirstPreferenceOnly => "H5.a",
            NoPreferenceAppliedOnGet => "H5.b",
            UnknownCodingIgnored => "H6.b",
            GzipTrailingIgnored => "H6.c",
            TrailingBytesAccepted => "B1.b",
            EmptyBodyAccepted => "B1.a",
            NonObjectAccepted => "B1.c",
            ShallowNestingLimit => "B1.e",
            ScalarsCoercedToText => "B5",
            NullNullableRejected => "B4.c",
            NumericEnumAccepted => "B6.b",
            AfterSentinelRenderedByName => "B6.e",
            IdMismatchIgnored => "B7.a",
            NotUpdatableIgnored => "B7.b",
            PropertyNamesCaseInsensitive => "B8",
            OdataTypeWithoutHashRejected => "B9.a",
            AnyOdataTypeAccepted => "B9.a",
            AnnotationsRejected => "B9.b",
            FailureReasonTruncated => "B10",
            AstralCharactersReplaced => "B10",
            CenturyLeapYearRejected => "T1.b",
            Hour24Accepted => "T1.c",
            OffsetClamped => "T1.d",
            OutOfRangeInstantsClamped => "T1.h",
            FractionLeadingZerosDropped => "T1.a",
            TimestampsRenderedWithoutOffset => "T2.a",
            TimestampOrderEnforced => "T3",
            NoOdataTypeInBody => "S4.a",
            NullPropertiesOmitted => "S4.a",
            StaleRepresentation => "S4.b",
            ErrorsAsPlainText => "E1",
            EmptyErrorCode => "E1",
            DeepNestingCrashes => "E3",
            BodyBeforeMediaType => "E4",
            TornWrites => "S7",
            NoChallengeOn401 => "H2.e",
            FirstHeaderWins => "H2.c",
            LastHeaderWins => "H2.c",
            GzipNameCaseSensitive => "H6.a",
            SingleGzipMemberOnly => "H6.a",
            GzipTrailingGarbageIgnored => "H6.c",
            BombInflatedWhole => "H6.d",
            CodingListGzipAccepted => "H6.b",
            OptionsAnswered => "H1.c",
            HeadAnsweredAsGet => "H1.c",
            MethodOverrideHonoured => "H1.c",
            LenientJsonParser => "B1.b",
            LossyUtf8Decoding => "B1.b",
            NullOdataTypeIgnored => "B9.a",
            LenientTimestampParser => "T1.a",
            BindAnnotationRejected => "B9.b",
            FailureReasonTrimmed => "B10",
            ControlCharactersStripped => "B10",
            NoncharactersReplaced => "B10",
            RequestIdFromRequest => "E2",
        }
    }

    /// The profile under which this bug is a bug (`GenericErrorCodes` needs
    /// `strict_error_codes`; the others break `graph`).
    pub fn profile(self) -> Profile {
        use Mutant::*;
        match self {
            GenericErrorCodes | RequiredNotEnforcedUnderStrict | BodyBeforeMediaType => {
                Profile::strict()
            }
            PatchSupportedUnderLive => Profile::graph_live(),
            GraphGrammarOnly => Profile {
                name: "odata-abnf".into(),
                timestamp_grammar: Grammar::OdataAbnf,
                ..Profile::graph()
            },
            _ => Profile::graph(),
        }
    }

    /// Whether this bug hides every other by necessity: every PATCH refused (405, or 400 for
    /// a body that names only some properties) or no state observable (GET refused). Stacks of
    /// several bugs leave these out: no harness can find what they hide.
    pub fn hides_others(self) -> bool {
        matches!(
            self,
            Mutant::PatchUnsupported | Mutant::GetUnsupported | Mutant::RequiredInBody
        )
    }

    /// The reading of the contract the buggy server implements, where the bug is a knob value
    /// other than the checked profile's: `profile` changed in place.
    pub fn reads_as(self, profile: &mut Profile) {
        use crate::profile as p;
        use Mutant::*;
        match self {
            ParenKeysRejected => profile.paren_keys = p::ParenKeys::Reject,
            EnumCaseInsensitive => profile.enum_case = p::EnumCase::Insensitive,
            UnknownPropertiesIgnored => profile.unknown_properties = p::UnknownProperties::Ignore,
            IdInBodyRejected => profile.id_in_body = p::IdInBody::Reject,
            RequiredInBody => profile.required_in_body = true,
            SentinelInPatchRejected => profile.sentinel_in_patch = p::SentinelInPatch::Reject,
            GzipUnsupported => profile.request_encodings = p::RequestEncodings::Identity,
            NoMembersAfterSentinel => profile.members_after_sentinel.clear(),
            GraphGrammarOnly => profile.timestamp_grammar = Grammar::Graph,
            AbnfGrammarUnderGraph => profile.timestamp_grammar = Grammar::OdataAbnf,
            PatchUnsupported => profile.patch_supported = false,
            PatchSupportedUnderLive => profile.patch_supported = true,
            RequiredNotEnforcedUnderStrict => profile.required_in_body = false,
            NoBodyLimit => profile.max_body_bytes = u64::MAX,
            BodyLimitOffByOne => profile.max_body_bytes = profile.max_body_bytes.saturating_sub(1),
            _ => {}
        }
    }

    /// Every rule a finding may cite for this bug, its documented consequences included (a
    /// finding outside this list, when this is the only bug, is a harness bug).
    pub fn blamable(self) -> &'static [RuleId] {
        use Mutant::*;
        match self {
            // a rejected body's valid members written anyway show as state after the rejection
            NonAtomicRejection => &[RuleId::S3],
            // a sentinel stored then rendered: the PATCH's answer and the state both show it, and
            // the same PATCH sent again answers with the stored sentinel (S5)
            SentinelStored => &[RuleId::B6, RuleId::S2, RuleId::S5, RuleId::S8],
            // the alias writes the wrong entity: the addressed one keeps its value (S2), its
            // sibling changes (S6), and concurrent PATCHes through both routes lose the alias's
            // writes (S7 names both routes)
            WrongAliasTarget => &[RuleId::R2, RuleId::S2, RuleId::S6, RuleId::S7],
            // every PATCH resets what it does not name: concurrent PATCHes lose each other's
            // and the same PATCH sent again answers with what the first one reset (S5); the
            // 200 body is rendered before the reset, so where it is wrong too it differs from
            // the GET right after (S4.b)
            PutSemantics => &[RuleId::S2, RuleId::S4, RuleId::S5, RuleId::S7],
            // the same PATCH twice shows two different (stale) states (S5)
            StaleRepresentation => &[RuleId::S4, RuleId::S5],
            // a five-digit year stored is rendered outside Graph's grammar (T2.a)
            AbnfGrammarUnderGraph => &[RuleId::T1, RuleId::T2],
            // no limit at all: the decoded size of a gzip body is not bounded either (H6.d)
            NoBodyLimit => &[RuleId::H4, RuleId::H6],
            // nor for a chunked gzip body
            ChunkedLimitUnchecked => &[RuleId::H4, RuleId::H6],
            // a via-task result of another task does not resolve either (R2.b)
            UnresolvedIs400 => &[RuleId::R5, RuleId::R4, RuleId::S1, RuleId::R2],
            // a PATCH to an id in another case (404 by contract) writes the entity: seen later,
            // that entity changed though no request addressed it (S6)
            IdsCaseInsensitive => &[RuleId::R4, RuleId::S6],
            // a PATCH through another task's via-task route (404 by contract) writes the result
            // its last key names: seen later, as written by no request to it (S6)
            ViaTaskAnyTask => &[RuleId::R2, RuleId::S6],
            m => m.rules(),
        }
    }

    /// Rewrites the request before the model sees it.
    pub fn rewrite(self, req: &mut Request, store: &Store, profile: &Profile) {
        use Mutant::*;
        // a realistic server checks the size before it parses: no body rewrite past the limit
        let body_ok = req.body.len() as u64 <= profile.max_body_bytes;
        match self {
            AcceptNullCreated | OpenEnum | TimestampWithoutOffset | DuplicatesAccepted
                if !body_ok => {}
            AcceptNullCreated => {
                drop_members(req, |n, v| n == "createdDateTime" && *v == Json::Null)
            }
            OpenEnum => drop_members(req, |n, v| {
                n == "processingStatus"
                    && v.as_str()
                        .is_some_and(|s| model::enum_member(s, profile, true).is_err())
            }),
            WrongAliasTarget => {
                if let Ok(r) = Route::parse(&req.path, profile) {
                    if r.via_task.is_some() {
                        req.path = Route {
                            via_task: None,
                            ..r
                        }
                        .to_path(&PathStyle::default());
                    }
                }
            }
            CaseSensitiveSegments => {
                let exact = Profile {
                    segment_case: crate::profile::SegmentCase::Exact,
                    ..profile.clone()
                };
                if matches!(Route::parse(&req.path, &exact), Err(e) if e.rule == RuleId::R4) {
                    req.path = "/not-a-route".into();
                }
            }
            NoAuthentication if model::authorize(req, store.tokens()).is_err() => {
                set_header(
                    req,
                    "Authorization",
                    &format!(
                        "Bearer {}",
                        store.tokens().write.first().cloned().unwrap_or_default()
                    ),
                );
            }
            ReadOnlyTokenWrites
                if model::authorize(req, store.tokens()) == Ok(model::Caller::Reader) =>
            {
                set_header(
                    req,
                    "Authorization",
                    &format!(
                        "Bearer {}",
                        store.tokens().write.first().cloned().unwrap_or_default()
                    ),
                );
            }
            AnyContentType if req.method == "PATCH" => {
                set_header(req, "Content-Type", "application/json")
            }
            TimestampWithoutOffset => rewrite_members(&mut req.body, |n, v| match v {
                Json::String(s)
                    if s.len() == 19
                        && Property::from_name(n).is_some_and(|p| p.is_timestamp()) =>
                {
                    Some(Json::String(format!("{s}Z").into()))
                }
                _ => None,
            }),
            PutAccepted if req.method == "PUT" => req.method = "PATCH".into(),
            NotIdempotent if body_ok && req.method == "PATCH" => {
                let Ok(route) = Route::parse(&req.path, profile) else {
                    return;
                };
                let current = store
                    .resolve(&route)
                    .and_then(|id| store.get(id))
                    .and_then(|e| e.value.failure_reason.clone());
                rewrite_members(&mut req.body, |n, v| match (v, &current) {
                    (Json::String(sent), Some(cur)) if n == "failureReason" && sent == cur => {
                        Some(Json::String(format!("{sent} (again)").into()))
                    }
                    _ => None,
                });
            }
            DuplicatesAccepted => {
                if let Ok(v @ Json::Object(_)) = json::parse(&req.body) {
                    req.body = serde_json::to_vec(&v.to_value()).unwrap_or_default();
                }
            }
            TrailingSlashRejected if req.path.ends_with('/') && !req.path.ends_with("//") => {
                req.path = "/not-a-route".into()
            }
            IdsCaseInsensitive => {
                if let Ok(r) = Route::parse(&req.path, profile) {
                    if store.resolve(&r).is_none() {
                        let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
                        let found = store.entities().find(|(id, e)| {
                            let l = &e.location;
                            same(&r.workflow, &l.workflow)
                                && same(&r.run, &l.run)
                                && same(&r.user_result, &l.user_result)
                                && same(r.via_task.as_deref().unwrap_or(&r.result), id)
                                && r.via_task.is_none()
                        });
                        if let Some((id, e)) = found {
                            let l = &e.location;
                            req.path = Route::direct(&l.workflow, &l.run, &l.user_result, id)
                                .to_path(&PathStyle::default());
                        }
                    }
                }
            }
            IdsNotPercentDecoded => {
                // the raw text of each id is looked up: an escape makes it unknown
                if let Some(i) = req.path.find('%') {
                    req.path.replace_range(i..i + 1, "%25");
                }
            }
            ViaTaskAnyTask => {
                if let Ok(r) = Route::parse(&req.path, profile) {
                    if let (Some(t), None) = (&r.via_task, store.resolve(&r)) {
                        let t0 = Route {
                            via_task: None,
                            ..r.clone()
                        };
                        if let (Some(_), Some(e)) = (store.resolve(&t0), store.get(t)) {
                            let l = &e.location;
                            req.path = Route::direct(&l.workflow, &l.run, &l.user_result, t)
                                .to_path(&PathStyle::default());
                        }
                    }
                }
            }
            GetUnsupported if req.method == "GET" => req.method = "OPTIONS".into(),
            // the via-task route checks a read-only token as if every request wrote
            ReadOnlyCannotRead
                if req.method == "GET"
                    && req.path.to_ascii_lowercase().contains("/task/")
                    && model::authorize(req, store.tokens()) == Ok(model::Caller::Reader) =>
            {
                req.method = "PATCH".into()
            }
            AnySchemeAccepted => {
                if let Some(t) = sent_token(req) {
                    set_header(req, "Authorization", &format!("Bearer {t}"));
                }
            }
            BearerCaseSensitive => {
                let exact = req
                    .header_values("authorization")
                    .all(|v| v.starts_with("Bearer "));
                if !exact {
                    set_header(req, "Authorization", "Bearer -");
                }
            }
            TokensCaseInsensitive => {
                let sent = sent_token(req);
                let tokens = store.tokens();
                let known = tokens.write.iter().chain(&tokens.read_only).find(|k| {
                    sent.as_deref()
                        .is_some_and(|t| t != k.as_str() && t.eq_ignore_ascii_case(k))
                });
                if let Some(k) = known {
                    set_header(req, "Authorization", &format!("Bearer {k}"));
                }
            }
            ContentTypeParametersRejected
                if req.header_values("content-type").any(|v| v.contains(';')) =>
            {
                set_header(req, "Content-Type", "text/plain")
            }
            MediaTypeCaseSensitive
                if req
                    .header_values("content-type")
                    .any(|v| !v.starts_with("application/json")) =>
            {
                set_header(req, "Content-Type", "text/plain")
            }
            FirstPreferenceOnly => {
                let first = req
                    .header_values("prefer")
                    .next()
                    .map(|v| v.split(',').next().unwrap_or("").trim().to_string());
                req.headers
                    .retain(|(k, _)| !k.eq_ignore_ascii_case("prefer"));
                if let Some(f) = first {
                    req.headers.push(("Prefer".into(), f));
                }
            }
            UnknownCodingIgnored => req.headers.retain(|(k, v)| {
                !k.eq_ignore_ascii_case("content-encoding")
                    || model::is_gzip_coding(v)
                    || v.eq_ignore_ascii_case("identity")
            }),
            // H2.c/H3.c: one value of each header counts
            FirstHeaderWins | LastHeaderWins => {
                for name in ["Authorization", "Content-Type"] {
                    let values: Vec<String> = req.header_values(name).map(str::to_string).collect();
                    let kept = if self == FirstHeaderWins {
                        values.first()
                    } else {
                        values.last()
                    };
                    if let (true, Some(v)) = (values.len() > 1, kept) {
                        set_header(req, name, &v.clone());
                    }
                }
            }
            HeadAnsweredAsGet if req.method == "HEAD" => req.method = "GET".into(),
            MethodOverrideHonoured
                if req.method == "POST"
                    && req
                        .header_values("x-http-method-override")
                        .any(|v| v.trim().eq_ignore_ascii_case("PATCH")) =>
            {
                req.method = "PATCH".into()
            }
            // a body still coded (its coding refused, or decoded past the limit) is not text
            LenientJsonParser | LossyUtf8Decoding
                if !body_ok
                    || req.method != "PATCH"
                    || req
                        .header_values("content-encoding")
                        .any(|v| !v.trim().eq_ignore_ascii_case("identity")) => {}
            // read as JSON5 reads it: the strict text it means, when it means one
            LenientJsonParser if json::parse(&req.body).is_err() => {
                if let Some(strict) = json5_to_json(&req.body) {
                    if json::parse(&strict).is_ok() {
                        req.body = strict;
                    }
                }
            }
            LossyUtf8Decoding if std::str::from_utf8(&req.body).is_err() => {
                req.body = String::from_utf8_lossy(&req.body).into_owned().into_bytes()
            }
            // a body the model finds corrupt in its gzip coding (H6.c), read as its first
            // member alone: what follows that member is dropped
            GzipTrailingIgnored if matches!(model::decode_body(req, profile), Err(d) if d.status == 400) => {
                if let Ok((_, spans)) = model::gzip_member(&req.body, profile.max_body_bytes) {
                    req.body.truncate(spans);
                }
            }
            TrailingBytesAccepted | EmptyBodyAccepted | NonObjectAccepted | ShallowNestingLimit
                if !body_ok || req.method != "PATCH" => {}
            TrailingBytesAccepted => {
                let mut values = serde_json::Deserializer::from_slice(&req.body)
                    .into_iter::<serde_json::Value>();
                if let Some(Ok(first)) = values.next() {
                    if values.next().is_some() {
                        req.body = serde_json::to_vec(&first).unwrap_or_default();
                    }
                }
            }
            EmptyBodyAccepted if req.body.iter().all(u8::is_ascii_whitespace) => {
                req.body = b"{}".to_vec()
            }
            NonObjectAccepted if matches!(json::parse(&req.body), Ok(v) if v.as_object().is_none()) => {
                req.body = b"{}".to_vec()
            }
            ShallowNestingLimit if nesting(&req.body) > 16 => reject(req),
            _ if !body_ok => {}
            ScalarsCoercedToText => rewrite_members(&mut req.body, |n, v| match v {
                Json::Number(x) if n == "failureReason" => Some(Json::String(x.to_string().into())),
                Json::Bool(b) if n == "failureReason" => Some(Json::String(b.to_string().into())),
                _ => None,
            }),
            // refused as a value of the wrong type: an empty object, which no other bug reads
            // as text (a number was, by ScalarsCoercedToText: a null stored as "0")
            NullNullableRejected => rewrite_members(&mut req.body, |n, v| {
                let nullable = Property::from_name(n).is_some_and(|p| !p.is_required());
                (nullable && *v == Json::Null).then(|| Json::Object(Vec::new()))
            }),
            NumericEnumAccepted => rewrite_members(&mut req.body, |n, v| match v.as_str() {
                Some(x) if n == "processingStatus" => x
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| crate::spec::ProcessingStatus::ALL.get(i))
                    .map(|m| Json::String(m.as_str().into())),
                _ => None,
            }),
            AfterSentinelRenderedByName => {
                let stored_after = Route::parse(&req.path, profile)
                    .ok()
                    .and_then(|r| store.resolve(&r).and_then(|id| store.get(id)))
                    .is_some_and(|e| e.value.status.is_after_sentinel());
                if stored_after && req.header_values("prefer").next().is_none() {
                    req.headers
                        .push(("Prefer".into(), model::INCLUDE_UNKNOWN_ENUM_MEMBERS.into()));
                }
            }
            IdMismatchIgnored => drop_members(req, |n, v| n == "id" && v.as_str().is_some()),
            NotUpdatableIgnored => drop_members(req, |n, _| {
                matches!(n, "processingInfo" | "workflowSubject" | "subject" | "task")
            }),
            PropertyNamesCaseInsensitive => rename_members(req, |n| {
                Property::ALL
                    .into_iter()
                    .map(|p| p.name())
                    .find(|p| *p != n && p.eq_ignore_ascii_case(n))
                    .map(str::to_string)
            }),
            OdataTypeWithoutHashRejected => rewrite_members(&mut req.body, |n, v| match v {
                Json::String(t) if n == "@odata.type" && !t.starts_with('#') => {
                    Some(Json::String("wrong".into()))
                }
                _ => None,
            }),
            AnyOdataTypeAccepted => drop_members(req, |n, _| n == "@odata.type"),
            NullOdataTypeIgnored => {
                drop_members(req, |n, v| n == "@odata.type" && *v == Json::Null)
            }
            // a bind names a navigation property: written as one, refused (B7.b)
            BindAnnotationRejected => rename_members(req, |n| {
                n.ends_with("@odata.bind")
                    .then(|| n.trim_end_matches("@odata.bind").to_string())
            }),
            LenientTimestampParser => rewrite_timestamps(req, lenient_timestamp),
            AnnotationsRejected => rename_members(req, |n| {
                (n.contains('@') && n != "@odata.type").then(|| "annotation".to_string())
            }),
            CenturyLeapYearRejected => rewrite_timestamps(req, |t| {
                let year: i64 = t.get(..4)?.parse().ok()?;
                (year % 100 == 0 && t.get(4..10) == Some("-02-29")).then(|| "2000-02-30".into())
            }),
            Hour24Accepted => rewrite_timestamps(req, |t| {
                (t.get(10..19) == Some("T24:00:00"))
                    .then(|| format!("{}T23:59:59{}", &t[..10], &t[19..]))
            }),
            OffsetClamped => rewrite_timestamps(req, |t| {
                let (head, off) = t.split_at(t.len().checked_sub(6)?);
                let hours: u32 = off.get(1..3)?.parse().ok()?;
                let minutes: u32 = off.get(4..6)?.parse().ok()?;
                let sign = off.chars().next().filter(|c| matches!(c, '+' | '-'))?;
                (hours * 60 + minutes > 14 * 60 && off.get(3..4) == Some(":"))
                    .then(|| format!("{head}{sign}14:00"))
            }),
            OutOfRangeInstantsClamped => rewrite_timestamps(req, |t| {
                let graph = Timestamp::parse(t, Grammar::Graph).is_ok();
                let abnf = Timestamp::parse(t, Grammar::OdataAbnf).is_ok();
                match (graph, abnf) {
                    (false, true) if t.starts_with("9999-") => Some("9999-12-31T23:59:59Z".into()),
                    (false, true) if t.starts_with("0001-") => Some("0001-01-01T00:00:00Z".into()),
                    _ => None,
                }
            }),
            FractionLeadingZerosDropped => rewrite_timestamps(req, |t| {
                let dot = t.find('.')?;
                let zeros = t[dot + 1..].bytes().take_while(|b| *b == b'0').count();
                let digits = t[dot + 1..].bytes().take_while(u8::is_ascii_digit).count();
                (zeros > 0 && zeros < digits)
                    .then(|| format!("{}{}", &t[..=dot], &t[dot + 1 + zeros..]))
            }),
            TimestampOrderEnforced => {
                let Ok(body) = json::parse(&req.body) else {
                    return;
                };
                let at = |n: &str| {
                    body.get(n)
                        .and_then(Json::as_str)
                        .and_then(|t| Timestamp::parse(t, profile.timestamp_grammar).ok())
                };
                // created ≤ started ≤ completed, among those the body names
                let sent: Vec<Timestamp> =
                    ["createdDateTime", "startedDateTime", "completedDateTime"]
                        .into_iter()
                        .filter_map(at)
                        .collect();
                if sent.windows(2).any(|w| w[1] < w[0]) {
                    reject(req);
                }
            }
            _ => {}
        }
    }

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
                            v.status = crate::spec::ProcessingStatus::UnknownFutureValue;
                            store.set_value(id, v);
                        }
                    }
                }
            }
            CoarseTimestamps => {
                if let Some(id) = &out.updated {
                    let ms = |t: crate::timestamp::Timestamp| {
                        crate::timestamp::Timestamp::from_picos(
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

    /// Rewrites the request before the implementation decodes its body (H6): how it reads
    /// `Content-Encoding` and the members of a gzip body.
    pub fn before_decoding(self, req: &mut Request, profile: &Profile) {
        use Mutant::*;
        let codings: Vec<String> = req
            .header_values("content-encoding")
            .flat_map(|v| v.split(','))
            .map(|c| c.trim_ascii().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        let gzip = codings.len() == 1 && model::is_gzip_coding(&codings[0]);
        match self {
            GzipNameCaseSensitive
                if codings
                    .iter()
                    .any(|c| c != "gzip" && c != "identity" && model::is_gzip_coding(c)) =>
            {
                set_header(req, "Content-Encoding", "x-unsupported")
            }
            CodingListGzipAccepted
                if codings.len() > 1 && codings.iter().any(|c| model::is_gzip_coding(c)) =>
            {
                set_header(req, "Content-Encoding", "gzip")
            }
            // what follows the first member is an error, whatever it is
            SingleGzipMemberOnly if gzip => {
                if let Ok((_, spans)) = model::gzip_member(&req.body, profile.max_body_bytes) {
                    if spans < req.body.len() {
                        req.body.truncate(spans);
                        req.body.push(b'\n');
                    }
                }
            }
            // members as long as they decode, and nothing of what follows the last
            GzipTrailingGarbageIgnored
                if gzip
                    && matches!(model::decode_body(req, profile), Err(d) if d.status == 400) =>
            {
                let mut end = 0;
                while let Ok((_, spans)) =
                    model::gzip_member(&req.body[end..], profile.max_body_bytes)
                {
                    end += spans;
                    if !req.body[end..].starts_with(&[0x1f, 0x8b]) {
                        break;
                    }
                }
                if end > 0 {
                    req.body.truncate(end);
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

fn set_header(req: &mut Request, name: &str, value: &str) {
    req.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    req.headers.push((name.to_string(), value.to_string()));
}

/// The token of the request's first `Authorization` header, read as the model reads it.
fn sent_token(req: &Request) -> Option<String> {
    req.header_values("authorization")
        .next()
        .map(|v| crate::spec::credentials(v).1.to_string())
        .filter(|t| !t.is_empty())
}

/// Makes the body one the model rejects with 400 (B4.b), still valid JSON: a bug that rejects
/// a request should not look like a parser failure to the other bugs of a stack.
fn reject(req: &mut Request) {
    req.body = br#"{"processingStatus":null}"#.to_vec();
}

/// Renames the members for which `rename` gives a new name.
fn rename_members(req: &mut Request, rename: impl Fn(&str) -> Option<String>) {
    if let Ok(Json::Object(members)) = json::parse(&req.body) {
        if members.iter().any(|(n, _)| rename(n).is_some()) {
            let renamed: Vec<_> = members
                .into_iter()
                .map(|(n, v)| (rename(&n).map_or(n, Into::into), v))
                .collect();
            let text = Json::Object(renamed).to_text();
            req.body = text.into_bytes();
        }
    }
}

/// Replaces the timestamp members' text for which `change` gives a new text.
fn rewrite_timestamps(req: &mut Request, change: impl Fn(&str) -> Option<String>) {
    rewrite_members(&mut req.body, |n, v| match v {
        Json::String(t) if Property::from_name(n).is_some_and(|p| p.is_timestamp()) => {
            change(t).map(|t| Json::String(t.into()))
        }
        _ => None,
    })
}

/// The deepest nesting of arrays and objects in `body` (strings skipped).
fn nesting(body: &[u8]) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in body {
        match (in_string, b) {
            (true, _) if escaped => escaped = false,
            (true, b'\\') => escaped = true,
            (true, b'"') => in_string = false,
            (true, _) => {}
            (false, b'"') => in_string = true,
            (false, b'[' | b'{') => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            (false, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// T1 read leniently (`Date.parse`, `DateTimeOffset.Parse`, dateutil): epoch seconds, a space
/// for `T`, a basic offset, more than 12 fractional digits, second 60: the Graph spelling it
/// means, or `None` when `t` is none of these.
fn lenient_timestamp(t: &str) -> Option<String> {
    if !t.is_empty() && t.len() <= 12 && t.bytes().all(|b| b.is_ascii_digit()) {
        let secs: i128 = t.parse().ok()?;
        return Some(Timestamp::from_picos(secs * 1_000_000_000_000).to_string());
    }
    let mut s = t.to_string();
    if s.get(10..11) == Some(" ") {
        s.replace_range(10..11, "T");
    }
    // `+hhmm` at the end: `+hh:mm`
    let n = s.len();
    if n > 5
        && matches!(s.as_bytes()[n - 5], b'+' | b'-')
        && s.as_bytes()[n - 4..].iter().all(u8::is_ascii_digit)
        && s.get(..n - 5).is_some_and(|h| h.contains('T'))
    {
        s.insert(n - 2, ':');
    }
    // a fraction past 12 digits: cut to 7
    if let Some(dot) = s.find('.') {
        let digits = s[dot + 1..].bytes().take_while(u8::is_ascii_digit).count();
        if digits > 12 {
            s.replace_range(dot + 8..dot + 1 + digits, "");
        }
    }
    if s.get(16..19) == Some(":60") {
        s.replace_range(17..19, "59");
    }
    (s != t).then_some(s)
}

/// A JSON5-ish text as the strict JSON it means: comments dropped, a comma before `}` or `]`
/// dropped, single-quoted strings double-quoted, `NaN` and `±Infinity` as `null`, numbers
/// without a leading `+` or leading zeros. `None` when the text is not UTF-8.
fn json5_to_json(body: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(body).ok()?;
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '"' | '\'' => {
                // a string to its closing quote, escapes kept, written double-quoted
                out.push('"');
                i += 1;
                while i < chars.len() && chars[i] != c {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        out.push(chars[i]);
                        i += 1;
                    } else if chars[i] == '"' {
                        out.push('\\');
                    }
                    out.push(chars[i]);
                    i += 1;
                }
                out.push('"');
                i += 1;
            }
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            }
            ',' => {
                let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
                if !matches!(next, Some('}' | ']')) {
                    out.push(',');
                }
                i += 1;
            }
            '+' | '-' | '0'..='9' | 'N' | 'I' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || "+-.".contains(chars[i]))
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let unsigned = word.trim_start_matches('+');
                match unsigned.trim_start_matches('-') {
                    "NaN" | "Infinity" => out.push_str("null"),
                    _ => {
                        let negative = unsigned.starts_with('-');
                        let digits = unsigned.trim_start_matches('-');
                        let trimmed = digits.trim_start_matches('0');
                        let trimmed = if trimmed.is_empty() || trimmed.starts_with('.') {
                            ["0", trimmed].concat()
                        } else {
                            trimmed.to_string()
                        };
                        if negative {
                            out.push('-');
                        }
                        out.push_str(&trimmed);
                    }
                }
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Some(out.into_bytes())
}

fn drop_members(req: &mut Request, drop: impl Fn(&str, &Json) -> bool) {
    if let Ok(Json::Object(members)) = json::parse(&req.body) {
        if members.iter().any(|(n, v)| drop(n, v)) {
            let kept: Vec<_> = members.into_iter().filter(|(n, v)| !drop(n, v)).collect();
            let text = Json::Object(kept).to_text();
            req.body = text.into_bytes();
        }
    }
}

/// The model with bugs: a decorator around [`ModelTarget`].
#[derive(Debug)]
pub struct Mutated {
    model: std::sync::Arc<ModelTarget>,
    mutants: Vec<Mutant>,
}

impl Mutated {
    /// The model over `store` under `profile`, broken by every mutant in `mutants`.
    pub fn new(store: Store, profile: Profile, mutants: &[Mutant]) -> Mutated {
        Mutated::over(
            std::sync::Arc::new(ModelTarget::new(store, profile)),
            mutants,
        )
    }

    /// `model`, broken by every mutant in `mutants` (the model stays shared).
    pub fn over(model: std::sync::Arc<ModelTarget>, mutants: &[Mutant]) -> Mutated {
        Mutated {
            model,
            mutants: mutants.to_vec(),
        }
    }

    /// The active mutants.
    pub fn mutants(&self) -> &[Mutant] {
        &self.mutants
    }

    /// The model underneath (its store shows what the bugs did).
    pub fn model(&self) -> &ModelTarget {
        &self.model
    }

    fn has(&self, m: Mutant) -> bool {
        self.mutants.contains(&m)
    }

    async fn answer(&self, original: &Request) -> Response {
        // the reading of the contract the bugs give the server
        let mut served = self.model.profile().clone();
        for m in &self.mutants {
            m.reads_as(&mut served);
        }
        // H4.b: the limit checked on Content-Length only
        let chunked = Framing::of(original) == Framing::Chunked;
        if chunked && self.has(Mutant::ChunkedLimitUnchecked) {
            served.max_body_bytes = u64::MAX;
        }
        let profile = &served;
        let mut req = original.clone();
        // H4.b: a chunked body read as no body at all
        if chunked && self.has(Mutant::ChunkedBodyIgnored) {
            req.body.clear();
        }
        // how the server reads the coding, before it decodes (H6)
        for m in &self.mutants {
            m.before_decoding(&mut req, profile);
        }
        // the bugs live after the server decoded the body (H6), as in a real implementation
        if let Ok(std::borrow::Cow::Owned(decoded)) = model::decode_body(&req, profile) {
            req.body = decoded;
            req.headers
                .retain(|(k, _)| !k.eq_ignore_ascii_case("content-encoding"));
        }
        // and after it dropped a byte-order mark (B1.d: the model ignores one too)
        if let (rest, true) = json::strip_bom(&req.body) {
            req.body = rest.to_vec();
        }
        // only what the contract accepts is torn (a rejection stays whole), judged on the
        // request as this implementation reads it: with the other bugs' rewrites (a preference
        // they drop makes a member alone refused, and a torn write would then drop that member
        // from a 200 without a word, a bug no stack of real ones makes)
        let torn = if self.has(Mutant::TornWrites) && req.method == "PATCH" {
            let store = self.model.lock();
            let mut read = req.clone();
            for m in &self.mutants {
                m.rewrite(&mut read, &store, profile);
            }
            let mut probe = store.clone();
            drop(store);
            model::apply(&mut probe, &read, profile)
                .is_success()
                .then_some(read)
        } else {
            None
        };
        let out = if let Some(read) = torn {
            // member by member, each under the lock, other requests running in between; the
            // answer shows the entity after the last member (the other bugs act as usual)
            req = read;
            let members = match json::parse(json::strip_bom(&req.body).0) {
                Ok(Json::Object(m)) => m,
                _ => Vec::new(),
            };
            let mut last = None;
            for (n, v) in members {
                let one = Request {
                    body: Json::Object(vec![(n, v)]).to_text().into_bytes(),
                    ..req.clone()
                };
                let out = {
                    let mut store = self.model.lock();
                    let before = store.clone();
                    let out = model::apply(&mut store, &one, profile);
                    for m in &self.mutants {
                        m.after(&one, &before, &out, &mut store, profile);
                    }
                    out
                };
                last = Some(out);
                yield_once().await;
            }
            match last {
                // the answer shows the entity as it is stored after the last member, as a server
                // writing member by member reads it back (the other bugs' changes to what is
                // stored, coarser timestamps say, included alike in every member)
                Some(mut out) => {
                    let stored = out
                        .updated
                        .as_ref()
                        .and_then(|id| self.model.lock().get(id).map(|e| e.value.clone()));
                    if let Some(v) = stored {
                        for a in &mut out.answers {
                            if let Some(r) = &mut a.body {
                                r.value = v.clone();
                            }
                        }
                    }
                    out
                }
                None => model::apply(&mut self.model.lock(), &req, profile),
            }
        } else if self.has(Mutant::LostUpdates) && req.method == "PATCH" {
            // read, let other requests run, write the whole entity back: loses their updates
            let mut private = self.model.snapshot();
            for m in &self.mutants {
                m.rewrite(&mut req, &private, profile);
            }
            yield_once().await;
            let before = private.clone();
            let out = model::apply(&mut private, &req, profile);
            for m in &self.mutants {
                m.after(&req, &before, &out, &mut private, profile);
            }
            // write back every entity this request changed (the other bugs' writes included)
            let mut shared = self.model.lock();
            for (id, e) in private.entities() {
                if before.get(id).is_none_or(|b| b.value != e.value) {
                    shared.set_value(id, e.value.clone());
                }
            }
            out
        } else {
            let mut store = self.model.lock();
            for m in &self.mutants {
                m.rewrite(&mut req, &store, profile);
            }
            let before = store.clone();
            let mut out = model::apply(&mut store, &req, profile);
            for m in &self.mutants {
                m.after(&req, &before, &out, &mut store, profile);
            }
            // the answer shows the entity as it was before this request
            if let (true, Some(id)) = (self.has(Mutant::StaleRepresentation), &out.updated) {
                if let Some(old) = before.get(id) {
                    for a in &mut out.answers {
                        if let Some(r) = &mut a.body {
                            r.value = old.value.clone();
                        }
                    }
                }
            }
            out
        };
        let mut resp = self.model.render(&req, &out);
        for m in &self.mutants {
            m.reply(
                &mut resp.status,
                &mut resp.headers,
                &mut resp.body,
                &req,
                profile,
            );
        }
        resp
    }
}

impl Target for Mutated {
    fn send<'a>(&'a self, req: &'a Request) -> BoxFuture<'a, Result<Response, TransportError>> {
        Box::pin(async move { Ok(self.answer(req).await) })
    }
    fn describe(&self) -> String {
        format!("in-process model with mutants {:?}", self.mutants)
    }
}

/// Replaces the members of a JSON object body for which `change` gives a new value, and
/// writes the body again only when one changed (members in order, duplicates kept).
fn rewrite_members(body: &mut Vec<u8>, change: impl Fn(&str, &Json<'_>) -> Option<Json<'static>>) {
    let Ok(Json::Object(members)) = json::parse(body) else {
        return;
    };
    let mut changed = false;
    let members: Vec<_> = members
        .into_iter()
        .map(|(n, v)| match change(&n, &v) {
            Some(new) => {
                changed = true;
                (n, new)
            }
            None => (n, v),
        })
        .collect();
    if changed {
        let text = Json::Object(members).to_text();
        *body = text.into_bytes();
    }
}
