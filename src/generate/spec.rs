//! The case space as plain data: [`CaseSpec`] and the specs of its members and timestamps.

use super::defect::Defect;
use super::*;
use crate::contract::json::quote;
use crate::contract::path::PathStyle;
use crate::contract::spec::ProcessingStatus;
use crate::contract::timestamp::{Grammar, Spelling, days_in_month};
use arbitrary::Arbitrary;
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
    pub(crate) fn relies_on(&self) -> &'static str {
        let s = self.spelling();
        match (s.month, s.day, s.year, s.offset_minutes) {
            (2, 29, ..) | (_, _, 1 | 9999, _) => "T1.b",
            (.., Some(840 | -840)) => "T1.d",
            (.., Some(0)) if s.minus_zero => "T1.d",
            _ => "T1.a",
        }
    }

    /// The ABNF-only feature this spelling uses under `grammar` (never under `graph`).
    pub(crate) fn abnf_feature(&self, grammar: Grammar) -> Option<AbnfFeature> {
        match grammar {
            Grammar::Graph => None,
            Grammar::OdataAbnf => AbnfFeature::pick(self.abnf),
        }
    }

    /// A valid spelling under `grammar`: [`TsSpec::spelling`], with the ABNF-only feature the
    /// selector picks under `odata-abnf` (T1.f).
    pub(crate) fn spelling_under(&self, grammar: Grammar) -> Spelling {
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
                            crate::contract::digits::put(&mut escape[2..], 16, u64::from(*unit));
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
    pub(crate) fn is_deep(&self) -> bool {
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
    pub(crate) fn abnf_feature(&self, grammar: Grammar) -> Option<AbnfFeature> {
        self.timestamp().and_then(|t| t.abnf_feature(grammar))
    }

    /// The same member spelled within Graph's pattern (no ABNF-only feature).
    pub(crate) fn without_abnf_feature(&self) -> MemberSpec {
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
    /// Two spaces between the scheme and the token (H2.c: white space around the token is not
    /// part of it; RFC 6750 allows `1*SP`). Never drawn at random; boundary cases set it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[arbitrary(default)]
    pub token_spaces: bool,
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

pub(super) fn is_zero(n: &u8) -> bool {
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
