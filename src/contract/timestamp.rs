//! `Edm.DateTimeOffset`: the two grammars of rule T1, instants and their tolerance (T2).
//!
//! Hand-written on purpose: chrono's RFC 3339 parser accepts spellings T1 rejects under `graph`
//! (lower-case `t`, `:60`, space for `T`) and rejects ones `odata-abnf` admits (omitted seconds,
//! five-digit and negative years). The grammar here is exactly T1:
//!
//! * `graph` (default): `YYYY-MM-DDThh:mm:ss(.f{1,12})?(Z|±hh:mm)`, year 0001–9999, a real calendar
//!   date, hour 00–23, second 00–59, offset within ±14:00, `T` and `Z` upper case.
//! * `odata-abnf`: the OData ABNF `dateTimeOffsetValue`: optional seconds, second `60`, year
//!   `[-]("0"3DIGIT / oneToNine 3*DIGIT)`, lower-case `t`/`z`, offset hour 00–23.
//!
//! Decisions where T1 is silent (see `docs/DECISIONS.md`): `odata-abnf` still requires a real
//! calendar date (the ABNF is syntax; the value must denote an instant), a leap second `:60`
//! denotes the instant one second after `:59`, and years of more than 15 digits (also after
//! applying the offset) are rejected as not representable.
//!
//! ```
//! use tpr_harness::contract::timestamp::{Grammar, Timestamp};
//! let a = Timestamp::parse("2024-02-29T23:59:59.1234567+01:00", Grammar::Graph).unwrap();
//! let b = Timestamp::parse("2024-02-29T22:59:59.1234567Z", Grammar::Graph).unwrap();
//! assert_eq!(a, b);
//! assert_eq!(a.to_string(), "2024-02-29T22:59:59.1234567Z");
//! assert!(Timestamp::parse("2023-02-29T00:00:00Z", Grammar::Graph).is_err());
//! assert!(Timestamp::parse("2012-09-03T13:52z", Grammar::OdataAbnf).is_ok());
//! ```

use std::fmt;

/// Which grammar T1 uses (profile knob `timestamp_grammar`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
    arbitrary::Arbitrary,
)]
#[serde(rename_all = "kebab-case")]
pub enum Grammar {
    /// Graph's published pattern and .NET's range.
    #[default]
    Graph,
    /// The full OData 4.01 ABNF.
    OdataAbnf,
}

/// Picoseconds per second: fractions have up to 12 digits.
const PICOS_PER_SEC: i128 = 1_000_000_000_000;
/// Longest year accepted by `odata-abnf` (digits): keeps instants inside `i128` picoseconds.
pub const MAX_YEAR_DIGITS: usize = 15;
/// Largest year of an instant (in UTC) that parses and renders.
const MAX_YEAR: i64 = 999_999_999_999_999;

/// An instant, exact to the picosecond (12 fractional digits), as picoseconds since
/// 1970-01-01T00:00:00Z. Equality is instant equality: the spelling it came from is gone (T2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp {
    picos: i128,
}

/// Why a string is not a timestamp under the chosen grammar; the text says where it failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct TimestampError {
    /// The grammar that rejected it.
    pub grammar: Grammar,
    /// What was wrong.
    pub reason: &'static str,
    /// Byte offset of the problem.
    pub at: usize,
}

impl TimestampError {
    /// The text: `not an Edm.DateTimeOffset under the {grammar} grammar (T1): {reason} at byte
    /// {at}`, written without the formatting machinery (the model builds one for every
    /// rejected timestamp).
    pub fn message(&self) -> String {
        let mut m = String::with_capacity(96);
        self.write_message(&mut m);
        m
    }

    /// [`TimestampError::message`], appended to `out`.
    pub(crate) fn write_message(&self, out: &mut String) {
        out.push_str("not an Edm.DateTimeOffset under the ");
        out.push_str(self.grammar.name());
        out.push_str(" grammar (T1): ");
        out.push_str(self.reason);
        out.push_str(" at byte ");
        let mut digits = [0u8; 20];
        let at = self.at as u64;
        let n = at.checked_ilog10().map_or(1, |l| l as usize + 1);
        crate::contract::digits::put(&mut digits[..n], 10, at);
        out.push_str(std::str::from_utf8(&digits[..n]).unwrap_or("?"));
    }
}

impl Grammar {
    /// The grammar's name in profiles and messages.
    pub fn name(self) -> &'static str {
        match self {
            Grammar::Graph => "graph",
            Grammar::OdataAbnf => "odata-abnf",
        }
    }
}

