//! The defect catalogue: every way a generated request can break a rule, as data.
//!
//! Each [`Defect`] names the rule it breaks ([`Defect::rule`]), the status the contract demands
//! for it ([`Defect::status`]), the profiles under which it is a defect at all
//! ([`Defect::applies_under`]) and how it edits a valid request ([`Defect::apply`]). The demanded
//! outcome of a case is computed from its defects alone ([`demand`]), independently of
//! [`crate::model`], so generators and model check each other.

use crate::path::{NameCase, PathStyle, Route};
use crate::profile::{
    DuplicateMembers, IdInBody, ParenKeys, Profile, SegmentCase, SentinelInPatch, Success,
    UnknownProperties,
};
use crate::rule::RuleId;
use crate::spec::{ProcessingStatus, Property};
use crate::store::Store;
use crate::timestamp::Grammar;
use serde::{Deserialize, Serialize};

/// A required property (B4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, arbitrary::Arbitrary, Serialize, Deserialize)]
pub enum Required {
    /// `createdDateTime`
    CreatedDateTime,
    /// `processingStatus`
    ProcessingStatus,
}

impl Required {
    fn property(self) -> Property {
        match self {
            Required::CreatedDateTime => Property::CreatedDateTime,
            Required::ProcessingStatus => Property::ProcessingStatus,
        }
    }
}

/// A timestamp property (T1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, arbitrary::Arbitrary, Serialize, Deserialize)]
pub enum TimestampProperty {
    /// `createdDateTime`
    CreatedDateTime,
    /// `startedDateTime`
    StartedDateTime,
    /// `completedDateTime`
    CompletedDateTime,
}

impl TimestampProperty {
    fn property(self) -> Property {
        match self {
            TimestampProperty::CreatedDateTime => Property::CreatedDateTime,
            TimestampProperty::StartedDateTime => Property::StartedDateTime,
            TimestampProperty::CompletedDateTime => Property::CompletedDateTime,
        }
    }
}

/// A JSON type that no property has (B5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, arbitrary::Arbitrary, Serialize, Deserialize)]
pub enum WrongKind {
    /// A number.
    Number,
    /// A boolean.
    Boolean,
    /// An array.
    Array,
    /// An object.
    Object,
}

/// One class of T1 violation. Some are violations only under the `graph` grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, arbitrary::Arbitrary, Serialize, Deserialize)]
pub enum TimestampFlaw {
    /// `2023-02-29`
    NotCalendarDate,
    /// `2024-04-31`
    ThirtyFirstOfApril,
    /// month `13`
    MonthThirteen,
    /// `24:00:00`
    Hour24,
    /// minute `60`
    Minute60,
    /// no offset
    NoOffset,
    /// 13 fractional digits
    ThirteenDigits,
    /// a space instead of `T`
    SpaceSeparator,
    /// a dot without digits
    EmptyFraction,
    /// offset `+24:00`
    OffsetHour24,
    /// `+0100`
    OffsetWithoutColon,
    /// a date only
    DateOnly,
    /// seconds omitted (valid under odata-abnf)
    NoSeconds,
    /// second `60` (valid under odata-abnf)
    LeapSecond,
    /// lower-case `t`/`z` (valid under odata-abnf)
    LowerCase,
    /// year `0000` (valid under odata-abnf)
    YearZero,
    /// a five-digit year (valid under odata-abnf)
    FiveDigitYear,
    /// offset `+14:01` (valid under odata-abnf)
    OffsetBeyond14,
    /// `9999-12-31T23:00:00-14:00`: every field in range, the UTC instant in year 10000 (T1.h)
    UtcAfterYear9999,
    /// `0001-01-01T00:00:00+01:00`: the UTC instant in year 0000 (T1.h)
    UtcBeforeYear1,
}

impl TimestampFlaw {
    /// The flawed spelling.
    pub fn spelling(self) -> &'static str {
        match self {
            TimestampFlaw::NotCalendarDate => "2023-02-29T12:00:00Z",
            TimestampFlaw::ThirtyFirstOfApril => "2024-04-31T12:00:00Z",
            TimestampFlaw::MonthThirteen => "2024-13-01T12:00:00Z",
            TimestampFlaw::Hour24 => "2024-01-01T24:00:00Z",
            TimestampFlaw::Minute60 => "2024-01-01T23:60:00Z",
            TimestampFlaw::NoOffset => "2024-01-01T12:00:00",
            TimestampFlaw::ThirteenDigits => "2024-01-01T12:00:00.1234567890123Z",
            TimestampFlaw::SpaceSeparator => "2024-01-01 12:00:00Z",
            TimestampFlaw::EmptyFraction => "2024-01-01T12:00:00.Z",
            TimestampFlaw::OffsetHour24 => "2024-01-01T12:00:00+24:00",
            TimestampFlaw::OffsetWithoutColon => "2024-01-01T12:00:00+0100",
            TimestampFlaw::DateOnly => "2024-01-01",
            TimestampFlaw::NoSeconds => "2024-01-01T12:00Z",
            TimestampFlaw::LeapSecond => "2016-12-31T23:59:60Z",
            TimestampFlaw::LowerCase => "2024-01-01t12:00:00z",
            TimestampFlaw::YearZero => "0000-01-01T12:00:00Z",
            TimestampFlaw::FiveDigitYear => "10000-01-01T12:00:00Z",
            TimestampFlaw::OffsetBeyond14 => "2024-01-01T12:00:00+14:01",
            TimestampFlaw::UtcAfterYear9999 => "9999-12-31T23:00:00-14:00",
            TimestampFlaw::UtcBeforeYear1 => "0001-01-01T00:00:00+01:00",
        }
    }

    /// Whether the spelling is invalid under `grammar`.
    pub fn invalid_under(self, grammar: Grammar) -> bool {
        let graph_only = matches!(
            self,
            TimestampFlaw::NoSeconds
                | TimestampFlaw::LeapSecond
                | TimestampFlaw::LowerCase
                | TimestampFlaw::YearZero
                | TimestampFlaw::FiveDigitYear
                | TimestampFlaw::OffsetBeyond14
                | TimestampFlaw::UtcAfterYear9999
                | TimestampFlaw::UtcBeforeYear1
        );
        grammar == Grammar::Graph || !graph_only
    }
}

