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

/// The built-in bugs as one table: a row per bug (its doc, the rules a finding may cite, the first
/// the expected one; the clause a finding against it alone names; the other clauses it breaks).
/// The enum, [`Mutant::ALL`], [`Mutant::rules`], [`Mutant::clause`] and [`Mutant::also_breaks`]
/// are generated from it; what each bug does is in `request.rs` and `response.rs`.
macro_rules! mutants {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident: rules [$($rule:ident),+], clause $clause:literal $(, also [$($also:literal),+])?;
    )*) => {
        /// One realistic bug.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Mutant {
            $($(#[doc = $doc])* $name,)*
        }

        impl Mutant {
            /// Every mutant, in the table's order.
            pub const ALL: [Mutant; [$(stringify!($name)),*].len()] = [$(Mutant::$name),*];

            /// The rules a finding may cite for this bug (the first is the expected one).
            pub fn rules(self) -> &'static [RuleId] {
                match self {
                    $(Mutant::$name => &[$(RuleId::$rule),+],)*
                }
            }

            /// The clause of contract 1.2 the bug breaks: a finding against it alone names it.
            pub fn clause(self) -> &'static str {
                match self {
                    $(Mutant::$name => $clause,)*
                }
            }

            /// The clauses the bug breaks besides [`Mutant::clause`], when it breaks several:
            /// which of them a check's cases reach first depends on the case stream, and a
            /// finding naming any of them names the bug rightly.
            pub fn also_breaks(self) -> &'static [&'static str] {
                match self {
                    $(Mutant::$name => &[$($($also),+)?],)*
                }
            }
        }
    };
}