impl fmt::Display for Grammar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
    g: Grammar,
}

impl Cursor<'_> {
    fn err(&self, reason: &'static str) -> TimestampError {
        TimestampError {
            grammar: self.g,
            reason,
            at: self.i,
        }
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, b: u8, reason: &'static str) -> Result<(), TimestampError> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(self.err(reason))
        }
    }
    /// Exactly two ASCII digits.
    fn two(&mut self, reason: &'static str) -> Result<u32, TimestampError> {
        match (self.s.get(self.i), self.s.get(self.i + 1)) {
            (Some(a @ b'0'..=b'9'), Some(b @ b'0'..=b'9')) => {
                self.i += 2;
                Ok(u32::from(a - b'0') * 10 + u32::from(b - b'0'))
            }
            _ => Err(self.err(reason)),
        }
    }
    fn digits(&mut self) -> &[u8] {
        let start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        &self.s[start..self.i]
    }
}

/// Whether `year` is a leap year in the proleptic Gregorian calendar (year 0 is a leap year).
pub(crate) fn is_leap(year: i64) -> bool {
    year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
}

/// Days in `month` (1–12) of `year`.
pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

impl Timestamp {
    /// Parses `s` under `grammar` (rule T1). Never panics.
    pub fn parse(s: &str, grammar: Grammar) -> Result<Timestamp, TimestampError> {
        Self::parse_bytes(s.as_bytes(), grammar)
    }