/// A media type other than `application/json` (H3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, arbitrary::Arbitrary, Serialize, Deserialize)]
pub enum MediaTypeFlaw {
    /// `text/plain`
    TextPlain,
    /// `application/merge-patch+json`
    MergePatch,
    /// `application/x-www-form-urlencoded`
    FormUrlEncoded,
    /// `application/jsonx`
    JsonX,
    /// `charset=utf-16`
    CharsetUtf16,
    /// `charset=iso-8859-1`
    CharsetLatin1,
}

/// A method other than GET and PATCH (H1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, arbitrary::Arbitrary, Serialize, Deserialize)]
pub enum OtherMethod {
    /// `PUT`
    Put,
    /// `POST`
    Post,
    /// `DELETE`
    Delete,
    /// `patch` (methods are case-sensitive)
    LowerCasePatch,
}

/// Which id of the route is unknown (S1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, arbitrary::Arbitrary, Serialize, Deserialize)]
pub enum Level {
    /// `{w}`
    Workflow,
    /// `{r}`
    Run,
    /// `{u}`
    UserResult,
    /// `{t}` (`{t0}` on the via-task route)
    Result,
}

/// A JSON text that is not an object (B1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, arbitrary::Arbitrary, Serialize, Deserialize)]
pub enum NotObject {
    /// `[]`
    Array,
    /// a string
    String,
    /// a number
    Number,
    /// `null`
    Null,
    /// `true`
    Boolean,
}

/// A property this operation cannot update (B7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, arbitrary::Arbitrary, Serialize, Deserialize)]
pub enum NotUpdatable {
    /// `processingInfo`
    ProcessingInfo,
    /// `workflowSubject`
    WorkflowSubject,
    /// navigation `subject`
    Subject,
    /// navigation `task`
    Task,
}

/// Where the right one of two headers of one name stands (H2.c, H3.c: two are wrong in either
/// order, even when one of them is right).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, arbitrary::Arbitrary, Serialize, Deserialize)]
pub enum HeaderOrder {
    /// The right header first, a wrong one after it (a server reading the last one refuses).
    RightFirst,
    /// A wrong header first, the right one last (a server reading the first one refuses).
    RightLast,
}

/// A list of content codings that names gzip (H6.b: a list is 415).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, arbitrary::Arbitrary, Serialize, Deserialize)]
pub enum CodingList {
    /// `gzip, br` on a gzip body.
    GzipThenBr,
    /// `identity, gzip` on a gzip body.
    IdentityThenGzip,
}

/// A JSON value other than a string for `@odata.type` (B9.a), beside `true`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, arbitrary::Arbitrary, Serialize, Deserialize)]
pub enum OdataTypeValue {
    /// `null`
    Null,
    /// a number
    Number,
    /// an object
    Object,
}

/// Bytes that are not UTF-8 though lenient decoders read them (B1.b).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, arbitrary::Arbitrary, Serialize, Deserialize)]
pub enum Utf8Flaw {
    /// A surrogate code point encoded directly (CESU-8, `ED A0 80 ED B0 80`).
    Cesu8Surrogates,
    /// Overlong encodings (`C0 AF` for `/`, `E0 80 AF`).
    Overlong,
}

/// A timestamp text from another grammar that Graph's pattern does not admit (T1.a).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, arbitrary::Arbitrary, Serialize, Deserialize)]
pub enum OtherPattern {
    /// Epoch seconds as a string (`"1700000000"`).
    EpochSeconds,
    /// A space instead of `T`, with an offset.
    SpaceSeparator,
    /// 16 fractional digits.
    LongFraction,
}

impl OtherPattern {
    /// The spelling.
    pub fn spelling(self) -> &'static str {
        match self {
            OtherPattern::EpochSeconds => "1700000000",
            OtherPattern::SpaceSeparator => "2024-01-01 12:00:00+01:00",
            OtherPattern::LongFraction => "2024-01-01T12:00:00.1234567890123456Z",
        }
    }
}