mutants! {
    /// Accepts `"createdDateTime": null` (and ignores it).
    AcceptNullCreated: rules [B4], clause "B4.b";
    /// An open enum: unknown `processingStatus` strings are accepted (and ignored).
    OpenEnum: rules [B6], clause "B6.b";
    /// PUT semantics: properties a PATCH does not name are reset to null.
    PutSemantics: rules [S2], clause "S2";
    /// Non-atomic rejection: the valid members of a rejected body are written anyway.
    NonAtomicRejection: rules [S3], clause "S3";
    /// `204 No Content` instead of `200` with the representation.
    NoContentInsteadOf200: rules [S4], clause "S4.c";
    /// The via-task route updates `{t0}` instead of `{t}`.
    WrongAliasTarget: rules [R2], clause "R2.c";
    /// Read-modify-write without the lock: concurrent updates are lost.
    LostUpdates: rules [S7], clause "S7";
    /// 500 on a body that is not JSON (an empty body is refused with 400 before the parser).
    ServerErrorOnBadJson: rules [E3], clause "E3";
    /// Segment names compared case-sensitively under a profile that says insensitive.
    CaseSensitiveSegments: rules [R4], clause "R4.a";
    /// No authentication at all.
    NoAuthentication: rules [H2], clause "H2.a";
    /// The read-only token may PATCH.
    ReadOnlyTokenWrites: rules [H2], clause "H2.d";
    /// Any Content-Type is accepted.
    AnyContentType: rules [H3], clause "H3.c";
    /// Timestamps without an offset are accepted (as UTC).
    TimestampWithoutOffset: rules [T1], clause "T1.d";
    /// Errors with an empty body.
    EmptyErrorBody: rules [E1], clause "E1";
    /// `Prefer` honoured without `Preference-Applied`.
    NoPreferenceApplied: rules [H5], clause "H5.b";
    /// `unknownFutureValue` in a PATCH is stored instead of ignored.
    SentinelStored: rules [B6, S2], clause "B6.c";
    /// A PATCH also writes its `failureReason` into a sibling result (same user processing result).
    IsolationLeak: rules [S6], clause "S6";
    /// PUT is treated as PATCH.
    PutAccepted: rules [H1], clause "H1.c";
    /// Duplicate members are accepted (last wins).
    DuplicatesAccepted: rules [B2], clause "B2";
    /// Re-sending the current `failureReason` appends " (again)": the same PATCH twice differs.
    NotIdempotent: rules [S5, S2, B10], clause "S5";
    /// Written timestamps are stored to the millisecond (T2.b: coarser than 100 ns).
    CoarseTimestamps: rules [T2, S2], clause "T2.b";
    /// Every error carries the code `Error` (E2, judged under `strict_error_codes`).
    GenericErrorCodes: rules [E2], clause "E2";
    // --- a different reading of the contract: the model under another knob value ---
    /// Parenthesised keys are rejected (R3.b: `paren_keys = accept`).
    ParenKeysRejected: rules [R3], clause "R3.b";
    /// Enum names compare case-insensitively (B6.b).
    EnumCaseInsensitive: rules [B6], clause "B6.b";
    /// Unknown property names are ignored (B8).
    UnknownPropertiesIgnored: rules [B8], clause "B8";
    /// `id` in the body is rejected even when equal to the key (B7.a).
    IdInBodyRejected: rules [B7], clause "B7.a";
    /// Every PATCH must name both required properties (B4.a: they may be omitted).
    RequiredInBody: rules [B4], clause "B4.a";
    /// `unknownFutureValue` in a PATCH is rejected (B6.c: it means "leave as it is").
    SentinelInPatchRejected: rules [B6], clause "B6.c";
    /// gzip-coded bodies are refused with 415 (H6.a).
    GzipUnsupported: rules [H6], clause "H6.a";
    /// Members after the sentinel are not known (B6.d: accepted with the preference).
    NoMembersAfterSentinel: rules [B6], clause "B6.d";
    /// Under `odata-abnf`, timestamps are parsed with Graph's pattern (T1.f).
    GraphGrammarOnly: rules [T1], clause "T1.f";
    /// Under `graph`, timestamps are parsed with the full OData ABNF (T1.g: seconds omitted;
    /// also lower case `t`/`z`, second 60, five-digit years).
    // the OData ABNF admits, under `graph`: omitted seconds (T1.g), five-digit and
    // negative years (T1.b), second 60 (T1.c), offset hours up to 23 (T1.d), lower-case
    // `t` and `z` (T1.e)
    AbnfGrammarUnderGraph: rules [T1], clause "T1.g", also ["T1.b", "T1.c", "T1.d", "T1.e"];
    /// Every PATCH is 405 (H1.a).
    PatchUnsupported: rules [H1], clause "H1.a";
    /// Under `graph-live`, PATCH is evaluated as under `graph` (H1.d).
    PatchSupportedUnderLive: rules [H1], clause "H1.d";
    /// Under `strict`, a body may omit the required properties (B4.d).
    RequiredNotEnforcedUnderStrict: rules [B4], clause "B4.d";
    /// No body size limit (H4.a).
    NoBodyLimit: rules [H4], clause "H4.a";
    /// A body of exactly the limit is 413 (H4.a: off by one).
    BodyLimitOffByOne: rules [H4], clause "H4.a";
    /// The limit is checked on `Content-Length` only: a chunked body past it is read whole and
    /// processed (H4.b).
    ChunkedLimitUnchecked: rules [H4], clause "H4.b";
    /// A chunked body is read as empty, as by a server that reads `Content-Length` bytes only
    /// (H4.b: the body rules apply whatever the framing).
    ChunkedBodyIgnored: rules [H4], clause "H4.b";
    // --- request handling ---
    /// One trailing slash makes the path unknown (R4.c).
    TrailingSlashRejected: rules [R4], clause "R4.c";
    /// Ids compare case-insensitively (R4.b).
    IdsCaseInsensitive: rules [R4], clause "R4.b";
    /// Ids are not percent-decoded (R3.c).
    // a key with a bad escape is then looked up as text: 404 for a malformed key (R5.a,
    // decision 89); and the first escape of a path is never decoded, a segment name's too (R4.a)
    IdsNotPercentDecoded: rules [R3, R4, R5], clause "R3.c", also ["R5.a", "R4.a"];
    /// A malformed path is 404, not 400 (R5.a).
    MalformedPathIs404: rules [R5], clause "R5.a";
    /// Ids that do not resolve are 400, not 404 (R5.b).
    // every id that does not resolve: an unknown id (R5.b), one in another case
    // (R4.b), one under another parent (S1)
    UnresolvedIs400: rules [R5, R4, S1], clause "R5.b";
    /// The via-task route accepts a result of another task (R2.b).
    ViaTaskAnyTask: rules [R2], clause "R2.b";
    /// GET is 405 (H1.b).
    GetUnsupported: rules [H1], clause "H1.b";
    /// Methods other than GET and PATCH are 400, not 405 (H1.c).
    OtherMethodsAre400: rules [H1], clause "H1.c";
    /// A request without `Authorization` is 403, not 401 (H2.a).
    MissingAuthIs403: rules [H2], clause "H2.a";
    /// Any scheme is accepted with a known token (H2.b).
    AnySchemeAccepted: rules [H2], clause "H2.b";
    /// The scheme must be spelled `Bearer` exactly (H2.b: case-insensitive).
    BearerCaseSensitive: rules [H2], clause "H2.b";
    /// Tokens compare case-insensitively (H2.c).
    TokensCaseInsensitive: rules [H2], clause "H2.c";
    /// GET through the via-task route with a read-only token is 403 (H2.d: reads are
    /// allowed on either route).
    ReadOnlyCannotRead: rules [H2], clause "H2.d";
    /// A `Content-Type` with parameters is 415 (H3.b: `charset=utf-8` and OData ones allowed).
    ContentTypeParametersRejected: rules [H3], clause "H3.b";
    /// The media type compares case-sensitively (H3.a).
    MediaTypeCaseSensitive: rules [H3], clause "H3.a";
    /// Only the first preference of the first `Prefer` header counts (H5.a).
    FirstPreferenceOnly: rules [H5], clause "H5.a";
    /// GET never carries `Preference-Applied` (H5.b).
    NoPreferenceAppliedOnGet: rules [H5], clause "H5.b";
    /// Unknown content codings are read as identity (H6.b).
    UnknownCodingIgnored: rules [H6], clause "H6.b";
    /// Bytes after the gzip member are ignored (H6.c, decision 39).
    GzipTrailingIgnored: rules [H6], clause "H6.c";
    /// A body with trailing bytes after the JSON value is accepted (B1.b).
    TrailingBytesAccepted: rules [B1], clause "B1.b";
    /// An empty body is read as `{}` (B1.a).
    EmptyBodyAccepted: rules [B1], clause "B1.a";
    /// A top level that is not an object is read as `{}` (B1.c).
    NonObjectAccepted: rules [B1], clause "B1.c";
    /// More than 16 levels of nesting are 400 (B1.e: 32 must be parsed).
    ShallowNestingLimit: rules [B1], clause "B1.e";
    /// Numbers and booleans for `failureReason` are stored as text (B5).
    ScalarsCoercedToText: rules [B5], clause "B5";
    /// `null` for a nullable property is 400 (B4.c).
    NullNullableRejected: rules [B4], clause "B4.c";
    /// Numeric enum strings (`"2"`) are read as the member at that index (B6.b).
    NumericEnumAccepted: rules [B6], clause "B6.b";
    /// Members after the sentinel are rendered by name without the preference (B6.e).
    AfterSentinelRenderedByName: rules [B6], clause "B6.e";
    /// A different `id` in the body is ignored (B7.a).
    IdMismatchIgnored: rules [B7], clause "B7.a";
    /// Properties this operation does not update are silently ignored (B7.b).
    NotUpdatableIgnored: rules [B7], clause "B7.b";
    /// Property names compare case-insensitively (B8).
    PropertyNamesCaseInsensitive: rules [B8], clause "B8";
    /// `@odata.type` without `#` is rejected (B9.a).
    OdataTypeWithoutHashRejected: rules [B9], clause "B9.a";
    /// Any `@odata.type` is accepted (B9.a).
    AnyOdataTypeAccepted: rules [B9], clause "B9.a";
    /// Annotations other than `@odata.type` are unknown properties (B9.b).
    AnnotationsRejected: rules [B9], clause "B9.b";
    /// `failureReason` is stored truncated to 32 KiB (B10).
    FailureReasonTruncated: rules [B10], clause "B10";
    /// Characters outside the BMP in `failureReason` are stored as U+FFFD (B10).
    AstralCharactersReplaced: rules [B10], clause "B10";
    /// Century years are leap years: `2000-02-29` is rejected (T1.b).
    CenturyLeapYearRejected: rules [T1], clause "T1.b";
    /// `24:00:00` is accepted as the end of the day (T1.c).
    Hour24Accepted: rules [T1], clause "T1.c";
    /// Offsets beyond ±14:00 are clamped (T1.d).
    OffsetClamped: rules [T1], clause "T1.d";
    /// Instants outside .NET's range are clamped into it (T1.h).
    OutOfRangeInstantsClamped: rules [T1], clause "T1.h";
    /// A fraction's leading zeros are dropped (`.05` read as `.5`) (T1.a).
    FractionLeadingZerosDropped: rules [T1], clause "T1.a";
    /// 200 bodies render timestamps without their offset (T2.a).
    TimestampsRenderedWithoutOffset: rules [T2], clause "T2.a";
    /// `completedDateTime` before `startedDateTime` is 400 (T3: no ordering is part of it).
    TimestampOrderEnforced: rules [T3], clause "T3";
    /// 200 bodies lack `@odata.type` (S4.a).
    NoOdataTypeInBody: rules [S4], clause "S4.a";
    /// 200 bodies omit null properties (S4.a).
    NullPropertiesOmitted: rules [S4], clause "S4.a";
    /// 200 bodies show the state before the request (S4.b).
    StaleRepresentation: rules [S4], clause "S4.b";
    /// Errors are sent as `text/plain` (E1).
    ErrorsAsPlainText: rules [E1], clause "E1";
    /// Errors carry an empty code (E1).
    EmptyErrorCode: rules [E1], clause "E1";
    /// Deep nesting crashes the parser: 500 (E3).
    DeepNestingCrashes: rules [E3], clause "E3";
    /// Under `strict_precedence`, the body is checked before the media type (E4).
    BodyBeforeMediaType: rules [E4], clause "E4";
    /// A PATCH is written property by property, other requests running in between (S7: no
    /// write is torn).
    TornWrites: rules [S7], clause "S7";
    // --- contract 1.2 and the inputs real frameworks get wrong (issue 29) ---
    /// A 401 carries no `WWW-Authenticate` (H2.e).
    NoChallengeOn401: rules [H2], clause "H2.e";
    /// Of two `Authorization` or `Content-Type` headers the first counts (H2.c, H3.c).
    // both headers are read alike
    FirstHeaderWins: rules [H2, H3], clause "H2.c", also ["H3.c"];
    /// Of two `Authorization` or `Content-Type` headers the last counts (H2.c, H3.c).
    // both headers are read alike
    LastHeaderWins: rules [H2, H3], clause "H2.c", also ["H3.c"];
    /// Only `gzip` spelled so is decoded: `GZIP` and `x-gzip` are 415 (H6.a).
    GzipNameCaseSensitive: rules [H6], clause "H6.a";
    /// A gzip body of several members is 400, as contract 1.1 read it (H6.a).
    SingleGzipMemberOnly: rules [H6], clause "H6.a";
    /// Bytes after the last gzip member that are no member are ignored, as gzip(1) does (H6.c).
    GzipTrailingGarbageIgnored: rules [H6], clause "H6.c";
    /// A gzip body is inflated whole before the limit is checked: one that decodes to more than 256 MiB exhausts the memory, 500 (H6.d).
    // inflated whole, a bomb exhausts the memory: a 5xx (E3)
    BombInflatedWhole: rules [H6, E3], clause "H6.d", also ["E3"];
    /// A list of codings that names gzip is read as gzip (H6.b).
    CodingListGzipAccepted: rules [H6], clause "H6.b";
    /// `OPTIONS` is answered 204 with `Allow`, as CORS middleware does (H1.c).
    OptionsAnswered: rules [H1], clause "H1.c";
    /// `HEAD` is answered as GET (H1.c).
    HeadAnsweredAsGet: rules [H1], clause "H1.c";
    /// `POST` with `X-HTTP-Method-Override: PATCH` is a PATCH (H1.c).
    MethodOverrideHonoured: rules [H1], clause "H1.c";
    /// JSON extensions (comments, trailing commas, single quotes, NaN, leading zeros, `+1`) are read as JSON5 does (B1.b).
    LenientJsonParser: rules [B1], clause "B1.b";
    /// Bytes that are not UTF-8 are read as U+FFFD (B1.b).
    LossyUtf8Decoding: rules [B1], clause "B1.b";
    /// `"@odata.type": null` is read as no `@odata.type` (B9.a).
    NullOdataTypeIgnored: rules [B9], clause "B9.a";
    /// Timestamps are parsed leniently: epoch seconds, a space for `T`, `+0100`, long fractions, `:60` (T1.g, T1.c, T1.d).
    LenientTimestampParser: rules [T1], clause "T1.g", also ["T1.c", "T1.d"];
    /// `task@odata.bind` is refused as a navigation write (B9.b).
    BindAnnotationRejected: rules [B9], clause "B9.b";
    /// `failureReason` is stored without its leading and trailing white space (B10).
    FailureReasonTrimmed: rules [B10], clause "B10";
    /// Control characters (NUL included) are dropped from `failureReason` (B10).
    ControlCharactersStripped: rules [B10], clause "B10";
    /// Non-characters (U+FFFE, U+FDD0, …) in `failureReason` are stored as U+FFFD (B10).
    NoncharactersReplaced: rules [B10], clause "B10";
    /// The `request-id` is derived from the request (method, path, headers, body), as a
    /// caching or idempotency layer keys it: the same request twice gets the same id (E2).
    RequestIdFromRequest: rules [E2], clause "E2";
}

impl Mutant {
    /// The mutant with this name (as `Debug` writes it, e.g. `OpenEnum`), ignoring case.
    pub fn from_name(name: &str) -> Option<Mutant> {
        Mutant::ALL
            .into_iter()
            .find(|m| format!("{m:?}").eq_ignore_ascii_case(name))
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
    pub(crate) fn reads_as(self, profile: &mut Profile) {
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