    /// Parses raw bytes under `grammar` (the fuzz target's entry point). Never panics.
    pub fn parse_bytes(s: &[u8], grammar: Grammar) -> Result<Timestamp, TimestampError> {
        let abnf = grammar == Grammar::OdataAbnf;
        let mut c = Cursor {
            s,
            i: 0,
            g: grammar,
        };
        // year
        let negative = abnf && c.eat(b'-');
        let ydigits = c.digits();
        let year_len = ydigits.len();
        if year_len < 4 {
            return Err(c.err("year needs four digits"));
        }
        if !abnf && year_len != 4 {
            return Err(c.err("year must have exactly four digits"));
        }
        if year_len > 4 && ydigits[0] == b'0' {
            return Err(c.err("a year of five or more digits cannot start with 0"));
        }
        if year_len > MAX_YEAR_DIGITS {
            return Err(c.err("year too long to represent"));
        }
        let mut year: i64 = 0;
        for d in ydigits {
            year = year * 10 + i64::from(d - b'0');
        }
        if !abnf && year == 0 {
            return Err(c.err("year 0000 is outside 0001-9999"));
        }
        if negative {
            year = -year;
        }
        c.expect(b'-', "expected '-' after the year")?;
        let month = c.two("month needs two digits")?;
        if !(1..=12).contains(&month) {
            return Err(c.err("month outside 01-12"));
        }
        c.expect(b'-', "expected '-' after the month")?;
        let day = c.two("day needs two digits")?;
        if day == 0 || day > 31 {
            return Err(c.err("day outside 01-31"));
        }
        if day > days_in_month(year, month) {
            return Err(c.err("not a calendar date"));
        }
        if !(c.eat(b'T') || (abnf && c.eat(b't'))) {
            return Err(c.err("expected 'T' between date and time"));
        }
        let hour = c.two("hour needs two digits")?;
        if hour > 23 {
            return Err(c.err("hour outside 00-23"));
        }
        c.expect(b':', "expected ':' after the hour")?;
        let minute = c.two("minute needs two digits")?;
        if minute > 59 {
            return Err(c.err("minute outside 00-59"));
        }
        let mut second = 0;
        let mut frac_picos: i128 = 0;
        let has_seconds = c.eat(b':');
        if !has_seconds && !abnf {
            return Err(c.err("seconds are required"));
        }
        if has_seconds {
            second = c.two("second needs two digits")?;
            let max = if abnf { 60 } else { 59 };
            if second > max {
                return Err(c.err("second out of range"));
            }
            if c.eat(b'.') {
                let f = c.digits();
                if f.is_empty() {
                    return Err(c.err("fraction needs at least one digit"));
                }
                if f.len() > 12 {
                    return Err(c.err("fraction has more than 12 digits"));
                }
                let mut scale = PICOS_PER_SEC;
                for d in f {
                    scale /= 10;
                    frac_picos += i128::from(d - b'0') * scale;
                }
            }
        }
        let offset_minutes: i64 = if c.eat(b'Z') || (abnf && c.eat(b'z')) {
            0
        } else {
            let sign = match c.peek() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return Err(c.err("expected 'Z' or an offset")),
            };
            c.i += 1;
            let oh = c.two("offset hour needs two digits")?;
            c.expect(b':', "expected ':' in the offset")?;
            let om = c.two("offset minute needs two digits")?;
            if om > 59 {
                return Err(c.err("offset minute outside 00-59"));
            }
            if abnf {
                if oh > 23 {
                    return Err(c.err("offset hour outside 00-23"));
                }
            } else if oh * 60 + om > 14 * 60 {
                return Err(c.err("offset outside +-14:00"));
            }
            sign * i64::from(oh * 60 + om)
        };
        if c.i != s.len() {
            return Err(c.err("unexpected bytes after the timestamp"));
        }
        let days = days_from_civil(year, month, day);
        let secs = i128::from(days) * 86_400 + i128::from(hour * 3600 + minute * 60 + second)
            - i128::from(offset_minutes) * 60;
        let picos = secs * PICOS_PER_SEC + frac_picos;
        // the offset (or a leap second) may carry a 15-digit year past what renders back
        let limit = (i128::from(days_from_civil(MAX_YEAR + 1, 1, 1)) * 86_400) * PICOS_PER_SEC;
        let floor = (i128::from(days_from_civil(-MAX_YEAR, 1, 1)) * 86_400) * PICOS_PER_SEC;
        if picos >= limit || picos < floor {
            return Err(c.err("instant outside the representable years"));
        }
        // T1.h: under `graph` the instant in UTC lies within .NET's DateTimeOffset range, so
        // every stored instant renders inside the grammar (no year 0000 or 10000)
        if !abnf {
            let min = i128::from(days_from_civil(1, 1, 1)) * 86_400 * PICOS_PER_SEC;
            let max = i128::from(days_from_civil(10_000, 1, 1)) * 86_400 * PICOS_PER_SEC - 100_000; // 9999-12-31T23:59:59.9999999Z
            if picos < min || picos > max {
                return Err(c.err(
                    "the instant in UTC is outside 0001-01-01T00:00:00Z..9999-12-31T23:59:59.9999999Z (T1.h)",
                ));
            }
        }
        Ok(Timestamp { picos })
    }

    /// Whether `s` is valid under `grammar`.
    pub fn is_valid(s: &str, grammar: Grammar) -> bool {
        Self::parse(s, grammar).is_ok()
    }

    /// Picoseconds since the Unix epoch.
    pub fn picos(self) -> i128 {
        self.picos
    }

    /// The instant `picos` picoseconds after the Unix epoch.
    pub fn from_picos(picos: i128) -> Timestamp {
        Timestamp { picos }
    }

    /// T2: whether two instants are within `tolerance_ns` nanoseconds of each other.
    pub fn within(self, other: Timestamp, tolerance_ns: u64) -> bool {
        (self.picos - other.picos).abs() <= i128::from(tolerance_ns) * 1000
    }
}

impl fmt::Display for Timestamp {
    /// Graph's rendering: UTC, `Z`, seven fractional digits (more, up to 12, only when the
    /// instant has sub-100 ns precision so that rendering never loses information).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.render_four_digit_year() {
            Some((buf, n)) => f.write_str(std::str::from_utf8(&buf[..n]).map_err(|_| fmt::Error)?),
            None => self.fmt_general(f),
        }
    }
}

impl Timestamp {
    /// The rendering of `Display` for years 0000–9999 (every timestamp T1.h accepts), written
    /// digit by digit into a buffer: the 200 representation renders three timestamps per
    /// answer, and `core::fmt` was a tenth of `serve`'s own time. `None` for other years.
    fn render_four_digit_year(&self) -> Option<([u8; 33], usize)> {
        let (secs, frac) = self.seconds_and_fraction();
        let secs = i64::try_from(secs).ok()?;
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        if !(0..=9999).contains(&y) {
            return None;
        }
        let mut buf = *b"0000-00-00T00:00:00.000000000000Z";
        use crate::contract::digits::put;
        put(&mut buf[0..4], 10, y as u64);
        put(&mut buf[5..7], 10, u64::from(m));
        put(&mut buf[8..10], 10, u64::from(d));
        put(&mut buf[11..13], 10, (sod / 3600) as u64);
        put(&mut buf[14..16], 10, (sod / 60 % 60) as u64);
        put(&mut buf[17..19], 10, (sod % 60) as u64);
        put(&mut buf[20..32], 10, frac);
        // seven fractional digits at least, more only while they are not trailing zeros
        let mut end = 32;
        while end > 27 && buf[end - 1] == b'0' {
            end -= 1;
        }
        buf[end] = b'Z';
        Some((buf, end + 1))
    }

