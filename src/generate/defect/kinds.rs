//! The data a defect kind carries: which property, which flaw, which spelling.

use crate::contract::spec::Property;
use crate::contract::timestamp::Grammar;
use serde::{Deserialize, Serialize};

/// The values a kind of defect data takes, in declaration order: the catalogue puts each into
/// a defect ([`super::Defect::catalogue`]).
pub trait Values: Sized + 'static {
    /// Every value.
    const VALUES: &'static [Self];
}

impl Values for Property {
    const VALUES: &'static [Property] = &Property::ALL;
}

/// Declares a kind: the enum (with the derives every kind has) and its [`Values`].
macro_rules! kinds {
    ($(#[doc = $doc:literal])* $name:ident { $($(#[doc = $vdoc:literal])* $v:ident,)+ }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, arbitrary::Arbitrary, Serialize, Deserialize)]
        pub enum $name {
            $($(#[doc = $vdoc])* $v,)+
        }

        impl Values for $name {
            const VALUES: &'static [$name] = &[$($name::$v),+];
        }
    };
}

kinds! {
    /// A required property (B4).
    Required {
        /// `createdDateTime`
        CreatedDateTime,
        /// `processingStatus`
        ProcessingStatus,
    }
}

impl Required {
    pub(super) fn property(self) -> Property {
        match self {
            Required::CreatedDateTime => Property::CreatedDateTime,
            Required::ProcessingStatus => Property::ProcessingStatus,
        }
    }
}

kinds! {
    /// A timestamp property (T1).
    TimestampProperty {
        /// `createdDateTime`
        CreatedDateTime,
        /// `startedDateTime`
        StartedDateTime,
        /// `completedDateTime`
        CompletedDateTime,
    }
}

impl TimestampProperty {
    pub(super) fn property(self) -> Property {
        match self {
            TimestampProperty::CreatedDateTime => Property::CreatedDateTime,
            TimestampProperty::StartedDateTime => Property::StartedDateTime,
            TimestampProperty::CompletedDateTime => Property::CompletedDateTime,
        }
    }
}

kinds! {
    /// A JSON type that no property has (B5).
    WrongKind {
        /// A number.
        Number,
        /// A boolean.
        Boolean,
        /// An array.
        Array,
        /// An object.
        Object,
    }
}

kinds! {
    /// One class of T1 violation. Some are violations only under the `graph` grammar.
    TimestampFlaw {
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
}

impl TimestampFlaw {
    /// The clause a timestamp with this flaw breaks.
    pub fn clause(self) -> &'static str {
        use TimestampFlaw as F;
        match self {
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
            // outside the pattern, no narrower clause: "anything outside the grammar is 400"
            // (T1.g; T1.a is the grammar, broken by rejecting what it admits): decision 91
            | F::NoSeconds => "T1.g",
        }
    }

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
    pub(crate) fn invalid_under(self, grammar: Grammar) -> bool {
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

kinds! {
    /// A media type other than `application/json` (H3).
    MediaTypeFlaw {
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
}

kinds! {
    /// A method other than GET and PATCH (H1).
    OtherMethod {
        /// `PUT`
        Put,
        /// `POST`
        Post,
        /// `DELETE`
        Delete,
        /// `patch` (methods are case-sensitive)
        LowerCasePatch,
    }
}

kinds! {
    /// Which id of the route is unknown (S1).
    Level {
        /// `{w}`
        Workflow,
        /// `{r}`
        Run,
        /// `{u}`
        UserResult,
        /// `{t}` (`{t0}` on the via-task route)
        Result,
    }
}

kinds! {
    /// A JSON text that is not an object (B1).
    NotObject {
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
}

kinds! {
    /// A property this operation cannot update (B7).
    NotUpdatable {
        /// `processingInfo`
        ProcessingInfo,
        /// `workflowSubject`
        WorkflowSubject,
        /// navigation `subject`
        Subject,
        /// navigation `task`
        Task,
    }
}

impl NotUpdatable {
    /// The member name it is sent under.
    pub(super) fn name(self) -> &'static str {
        match self {
            NotUpdatable::ProcessingInfo => "processingInfo",
            NotUpdatable::WorkflowSubject => "workflowSubject",
            NotUpdatable::Subject => "subject",
            NotUpdatable::Task => "task",
        }
    }
}

kinds! {
    /// Where the right one of two headers of one name stands (H2.c, H3.c: two are wrong in either
    /// order, even when one of them is right).
    HeaderOrder {
        /// The right header first, a wrong one after it (a server reading the last one refuses).
        RightFirst,
        /// A wrong header first, the right one last (a server reading the first one refuses).
        RightLast,
    }
}

kinds! {
    /// A list of content codings that names gzip (H6.b: a list is 415).
    CodingList {
        /// `gzip, br` on a gzip body.
        GzipThenBr,
        /// `identity, gzip` on a gzip body.
        IdentityThenGzip,
    }
}

kinds! {
    /// A JSON value other than a string for `@odata.type` (B9.a), beside `true`.
    OdataTypeValue {
        /// `null`
        Null,
        /// a number
        Number,
        /// an object
        Object,
    }
}

kinds! {
    /// Bytes that are not UTF-8 though lenient decoders read them (B1.b).
    Utf8Flaw {
        /// A surrogate code point encoded directly (CESU-8, `ED A0 80 ED B0 80`).
        Cesu8Surrogates,
        /// Overlong encodings (`C0 AF` for `/`, `E0 80 AF`).
        Overlong,
    }
}

kinds! {
    /// A timestamp text from another grammar that Graph's pattern does not admit (T1.g).
    OtherPattern {
        /// Epoch seconds as a string (`"1700000000"`).
        EpochSeconds,
        /// A space instead of `T`, with an offset.
        SpaceSeparator,
        /// 16 fractional digits.
        LongFraction,
    }
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

kinds! {
    /// A method some frameworks answer on their own (H1.c: 405 all the same).
    ProbeMethod {
        /// `OPTIONS` (CORS middleware answers it).
        Options,
        /// `HEAD` (frameworks answer it as GET without the body).
        Head,
        /// `TRACE`
        Trace,
    }
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

kinds! {
    /// An extension of JSON that lenient parsers (JSON5, JavaScript) accept (B1.b). Each body is
    /// a valid PATCH once read leniently, so a lenient parser accepts it.
    JsonExtension {
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
