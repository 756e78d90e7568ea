//! Deliberately broken implementations: [`Mutated`] decorates the in-process model target with
//! one or more realistic bugs ([`Mutant`]); `serve --mutant` serves it over HTTP. The runner's
//! self-test checks that `check` finds every one, citing the right rule, within the default
//! budget (the kill rate), that stacks of several are each found with nothing else blamed, and
//! that it finds nothing on the correct model. None of this lives in the production responder.

use crate::contract::profile::Profile;
use crate::contract::rule::RuleId;
use crate::contract::timestamp::Grammar;

mod mutated;
mod request;
mod response;

pub use mutated::Mutated;

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
    /// Under `graph`, timestamps are parsed with the full OData ABNF (T1.g: seconds omitted;
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
    /// Timestamps are parsed leniently: epoch seconds, a space for `T`, `+0100`, long fractions, `:60` (T1.g, T1.c, T1.d).
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
            // a key with a bad escape is then looked up as text, 404 (R5.a: decision 89)
            IdsNotPercentDecoded => &[RuleId::R3, RuleId::R4, RuleId::R5],
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
            // the OData ABNF admits, under `graph`: omitted seconds (T1.g), five-digit and
            // negative years (T1.b), second 60 (T1.c), offset hours up to 23 (T1.d), lower-case
            // `t` and `z` (T1.e)
            Mutant::AbnfGrammarUnderGraph => &["T1.b", "T1.c", "T1.d", "T1.e"],
            // both headers are read alike
            Mutant::FirstHeaderWins | Mutant::LastHeaderWins => &["H3.c"],
            // inflated whole, a bomb exhausts the memory: a 5xx (E3)
            Mutant::BombInflatedWhole => &["E3"],
            Mutant::LenientTimestampParser => &["T1.c", "T1.d"],
            // a key with a bad escape is looked up as text: 404 for a malformed key; and the
            // first escape of a path is never decoded, a segment name's too (R4.a)
            Mutant::IdsNotPercentDecoded => &["R5.a", "R4.a"],
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
            AbnfGrammarUnderGraph => "T1.g",
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
            LenientTimestampParser => "T1.g",
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
        use crate::contract::profile as p;
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
}