    /// The instant as whole seconds since the epoch and picoseconds into the second, both
    /// floored (`div_euclid`, `rem_euclid`). An `i128` division is a library call, and a
    /// representation renders up to three timestamps; so every instant from 1970 to far past
    /// year 9999 (below 2^88 ps) is split with two `u64` divisions instead.
    fn seconds_and_fraction(&self) -> (i128, u64) {
        const D: u64 = PICOS_PER_SEC as u64;
        if let Ok(p) = u128::try_from(self.picos) {
            if let Ok(high) = u64::try_from(p >> 24) {
                // p = high·2^24 + low and high = q·D + r, so p = D·(q·2^24) + (r·2^24 + low),
                // where r·2^24 + low < D·2^24 < 2^64
                let low = (p & 0xFF_FFFF) as u64;
                let rest = ((high % D) << 24) | low;
                return (i128::from(((high / D) << 24) + rest / D), rest % D);
            }
        }
        let frac = self.picos.rem_euclid(PICOS_PER_SEC);
        (self.picos.div_euclid(PICOS_PER_SEC), frac as u64)
    }

    /// Appends the `Display` text to `out` (the 200 representation writes it in place).
    pub(crate) fn render_into(&self, out: &mut Vec<u8>) {
        match self.render_four_digit_year() {
            Some((buf, n)) => out.extend_from_slice(&buf[..n]),
            None => {
                use std::io::Write as _;
                let _ = write!(out, "{self}");
            }
        }
    }

    /// `Display` for any year (a leading `-` before year 0, more than four digits past 9999).
    fn fmt_general(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.picos.div_euclid(PICOS_PER_SEC);
        let frac = self.picos.rem_euclid(PICOS_PER_SEC);
        let days = secs.div_euclid(86_400) as i64;
        let sod = secs.rem_euclid(86_400) as i64;
        let (y, m, d) = civil_from_days(days);
        if y < 0 {
            write!(f, "-{:04}", -y)?;
        } else {
            write!(f, "{y:04}")?;
        }
        write!(
            f,
            "-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            sod / 3600,
            sod / 60 % 60,
            sod % 60
        )?;
        let digits = format!("{frac:012}");
        let keep = digits.trim_end_matches('0').len().max(7);
        write!(f, ".{}Z", &digits[..keep])
    }
}

/// The parts of a timestamp spelling, for generators: any field may be out of range so that
/// defects can be spelled too. `Display` writes exactly these parts.
#[derive(Debug, Clone, PartialEq, Eq, arbitrary::Arbitrary)]
pub struct Spelling {
    /// Year; negative years are written with a leading `-`.
    pub year: i64,
    /// Minimum digits for the year (4 normally).
    pub year_width: u8,
    /// Month.
    pub month: u32,
    /// Day.
    pub day: u32,
    /// Hour.
    pub hour: u32,
    /// Minute.
    pub minute: u32,
    /// Second; `None` omits the seconds (odata-abnf only).
    pub second: Option<u32>,
    /// Fractional digits as written (no dot when empty).
    pub fraction: String,
    /// Offset in minutes; `None` writes `Z`.
    pub offset_minutes: Option<i32>,
    /// Write `t` and `z` in lower case.
    pub lower_case: bool,
    /// Write a zero offset as `-00:00` (UTC, T1.d) instead of `+00:00`.
    pub minus_zero: bool,
}

impl Spelling {
    /// A spelling of `2026-01-05T08:00:00Z`.
    pub fn example() -> Spelling {
        Spelling {
            year: 2026,
            year_width: 4,
            month: 1,
            day: 5,
            hour: 8,
            minute: 0,
            second: Some(0),
            fraction: String::new(),
            offset_minutes: None,
            lower_case: false,
            minus_zero: false,
        }
    }
}