/// A method some frameworks answer on their own (H1.c: 405 all the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, arbitrary::Arbitrary, Serialize, Deserialize)]
pub enum ProbeMethod {
    /// `OPTIONS` (CORS middleware answers it).
    Options,
    /// `HEAD` (frameworks answer it as GET without the body).
    Head,
    /// `TRACE`
    Trace,
}

impl ProbeMethod {
    /// The method.
    pub fn as_str(self) -> &'static str {
        match self {
            ProbeMethod::Options => "OPTIONS",
            ProbeMethod::Head => "HEAD",
            ProbeMethod::Trace => "TRACE",
        }
    }
}

/// An extension of JSON that lenient parsers (JSON5, JavaScript) accept (B1.b). Each body is
/// a valid PATCH once read leniently, so a lenient parser accepts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, arbitrary::Arbitrary, Serialize, Deserialize)]
pub enum JsonExtension {
    /// `// …` to the end of the line.
    LineComment,
    /// `/* … */`
    BlockComment,
    /// A comma after the last member.
    TrailingComma,
    /// Names and strings in single quotes.
    SingleQuotes,
    /// `NaN` (as an annotation's value).
    NaN,
    /// `-Infinity` (as an annotation's value).
    Infinity,
    /// `007` (as an annotation's value).
    LeadingZeros,
    /// `+1` (as an annotation's value).
    PlusSign,
}

impl JsonExtension {
    /// The body: `failureReason` `"lenient"`, with the extension.
    pub fn body(self) -> &'static [u8] {
        match self {
            JsonExtension::LineComment => b"{\"failureReason\":\"lenient\" // a comment\n}",
            JsonExtension::BlockComment => b"{/* a comment */\"failureReason\":\"lenient\"}",
            JsonExtension::TrailingComma => b"{\"failureReason\":\"lenient\",}",
            JsonExtension::SingleQuotes => b"{'failureReason':'lenient'}",
            JsonExtension::NaN => b"{\"failureReason\":\"lenient\",\"@microsoft.graph.n\":NaN}",
            JsonExtension::Infinity => {
                b"{\"failureReason\":\"lenient\",\"@microsoft.graph.n\":-Infinity}"
            }
            JsonExtension::LeadingZeros => {
                b"{\"failureReason\":\"lenient\",\"@microsoft.graph.n\":007}"
            }
            JsonExtension::PlusSign => b"{\"failureReason\":\"lenient\",\"@microsoft.graph.n\":+1}",
        }
    }
}

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
    /// A malformed percent-escape in a key.
    BadPercentEscape,
    /// A parenthesised key without quotes.
    UnquotedParenKey,
    /// A parenthesised key under `paren_keys = reject`.
    ParenKeyRejected,
    /// Upper-case segment names under `segment_case = exact`.
    SegmentCaseRejected,
    // S1/R2: 404
    /// An id that does not exist.
    UnknownId(Level),
    /// `{t}` under the `{w}/{r}/{u}` of another result.
    WrongParentChain,
    /// The addressed id in upper case: ids match exactly (R4.b), so it does not resolve.
    IdCase,
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
    /// A timestamp text of another grammar outside Graph's pattern (T1.a).
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

/// A request being built: valid parts first, then defects edit it.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Method.
    pub method: String,
    /// The route before formatting.
    pub route: Route,
    /// How it is spelled.
    pub style: PathStyle,
    /// An edit on the formatted path.
    pub path_edit: Option<PathEdit>,
    /// Authorization header value.
    pub authorization: Option<String>,
    /// Content-Type header value.
    pub content_type: Option<String>,
    /// Whether to send `Prefer: include-unknown-enum-members`.
    pub prefer: bool,
    /// Body members: name and raw JSON value text.
    pub members: Vec<(String, Raw)>,
    /// A body that replaces the members.
    pub whole_body: Option<Vec<u8>>,
    /// Pad the body with white space to this many bytes.
    pub pad_to: Option<u64>,
    /// `Content-Encoding` header value (H6).
    pub content_encoding: Option<String>,
    /// How the body is coded on the wire (H6).
    pub coding: BodyCoding,
    /// Start the (decoded) body with a UTF-8 byte-order mark (B1.d: may be ignored or 400).
    pub bom: bool,
    /// A second `Authorization` header and whether it goes before the first (H2.c).
    pub authorization_second: Option<(String, bool)>,
    /// A second `Content-Type` header and whether it goes before the first (H3.c).
    pub content_type_second: Option<(String, bool)>,
    /// Headers sent after the others (`X-HTTP-Method-Override`).
    pub extra_headers: Vec<(String, String)>,
}

/// How a draft's body is coded on the wire (H6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BodyCoding {
    /// As written.
    #[default]
    Plain,
    /// gzip-encoded (a valid variant when the profile decodes gzip).
    Gzip,
    /// gzip-encoded, and a line break after the member (H6.c).
    GzipThenLineBreak,
    /// Replaced by a gzip body that decodes to this many bytes of valid JSON.
    Bomb(u64),
    /// Several gzip members, their contents the body's halves (H6.a).
    GzipMembers,
    /// Two gzip members, then bytes that are no member (H6.c).
    GzipMembersThenGarbage,
    /// Replaced by a ~1 MiB gzip body that decodes to 1 GiB of valid JSON (H6.d).
    HugeBomb,
}