impl fmt::Display for Spelling {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = usize::from(self.year_width);
        if self.year < 0 {
            write!(f, "-{:0w$}", self.year.unsigned_abs())?;
        } else {
            write!(f, "{:0w$}", self.year)?;
        }
        let t = if self.lower_case { 't' } else { 'T' };
        write!(
            f,
            "-{:02}-{:02}{t}{:02}:{:02}",
            self.month, self.day, self.hour, self.minute
        )?;
        if let Some(s) = self.second {
            write!(f, ":{s:02}")?;
            if !self.fraction.is_empty() {
                write!(f, ".{}", self.fraction)?;
            }
        }
        match self.offset_minutes {
            None if self.lower_case => f.write_str("z"),
            None => f.write_str("Z"),
            Some(m) => {
                let sign = if m < 0 || (m == 0 && self.minus_zero) {
                    '-'
                } else {
                    '+'
                };
                let a = m.unsigned_abs();
                write!(f, "{sign}{:02}:{:02}", a / 60, a % 60)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn t1_an_error_says_grammar_reason_and_byte_as_the_template_does() {
        for (text, grammar) in [
            ("", Grammar::Graph),
            ("2026-01-05", Grammar::OdataAbnf),
            ("2026-01-05T08:00:00.1234567890123Z", Grammar::Graph),
            ("x", Grammar::OdataAbnf),
        ] {
            let e = Timestamp::parse(text, grammar).unwrap_err();
            let want = format!(
                "not an Edm.DateTimeOffset under the {} grammar (T1): {} at byte {}",
                e.grammar, e.reason, e.at
            );
            assert_eq!(e.to_string(), want);
            assert_eq!(e.message(), want);
        }
        // every width of the byte offset
        for at in [0, 9, 10, 99, 100, 12_345, usize::MAX >> 1] {
            let e = TimestampError {
                grammar: Grammar::Graph,
                reason: "r",
                at,
            };
            assert_eq!(
                e.message(),
                format!("not an Edm.DateTimeOffset under the graph grammar (T1): r at byte {at}")
            );
        }
    }

    fn g(s: &str) -> bool {
        Timestamp::is_valid(s, Grammar::Graph)
    }
    fn a(s: &str) -> bool {
        Timestamp::is_valid(s, Grammar::OdataAbnf)
    }

    /// `Display` through the general path only (what the digit-by-digit path must equal).
    struct General(Timestamp);
    impl fmt::Display for General {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.fmt_general(f)
        }
    }

    proptest! {
        #[test]
        fn t2_a_four_digit_years_render_digit_by_digit_as_the_general_rendering(
            secs in -62_198_755_200i128..253_500_000_000i128,
            picos in prop_oneof![Just(0i128), 0..PICOS_PER_SEC, (0..10_000_000i128).prop_map(|t| t * 100_000)],
        ) {
            // years -0001 to 10003: both edges of the fast path, every fractional precision
            let t = Timestamp::from_picos(secs * PICOS_PER_SEC + picos);
            prop_assert_eq!(t.to_string(), General(t).to_string());
        }
    }

    proptest! {
        #[test]
        fn t2_a_seconds_and_fraction_are_the_floored_division(
            picos in prop_oneof![
                any::<i128>(),
                0..(1i128 << 90),
                ((1i128 << 88) - 3 * PICOS_PER_SEC)..((1i128 << 88) + 3 * PICOS_PER_SEC),
                -3 * PICOS_PER_SEC..3 * PICOS_PER_SEC,
            ],
        ) {
            // the u64 split (0 to 2^88) and the i128 one (the rest) agree with div/rem_euclid
            let t = Timestamp::from_picos(picos);
            prop_assert_eq!(
                t.seconds_and_fraction(),
                (picos.div_euclid(PICOS_PER_SEC), picos.rem_euclid(PICOS_PER_SEC) as u64)
            );
        }
    }

    #[test]
    fn t2_a_the_fast_rendering_stops_at_its_edges() {
        for text in ["0000-01-01T00:00:00Z", "9999-12-31T23:59:59.9999999Z"] {
            let t = Timestamp::parse(text, Grammar::OdataAbnf).unwrap();
            assert!(t.render_four_digit_year().is_some(), "{text}");
            assert_eq!(t.to_string(), General(t).to_string());
        }
        let before = Timestamp::from_picos(
            Timestamp::parse("0000-01-01T00:00:00Z", Grammar::OdataAbnf)
                .unwrap()
                .picos
                - 1,
        );
        let after = Timestamp::from_picos(
            Timestamp::parse("9999-12-31T23:59:59.999999999999Z", Grammar::OdataAbnf)
                .unwrap()
                .picos
                + 1,
        );
        for t in [before, after] {
            assert!(t.render_four_digit_year().is_none(), "{t}");
        }
        assert_eq!(before.to_string(), "-0001-12-31T23:59:59.999999999999Z");
        assert_eq!(after.to_string(), "10000-01-01T00:00:00.0000000Z");
    }

    #[test]
    fn t2_a_the_last_day_of_a_400_year_era_renders_as_itself() {
        // day 146 096 of an era (eras start on 1 March: 29 February of a year divisible by
        // 400) is the one day the era-length correction of the calendar conversion decides
        for text in [
            "2000-02-29T12:00:00Z",
            "1600-02-29T00:00:00Z",
            "2400-02-29T23:59:59Z",
            "2000-03-01T00:00:00Z",
        ] {
            let t = Timestamp::parse(text, Grammar::Graph).unwrap();
            assert!(t.to_string().starts_with(&text[..19]), "{text} -> {t}");
        }
    }

    #[test]
    fn t1_f_year_zero_and_lower_case_spellings_render_as_the_abnf_writes_them() {
        // year 0000 is a year, not a negative one; lower case writes both `t` and `z`
        let zero = Timestamp::parse("0000-06-01T00:00:00Z", Grammar::OdataAbnf).unwrap();
        assert!(zero.to_string().starts_with("0000-06-01T"), "{zero}");
        let before = Timestamp::parse("-0001-06-01T00:00:00Z", Grammar::OdataAbnf).unwrap();
        assert!(before.to_string().starts_with("-0001-06-01T"), "{before}");
        let s = Spelling {
            year: 0,
            lower_case: true,
            ..Spelling::example()
        };
        assert_eq!(s.to_string(), "0000-01-05t08:00:00z");
        let s = Spelling {
            year: -1,
            offset_minutes: Some(0),
            minus_zero: true,
            ..Spelling::example()
        };
        assert_eq!(s.to_string(), "-0001-01-05T08:00:00-00:00");
    }

    #[test]
    fn t1_grammars_are_named_as_profile_files_spell_them() {
        assert_eq!(Grammar::Graph.to_string(), "graph");
        assert_eq!(Grammar::OdataAbnf.to_string(), "odata-abnf");
    }

    #[test]
    fn t1_graph_accepts_the_published_pattern_and_its_boundaries() {
        for s in [
            "2026-01-05T08:00:00Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.9999999Z",
            "2024-02-29T12:00:00+14:00",
            "2024-02-29T12:00:00-14:00",
            "2000-02-29T00:00:00.1Z",
            "2022-08-24T23:28:05.3529197Z",
            "2022-08-24T23:28:05-00:00",
        ] {
            assert!(g(s), "{s} should be valid under graph");
            assert!(a(s), "{s} should be valid under odata-abnf");
        }
    }

    #[test]
    fn t1_graph_rejects_every_edge_outside_the_pattern() {
        for s in [
            "9999-12-31T23:59:59.999999999999Z", // T1.h: past .NET's last tick
            "2023-02-29T00:00:00Z",              // not a calendar date
            "1900-02-29T00:00:00Z",              // 1900 is no leap year
            "2024-04-31T00:00:00Z",              // April has 30 days
            "0000-01-01T00:00:00Z",              // year 0
            "10000-01-01T00:00:00Z",             // five-digit year
            "-0001-01-01T00:00:00Z",             // negative year
            "2024-01-01t00:00:00Z",              // lower-case t
            "2024-01-01T00:00:00z",              // lower-case z
            "2024-01-01T24:00:00Z",              // 24:00
            "2024-01-01T23:60:00Z",              // minute 60
            "2024-01-01T23:59:60Z",              // leap second
            "2024-01-01T23:59Z",                 // seconds omitted
            "2024-01-01T00:00:00",               // no offset
            "2024-01-01T00:00:00+14:01",         // offset beyond 14:00
            "2024-01-01T00:00:00-14:01",         // offset beyond -14:00
            "2024-01-01T00:00:00+01:60",         // offset minute 60
            "2024-01-01T00:00:00.Z",             // empty fraction
            "2024-01-01T00:00:00.1234567890123Z", // 13 digits
            "2024-01-01 00:00:00Z",              // space separator
            "2024-1-01T00:00:00Z",               // one-digit month
            "2024-01-01T00:00:00+0100",          // offset without colon
            "2024-01-01T00:00:00Z ",             // trailing space
            " 2024-01-01T00:00:00Z",             // leading space
            "2024-00-01T00:00:00Z",              // month 0
            "2024-13-01T00:00:00Z",              // month 13
            "2024-01-00T00:00:00Z",              // day 0
            "2012-09-03T23%3A59Z",               // percent-encoding
            "INF",
            "",
        ] {
            assert!(!g(s), "{s} should be invalid under graph");
        }
    }

    #[test]
    fn t1_odata_abnf_admits_what_graph_rejects_and_pins_the_abnf_testcases() {
        for s in [
            "2012-09-03T13:52Z",
            "1972-06-30T23:59:60Z",
            "0000-01-01T00:00Z",
            "-10000-04-01T00:00Z",
            "2012-09-03T14:53+02:00",
            "2012-09-03t14:53z",
            "2012-09-03T14:53:00+23:59",
        ] {
            assert!(a(s), "{s} should be valid under odata-abnf");
            assert!(!g(s), "{s} should be invalid under graph");
        }
        assert!(a("2012-08-31T18:19:22.1Z") && g("2012-08-31T18:19:22.1Z"));
        for s in [
            "2011-12-31T24:00Z",
            "2011-12-31T24:00:00Z",
            "2012-09-03T24:00-03:00",
            "2012-09-03T23%3A59Z",
            "01234-01-01T00:00Z",
            "2012-09-03T13:52:61Z",
            "2012-09-03T13:52+24:00",
            "2023-02-29T00:00Z",
            "1234567890123456-01-01T00:00Z",
        ] {
            assert!(!a(s), "{s} should be invalid under odata-abnf");
        }
    }

    #[test]
    fn t1_offsets_and_leap_seconds_denote_instants() {
        let p = |s| Timestamp::parse(s, Grammar::OdataAbnf).unwrap();
        assert_eq!(p("2024-01-01T01:00:00+01:00"), p("2024-01-01T00:00:00Z"));
        assert_eq!(p("1972-06-30T23:59:60Z"), p("1972-07-01T00:00:00Z"));
        assert_eq!(p("2012-09-03T13:52Z"), p("2012-09-03T13:52:00.000Z"));
        assert_eq!(
            p("0001-01-01T00:00:00Z").picos(),
            -62_135_596_800 * PICOS_PER_SEC
        );
    }

    #[test]
    fn t1_instants_past_the_representable_range_are_rejected_not_misrendered() {
        // Found by the timestamp fuzz target's replay: a 15-digit year whose offset carried the
        // UTC instant into a 16-digit year parsed, but its rendering did not parse back.
        let edge = "999999999999999-12-31T23:59:59.999999999999-23:59";
        assert!(Timestamp::parse(edge, Grammar::OdataAbnf).is_err());
        let ok = "999999999999999-12-31T23:59:59.999999999999Z";
        let t = Timestamp::parse(ok, Grammar::OdataAbnf).unwrap();
        assert_eq!(Timestamp::parse(&t.to_string(), Grammar::OdataAbnf), Ok(t));
        assert!(
            Timestamp::parse("-999999999999999-01-01T00:00+00:01", Grammar::OdataAbnf).is_err()
        );
        assert!(Timestamp::parse("-999999999999999-01-01T00:00Z", Grammar::OdataAbnf).is_ok());
    }

    #[test]
    fn t2_tolerance_is_by_instant_not_text() {
        let x = Timestamp::parse("2024-01-01T00:00:00.123456789999Z", Grammar::Graph).unwrap();
        let y = Timestamp::parse("2024-01-01T00:00:00.1234567Z", Grammar::Graph).unwrap();
        assert_ne!(x, y);
        assert!(x.within(y, 100));
        assert!(!x.within(y, 50));
        assert_eq!(y.to_string(), "2024-01-01T00:00:00.1234567Z");
        assert_eq!(x.to_string(), "2024-01-01T00:00:00.123456789999Z");
    }

    #[test]
    fn t1_graph_agrees_with_chrono_on_instants_for_the_common_subset() {
        for s in [
            "2024-02-29T23:59:59.1234567+01:00",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "1970-01-01T00:00:00.000000001-14:00",
        ] {
            let ours = Timestamp::parse(s, Grammar::Graph).unwrap();
            let theirs = chrono::DateTime::parse_from_rfc3339(s).unwrap();
            let picos = i128::from(theirs.timestamp()) * PICOS_PER_SEC
                + i128::from(theirs.timestamp_subsec_nanos()) * 1000;
            assert_eq!(ours.picos(), picos, "{s}");
        }
    }

    fn spelling(grammar: Grammar) -> impl Strategy<Value = Spelling> {
        let year = match grammar {
            Grammar::Graph => (1i64..=9999).boxed(),
            Grammar::OdataAbnf => {
                prop_oneof![0i64..=9999, -99_999i64..0, 10_000i64..=9_999_999_999].boxed()
            }
        };
        // what only odata-abnf allows: lower-case `t`/`z`, seconds omitted, a leap second 60
        let (second, lower_case) = match grammar {
            Grammar::Graph => ((0u32..60).prop_map(Some).boxed(), Just(false).boxed()),
            Grammar::OdataAbnf => (
                prop_oneof![Just(None), (0u32..=60).prop_map(Some)].boxed(),
                any::<bool>().boxed(),
            ),
        };
        (
            (year, 1u32..=12, 1u32..=31, 0u32..24, 0u32..60),
            second,
            proptest::string::string_regex("[0-9]{0,12}").unwrap(),
            prop_oneof![Just(None), (-840i32..=840).prop_map(Some)],
            lower_case,
        )
            .prop_map(
                |((year, month, day, hour, minute), second, fraction, offset, lower_case)| {
                    Spelling {
                        year,
                        year_width: 4,
                        month,
                        day: day.min(days_in_month(year, month)),
                        hour,
                        minute,
                        // no fraction without seconds
                        fraction: if second.is_some() {
                            fraction
                        } else {
                            String::new()
                        },
                        second,
                        offset_minutes: offset,
                        lower_case,
                        minus_zero: false,
                    }
                },
            )
    }

    #[test]
    fn t1_the_odata_abnf_strategy_reaches_what_only_odata_abnf_allows() {
        // a strategy that stopped drawing these would leave the grammar's difference untested
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let strategy = spelling(Grammar::OdataAbnf);
        let drawn: Vec<Spelling> = (0..400)
            .map(|_| strategy.new_tree(&mut runner).unwrap().current())
            .collect();
        assert!(drawn.iter().any(|s| s.lower_case), "lower-case t/z");
        assert!(drawn.iter().any(|s| s.second.is_none()), "seconds omitted");
        assert!(drawn.iter().any(|s| s.second == Some(60)), "second 60");
        assert!(drawn.iter().any(|s| s.year > 9999), "years past 9999");
    }

    /// Whether `s` uses something only odata-abnf allows (the graph grammar must reject it).
    fn abnf_only(s: &Spelling) -> bool {
        s.lower_case || s.second.is_none_or(|x| x == 60) || !(1..=9999).contains(&s.year)
    }

    proptest! {
        #[test]
        fn t1_every_graph_spelling_parses_and_its_rendering_round_trips(s in spelling(Grammar::Graph)) {
            let text = s.to_string();
            let t = Timestamp::parse(&text, Grammar::Graph).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
            let rendered = t.to_string();
            prop_assert_eq!(Timestamp::parse(&rendered, Grammar::OdataAbnf), Ok(t), "{} rendered as {}", text, rendered);
        }

        #[test]
        fn t1_odata_abnf_spellings_round_trip(s in spelling(Grammar::OdataAbnf)) {
            let text = s.to_string();
            let t = Timestamp::parse(&text, Grammar::OdataAbnf).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
            prop_assert_eq!(Timestamp::parse(&t.to_string(), Grammar::OdataAbnf), Ok(t));
            // what distinguishes the grammars: graph rejects every abnf-only spelling
            if abnf_only(&s) {
                prop_assert!(Timestamp::parse(&text, Grammar::Graph).is_err(), "graph accepted {}", text);
            }
        }

        #[test]
        fn t1_graph_is_a_subset_of_odata_abnf(bytes in proptest::collection::vec(any::<u8>(), 0..40), s in spelling(Grammar::Graph)) {
            // arbitrary bytes rarely parse; mutate a valid spelling too
            let text = s.to_string();
            let mut mutated = text.clone().into_bytes();
            if let Some(&b) = bytes.first() {
                let i = usize::from(b) % mutated.len();
                mutated[i] = bytes.get(1).copied().unwrap_or(b'0');
            }
            for input in [bytes.as_slice(), text.as_bytes(), mutated.as_slice()] {
                if let Ok(t) = Timestamp::parse_bytes(input, Grammar::Graph) {
                    prop_assert_eq!(Timestamp::parse_bytes(input, Grammar::OdataAbnf), Ok(t));
                }
            }
        }
    }
}