/// What [`huge_gzip_bomb`] decodes to: 1 GiB and the two braces.
pub const HUGE_BOMB_DECODED: u64 = (1 << 30) + 2;

/// A gzip body of about 1 MiB that decodes to [`HUGE_BOMB_DECODED`] bytes of valid JSON (`{`,
/// 1 GiB of spaces, `}`), built once per process without compressing a gibibyte: one deflate
/// run of 1 MiB of spaces ending in a full flush (byte-aligned, no reference before it) is
/// repeated 1024 times between the brace blocks, and the CRC-32 of the whole is combined from
/// the parts'. One member: a server that cannot read several members still owes it 413.
pub fn huge_gzip_bomb() -> &'static [u8] {
    use flate2::{Compress, Compression, Crc, FlushCompress, Status};
    use std::sync::OnceLock;
    static BOMB: OnceLock<Vec<u8>> = OnceLock::new();
    BOMB.get_or_init(|| {
        // raw deflate from a fresh compressor: a full flush ends it byte-aligned and non-final
        // (no reference before its start), `finish` ends it with the final block
        let deflate = |data: &[u8], finish: bool| {
            let mut c = Compress::new(Compression::best(), false);
            let flush = if finish {
                FlushCompress::Finish
            } else {
                FlushCompress::Full
            };
            let mut out = Vec::new();
            loop {
                out.reserve(64 * 1024);
                let read = usize::try_from(c.total_in()).map_or(data.len(), |r| r.min(data.len()));
                let status = c.compress_vec(&data[read..], &mut out, flush);
                let done = usize::try_from(c.total_in()).is_ok_and(|r| r >= data.len());
                match status {
                    Ok(Status::StreamEnd) | Err(_) => break,
                    // the flush is complete once every byte is in and room is left over
                    Ok(_) if !finish && done && out.len() < out.capacity() => break,
                    Ok(_) => {}
                }
            }
            out
        };
        let spaces = vec![b' '; 1 << 20];
        let open = deflate(b"{", false);
        let run = deflate(&spaces, false);
        let close = deflate(b"}", true);
        let mut out = Vec::with_capacity(open.len() + run.len() * 1024 + close.len() + 18);
        out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255]);
        out.extend_from_slice(&open);
        let mut crc = Crc::new();
        crc.update(b"{");
        let mut run_crc = Crc::new();
        run_crc.update(&spaces);
        for _ in 0..1024 {
            out.extend_from_slice(&run);
            crc.combine(&run_crc);
        }
        out.extend_from_slice(&close);
        crc.update(b"}");
        out.extend_from_slice(&crc.sum().to_le_bytes());
        out.extend_from_slice(&((HUGE_BOMB_DECODED & 0xFFFF_FFFF) as u32).to_le_bytes());
        out
    })
}

/// gzip-encodes `bytes` (H6): one RFC 1952 member (no name, no time, OS unknown), deflated at
/// the fastest level by a compressor kept per thread and reset between bodies (a new one
/// costs more than compressing a small body).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress, Status};
    use std::cell::RefCell;
    thread_local! {
        static DEFLATE: RefCell<Compress> = RefCell::new(Compress::new(Compression::fast(), false));
    }
    let mut out = Vec::with_capacity(bytes.len() / 2 + 64);
    // ID1 ID2, CM = deflate, FLG = 0, MTIME = 0, XFL = 4 (fastest), OS = 255 (unknown)
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 255]);
    let deflated = DEFLATE.with(|d| {
        let mut d = d.borrow_mut();
        d.reset();
        loop {
            let read = usize::try_from(d.total_in()).unwrap_or(usize::MAX);
            let rest = bytes.get(read..).unwrap_or_default();
            out.reserve(rest.len() / 2 + 1024);
            match d.compress_vec(rest, &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) => return true,
                Ok(_) => {}
                Err(_) => return false,
            }
        }
    });
    if !deflated {
        return Vec::new();
    }
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    // ISIZE: the length mod 2^32
    out.extend_from_slice(&((bytes.len() & 0xFFFF_FFFF) as u32).to_le_bytes());
    out
}

/// A small gzip body that decodes to `n` bytes of valid JSON (`{`, spaces, `}`); built once
/// per size, since compressing megabytes per case would dominate generation.
pub fn gzip_bomb(n: u64) -> Vec<u8> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<u64, Vec<u8>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut c = cache.lock().unwrap_or_else(|p| p.into_inner());
    c.entry(n)
        .or_insert_with(|| {
            let n = usize::try_from(n).unwrap_or(usize::MAX).max(2);
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            let chunk = vec![b' '; 64 * 1024];
            use std::io::Write;
            let _ = e.write_all(b"{");
            let mut left = n - 2;
            while left > 0 {
                let k = left.min(chunk.len());
                let _ = e.write_all(&chunk[..k]);
                left -= k;
            }
            let _ = e.write_all(b"}");
            e.finish().unwrap_or_default()
        })
        .clone()
}

/// A member value in a draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Raw {
    /// JSON text.
    Json(String),
    /// The addressed id, as a JSON string (known only once the route is final).
    AddressedId,
}

/// An edit on the formatted path string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathEdit {
    /// Replace `lifecycleWorkflows`.
    UnknownSegment,
    /// Remove `deletedItems`.
    MissingSegment,
    /// Remove the last segment.
    MissingKey,
    /// Append a segment.
    ExtraSegment,
    /// Replace a marker id with a bad escape.
    BadPercent,
    /// Unquote a marker paren key.
    Unquote,
}

const MARK: &str = "MARKER";

fn set_member(d: &mut Draft, name: &str, value: Raw) {
    d.members.retain(|(n, _)| n != name);
    d.members.push((name.to_string(), value));
}

fn json_str(s: &str) -> Raw {
    Raw::Json(crate::json::quote(s))
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
            Oversize => RuleId::H4,
            UnsupportedEncoding
            | CorruptGzip
            | GzipTrailingBytes
            | GzipBomb
            | CodingListWithGzip(_)
            | GzipMembersThenGarbage
            | GzipHugeBomb => RuleId::H6,
            Method(_) | ProbeMethod(_) | MethodOverride => RuleId::H1,
            UnknownSegment | MissingSegment | MissingKey | ExtraSegment => RuleId::R5,
            EmptyKey | BadPercentEscape | UnquotedParenKey | ParenKeyRejected => RuleId::R3,
            SegmentCaseRejected => RuleId::R4,
            UnknownId(_) | WrongParentChain | IdCase => RuleId::S1,
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
            Oversize | GzipBomb | GzipHugeBomb => 413,
            Method(_) | ProbeMethod(_) | MethodOverride => 405,
            UnknownId(_) | WrongParentChain | ViaTaskOtherTask | IdCase => 404,
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
            UnsupportedEncoding | CodingListWithGzip(_) => "H6.b",
            CorruptGzip | GzipTrailingBytes | GzipMembersThenGarbage => "H6.c",
            GzipBomb | GzipHugeBomb => "H6.d",
            Method(_) | ProbeMethod(_) | MethodOverride => "H1.c",
            UnknownSegment | MissingSegment | MissingKey | ExtraSegment => "R5.a",
            EmptyKey => "R3.d",
            BadPercentEscape => "R3.c",
            UnquotedParenKey | ParenKeyRejected => "R3.b",
            SegmentCaseRejected => "R4.a",
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
                | F::NoSeconds => "T1.a",
            },
            TimestampOtherPattern(..) => "T1.a",
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

    fn slot(self) -> Slot {
        use Defect::*;
        match self {
            NoAuthorization | NotBearer | EmptyToken | UnknownToken | DuplicateAuthorization(_) => {
                Slot::Auth
            }
            ReadOnlyToken => Slot::WriteAuth,
            NoContentType | MediaType(_) | DuplicateContentType(_) => Slot::ContentType,
            Oversize => Slot::Size,
            UnsupportedEncoding
            | CorruptGzip
            | GzipTrailingBytes
            | GzipBomb
            | CodingListWithGzip(_)
            | GzipMembersThenGarbage
            | GzipHugeBomb => Slot::Encoding,
            Method(_) | ProbeMethod(_) | MethodOverride => Slot::Method,
            UnknownSegment | MissingSegment | MissingKey | ExtraSegment | EmptyKey
            | BadPercentEscape | UnquotedParenKey | ParenKeyRejected | SegmentCaseRejected => {
                Slot::PathShape
            }
            UnknownId(_) | WrongParentChain | ViaTaskOtherTask | IdCase => Slot::Resolve,
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
            EnumCase => profile.enum_case == crate::profile::EnumCase::Exact,
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
            Oversize => profile.max_body_bytes < 64 * 1024 * 1024,
            CorruptGzip | GzipTrailingBytes | GzipMembersThenGarbage => {
                profile.request_encodings == crate::profile::RequestEncodings::Gzip
            }
            GzipBomb => {
                profile.request_encodings == crate::profile::RequestEncodings::Gzip
                    && profile.max_body_bytes < 64 * 1024 * 1024
            }
            // its ~1 MiB as sent within the limit, its 1 GiB decoded far past it
            GzipHugeBomb => {
                profile.request_encodings == crate::profile::RequestEncodings::Gzip
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

    /// Edits `d` to carry this defect. Returns false when it cannot be applied (the store lacks
    /// what it needs, e.g. a read-only token); `d` is then unchanged.
    pub fn apply(self, d: &mut Draft, store: &Store, profile: &Profile) -> bool {
        use Defect::*;
        match self {
            NoAuthorization => d.authorization = None,
            // H2.b: another scheme with a known token
            NotBearer => {
                d.authorization = Some(match store.tokens().write.first() {
                    Some(t) => format!("Token {t}"),
                    None => "Basic dXNlcjpwYXNzd29yZA==".into(),
                })
            }
            EmptyToken => d.authorization = Some("Bearer ".into()),
            // H2.c: tokens compare exactly: a known token in another letter case is unknown
            UnknownToken => {
                let swapped = store
                    .tokens()
                    .write
                    .first()
                    .map(|t| crate::spec::swap_case(t));
                d.authorization = Some(match swapped {
                    Some(t)
                        if !store.tokens().write.contains(&t)
                            && !store.tokens().read_only.contains(&t) =>
                    {
                        format!("Bearer {t}")
                    }
                    _ => "Bearer not-a-known-token".into(),
                })
            }
            ReadOnlyToken => match store.tokens().read_only.first() {
                Some(t) => d.authorization = Some(format!("Bearer {t}")),
                None => return false,
            },
            DuplicateAuthorization(order) => {
                let right = d.authorization.clone().unwrap_or_else(|| {
                    format!(
                        "Bearer {}",
                        store.tokens().write.first().cloned().unwrap_or_default()
                    )
                });
                d.authorization = Some(right);
                d.authorization_second = Some((
                    "Bearer not-a-known-token".into(),
                    order == HeaderOrder::RightLast,
                ));
            }
            NoContentType => d.content_type = None,
            DuplicateContentType(order) => {
                if d.content_type.is_none() {
                    d.content_type = Some("application/json".into());
                }
                d.content_type_second = Some(("text/plain".into(), order == HeaderOrder::RightLast));
            }
            MediaType(m) => {
                d.content_type = Some(
                    match m {
                        MediaTypeFlaw::TextPlain => "text/plain",
                        MediaTypeFlaw::MergePatch => "application/merge-patch+json",
                        MediaTypeFlaw::FormUrlEncoded => "application/x-www-form-urlencoded",
                        MediaTypeFlaw::JsonX => "application/jsonx",
                        MediaTypeFlaw::CharsetUtf16 => "application/json; charset=utf-16",
                        MediaTypeFlaw::CharsetLatin1 => "application/json; charset=iso-8859-1",
                    }
                    .into(),
                )
            }
            Oversize => d.pad_to = Some(profile.max_body_bytes + 1),
            UnsupportedEncoding => {
                d.content_encoding = Some("br".into());
                d.coding = BodyCoding::Plain;
            }
            CorruptGzip => {
                d.content_encoding = Some("gzip".into());
                d.coding = BodyCoding::Plain;
            }
            GzipTrailingBytes => {
                d.content_encoding = Some("gzip".into());
                d.coding = BodyCoding::GzipThenLineBreak;
            }
            GzipBomb => {
                d.content_encoding = Some("gzip".into());
                d.coding = BodyCoding::Bomb(profile.max_body_bytes + 1);
            }
            CodingListWithGzip(list) => {
                d.content_encoding = Some(
                    match list {
                        CodingList::GzipThenBr => "gzip, br",
                        CodingList::IdentityThenGzip => "identity, gzip",
                    }
                    .into(),
                );
                d.coding = BodyCoding::Gzip;
            }
            GzipMembersThenGarbage => {
                d.content_encoding = Some("gzip".into());
                d.coding = BodyCoding::GzipMembersThenGarbage;
            }
            GzipHugeBomb => {
                d.content_encoding = Some("gzip".into());
                d.coding = BodyCoding::HugeBomb;
            }
            ProbeMethod(m) => {
                d.method = m.as_str().into();
                d.whole_body = Some(Vec::new());
            }
            MethodOverride => {
                d.method = "POST".into();
                d.extra_headers
                    .push(("X-HTTP-Method-Override".into(), "PATCH".into()));
            }
            Method(m) => {
                d.method = match m {
                    OtherMethod::Put => "PUT",
                    OtherMethod::Post => "POST",
                    OtherMethod::Delete => "DELETE",
                    OtherMethod::LowerCasePatch => "patch",
                }
                .into()
            }
            UnknownSegment => d.path_edit = Some(PathEdit::UnknownSegment),
            MissingSegment => d.path_edit = Some(PathEdit::MissingSegment),
            MissingKey => d.path_edit = Some(PathEdit::MissingKey),
            ExtraSegment => d.path_edit = Some(PathEdit::ExtraSegment),
            EmptyKey => {
                d.style.paren &= !0b10;
                d.route.run = String::new();
            }
            BadPercentEscape => {
                d.style.paren &= !0b10;
                d.route.run = MARK.into();
                d.path_edit = Some(PathEdit::BadPercent);
            }
            UnquotedParenKey => {
                d.style.paren |= 0b1;
                d.route.workflow = MARK.into();
                d.path_edit = Some(PathEdit::Unquote);
            }
            ParenKeyRejected => d.style.paren |= 0b1,
            SegmentCaseRejected => d.style.case = NameCase::Upper,
            UnknownId(level) => {
                let r = &mut d.route;
                let slot = match level {
                    Level::Workflow => &mut r.workflow,
                    Level::Run => &mut r.run,
                    Level::UserResult => &mut r.user_result,
                    Level::Result => &mut r.result,
                };
                *slot = format!("unknown-{}", slot.len());
            }
            IdCase => {
                let upper = d.route.result.to_uppercase();
                if upper == d.route.result || store.get(&upper).is_some() {
                    return false;
                }
                d.route.result = upper;
            }
            WrongParentChain => {
                let Some(other) = store
                    .entities()
                    .map(|(_, e)| &e.location)
                    .find(|l| l.user_result != d.route.user_result)
                else {
                    return false;
                };
                d.route.run = other.run.clone();
                d.route.user_result = other.user_result.clone();
            }
            ViaTaskOtherTask => {
                let Some(t0) = store
                    .resolve(&Route {
                        via_task: None,
                        ..d.route.clone()
                    })
                    .and_then(|t| store.get(t))
                else {
                    return false;
                };
                let loc = t0.location.clone();
                let Some((other, _)) = store.entities().find(|(_, e)| {
                    e.location.workflow != loc.workflow || e.location.task != loc.task
                }) else {
                    return false;
                };
                d.route.via_task = Some(other.clone());
            }
            EmptyBody => d.whole_body = Some(Vec::new()),
            Truncated => {} // rendered from the members at the end (see `finish_body`)
            TrailingBytes => {}
            InvalidUtf8 => {
                d.whole_body = Some(b"{\"failureReason\":\"caf\xe9 \xff\xfe\"}".to_vec())
            }
            LoneSurrogate => d.whole_body = Some(br#"{"failureReason":"\ud800 alone"}"#.to_vec()),
            JsonExtension(x) => d.whole_body = Some(x.body().to_vec()),
            Utf8Form(f) => {
                d.whole_body = Some(
                    match f {
                        // U+1F600 as two surrogates, each encoded as if a character
                        Utf8Flaw::Cesu8Surrogates => {
                            &b"{\"failureReason\":\"smile \xed\xa0\xbd\xed\xb8\x80\"}"[..]
                        }
                        // `/` in two bytes, then in three
                        Utf8Flaw::Overlong => b"{\"failureReason\":\"a\xc0\xafb\xe0\x80\xaf\"}",
                    }
                    .to_vec(),
                )
            }
            DeepNesting => {
                let depth = 1000;
                let mut b = b"{\"failureReason\":".to_vec();
                b.extend(std::iter::repeat_n(b'[', depth));
                b.extend(std::iter::repeat_n(b']', depth));
                b.push(b'}');
                d.whole_body = Some(b);
            }
            NotObject(k) => {
                d.whole_body = Some(
                    match k {
                        self::NotObject::Array => &b"[{\"failureReason\":\"x\"}]"[..],
                        self::NotObject::String => b"\"failureReason\"",
                        self::NotObject::Number => b"42",
                        self::NotObject::Null => b"null",
                        self::NotObject::Boolean => b"true",
                    }
                    .to_vec(),
                )
            }
            DuplicateMember => {
                d.members.retain(|(n, _)| n != "failureReason");
                d.members.push(("failureReason".into(), json_str("first")));
                d.members.push(("failureReason".into(), json_str("second")));
            }
            NullRequired(r) => set_member(d, r.property().name(), Raw::Json("null".into())),
            MissingRequired(r) => d.members.retain(|(n, _)| n != r.property().name()),
            WrongType(p, k) => set_member(
                d,
                p.name(),
                Raw::Json(
                    match k {
                        WrongKind::Number => "2",
                        WrongKind::Boolean => "true",
                        WrongKind::Array => "[\"queued\"]",
                        WrongKind::Object => "{\"value\":\"2026-01-05T08:00:00Z\"}",
                    }
                    .into(),
                ),
            ),
            EnumCase => set_member(d, "processingStatus", json_str("Completed")),
            EnumWhitespace => set_member(d, "processingStatus", json_str(" completed")),
            EnumNumeric => set_member(d, "processingStatus", json_str("2")),
            EnumUnknown => set_member(d, "processingStatus", json_str("paused")),
            SentinelRejected => set_member(d, "processingStatus", json_str("unknownFutureValue")),
            AfterSentinelWithoutPrefer => {
                let Some(m) = profile.members_after_sentinel.first() else {
                    return false;
                };
                set_member(d, "processingStatus", json_str(m.as_str()));
                d.prefer = false;
            }
            AfterSentinelUnknown => {
                let Some(m) = ProcessingStatus::ALL
                    .into_iter()
                    .find(|m| m.is_after_sentinel() && !profile.has_member(*m))
                else {
                    return false;
                };
                set_member(d, "processingStatus", json_str(m.as_str()));
                d.prefer = true;
            }
            Timestamp(p, f) => set_member(d, p.property().name(), json_str(f.spelling())),
            TimestampOtherPattern(p, k) => set_member(d, p.property().name(), json_str(k.spelling())),
            TimestampLeapSecond(p) => {
                set_member(d, p.property().name(), json_str("2016-12-31T23:59:60Z"))
            }
            TimestampBasicOffset(p) => set_member(
                d,
                p.property().name(),
                json_str("2024-01-01T12:00:00+0100"),
            ),
            IdMismatch => set_member(d, "id", json_str("another-id")),
            IdNotString => set_member(d, "id", Raw::Json("1".into())),
            IdRejected => set_member(d, "id", Raw::AddressedId),
            NotUpdatable(n) => {
                let (name, v) = match n {
                    self::NotUpdatable::ProcessingInfo => ("processingInfo", "\"info\""),
                    self::NotUpdatable::WorkflowSubject => ("workflowSubject", "{\"id\":\"s\"}"),
                    self::NotUpdatable::Subject => ("subject", "{\"id\":\"s\"}"),
                    self::NotUpdatable::Task => ("task", "{\"id\":\"k\"}"),
                };
                set_member(d, name, Raw::Json(v.into()));
            }
            UnknownProperty => set_member(d, "extraProperty", Raw::Json("1".into())),
            PropertyNameCase => {
                d.members.retain(|(n, _)| n != "failureReason");
                set_member(d, "FailureReason", json_str("x"));
            }
            OdataTypeWrong => set_member(
                d,
                "@odata.type",
                json_str("#microsoft.graph.identityGovernance.task"),
            ),
            OdataTypeNotString => set_member(d, "@odata.type", Raw::Json("true".into())),
            OdataTypeValue(v) => set_member(
                d,
                "@odata.type",
                Raw::Json(
                    match v {
                        self::OdataTypeValue::Null => "null",
                        self::OdataTypeValue::Number => "1",
                        self::OdataTypeValue::Object => {
                            "{\"name\":\"#microsoft.graph.identityGovernance.taskProcessingResult\"}"
                        }
                    }
                    .into(),
                ),
            ),
            // the property under its own name stays: only the other spelling is unknown
            PropertyNameCaseOf(p) => {
                let (name, value) = property_in_another_case(p);
                set_member(d, name, Raw::Json(value.into()));
            }
        }
        true
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

/// Formats the final path of a draft.
pub fn finish_path(d: &Draft) -> String {
    // a path edit finds its marker as written: no id spelled with an escape (R3.c variant)
    let style = PathStyle {
        encode: d.style.encode && d.path_edit.is_none(),
        ..d.style
    };
    let path = d.route.to_path(&style);
    let Some(edit) = d.path_edit else { return path };
    let trailing = path.ends_with('/') && path.len() > 1;
    let core = if trailing {
        &path[..path.len() - 1]
    } else {
        &path[..]
    };
    let mut segs: Vec<String> = core.split('/').map(str::to_string).collect();
    match edit {
        PathEdit::UnknownSegment => {
            if let Some(s) = segs.get_mut(2) {
                s.push('z');
            }
        }
        PathEdit::MissingSegment => {
            if segs.len() > 3 {
                segs.remove(3);
            }
        }
        PathEdit::MissingKey => {
            segs.pop();
        }
        PathEdit::ExtraSegment => segs.push("extra".into()),
        PathEdit::BadPercent => {
            for s in &mut segs {
                *s = s.replace(MARK, "%zz");
            }
        }
        PathEdit::Unquote => {
            for s in &mut segs {
                *s = s.replace(&format!("('{MARK}')"), &format!("({MARK})"));
            }
        }
    }
    let mut out = segs.join("/");
    if trailing {
        out.push('/');
    }
    out
}

/// Renders the body of a draft (members, then whole-body defects, then padding), content-coded
/// as the draft says, with the length it decodes to.
pub fn finish_body(d: &Draft, applied: &[Defect]) -> (Vec<u8>, usize) {
    let mut body = match &d.whole_body {
        Some(b) => b.clone(),
        None => {
            let mut s = String::from("{");
            for (i, (name, v)) in d.members.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                s.push_str(&crate::json::quote(name));
                s.push(':');
                match v {
                    Raw::Json(j) => s.push_str(j),
                    Raw::AddressedId => s.push_str(&crate::json::quote(d.route.addressed())),
                }
            }
            s.push('}');
            s.into_bytes()
        }
    };
    if applied.contains(&Defect::Truncated) {
        let keep = (body.len() / 2).max(1);
        body.truncate(keep);
    }
    if applied.contains(&Defect::TrailingBytes) {
        body.extend_from_slice(b" {\"extra\":true}");
    }
    if let Some(n) = d.pad_to {
        // white space before the closing brace keeps JSON valid; only the size is wrong
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        if body.len() < n {
            // exactly `n` bytes: a doubled capacity would hold twice an over-size body's size
            body.reserve_exact(n - body.len());
            let close = body.pop();
            body.resize(n - usize::from(close.is_some()), b' ');
            body.extend(close);
        }
    }
    if d.bom {
        body.splice(0..0, crate::json::BOM.iter().copied());
    }
    let plain = body.len();
    match d.coding {
        BodyCoding::Plain => (body, plain),
        BodyCoding::Gzip => (gzip(&body), plain),
        BodyCoding::GzipThenLineBreak => {
            let mut coded = gzip(&body);
            coded.push(b'\n');
            (coded, plain)
        }
        BodyCoding::Bomb(n) => (gzip_bomb(n), usize::try_from(n).unwrap_or(usize::MAX)),
        BodyCoding::GzipMembers | BodyCoding::GzipMembersThenGarbage => {
            // the halves, each its own member (an empty half is an empty member)
            let (head, tail) = body.split_at(body.len() / 2);
            let mut coded = gzip(head);
            coded.extend_from_slice(&gzip(tail));
            if d.coding == BodyCoding::GzipMembersThenGarbage {
                coded.extend_from_slice(b"garbage");
            }
            (coded, plain)
        }
        BodyCoding::HugeBomb => (
            huge_gzip_bomb().to_vec(),
            usize::try_from(HUGE_BOMB_DECODED).unwrap_or(usize::MAX),
        ),
    }
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
            let resolved = matches!(d, Defect::IdCase | Defect::UnknownId(_));
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
        let mut rng = crate::fixture::SplitMix(3);
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
}
