//! What each mutant does to a request: before the model sees it, and before the body is decoded.

use super::Mutant;
use crate::contract::json::{self, Json};
use crate::contract::path::{PathStyle, Route};
use crate::contract::profile::Profile;
use crate::contract::rule::RuleId;
use crate::contract::spec::{Property, Request};
use crate::contract::timestamp::{Grammar, Timestamp};
use crate::model::store::Store;
use crate::model::{self};

impl Mutant {
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
                    segment_case: crate::contract::profile::SegmentCase::Exact,
                    ..profile.clone()
                };
                if matches!(Route::parse(&req.path, &exact), Err(e) if e.rule == RuleId::R4) {
                    req.path = "/not-a-route".into();
                }
            }
            NoAuthentication if model::authorize(req, store.tokens()).is_err() => {
                with_write_token(req, store);
            }
            ReadOnlyTokenWrites
                if model::authorize(req, store.tokens()) == Ok(model::Caller::Reader) =>
            {
                with_write_token(req, store);
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
                    .and_then(|i| crate::contract::spec::ProcessingStatus::ALL.get(i))
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

    /// Rewrites the request before the implementation decodes its body (H6): how it reads
    /// `Content-Encoding` and the members of a gzip body.
    pub(crate) fn before_decoding(self, req: &mut Request, profile: &Profile) {
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
}

/// The request sent with the first write token instead of the one it carries.
fn with_write_token(req: &mut Request, store: &Store) {
    let token = store.tokens().write.first().cloned().unwrap_or_default();
    set_header(req, "Authorization", &format!("Bearer {token}"));
}

pub(super) fn set_header(req: &mut Request, name: &str, value: &str) {
    req.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    req.headers.push((name.to_string(), value.to_string()));
}

/// The token of the request's first `Authorization` header, read as the model reads it.
pub(super) fn sent_token(req: &Request) -> Option<String> {
    req.header_values("authorization")
        .next()
        .map(|v| crate::contract::spec::credentials(v).1.to_string())
        .filter(|t| !t.is_empty())
}

/// Makes the body one the model rejects with 400 (B4.b), still valid JSON: a bug that rejects
/// a request should not look like a parser failure to the other bugs of a stack.
pub(super) fn reject(req: &mut Request) {
    req.body = br#"{"processingStatus":null}"#.to_vec();
}

/// Renames the members for which `rename` gives a new name.
pub(super) fn rename_members(req: &mut Request, rename: impl Fn(&str) -> Option<String>) {
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
pub(super) fn rewrite_timestamps(req: &mut Request, change: impl Fn(&str) -> Option<String>) {
    rewrite_members(&mut req.body, |n, v| match v {
        Json::String(t) if Property::from_name(n).is_some_and(|p| p.is_timestamp()) => {
            change(t).map(|t| Json::String(t.into()))
        }
        _ => None,
    })
}

/// The deepest nesting of arrays and objects in `body` (strings skipped).
pub(super) fn nesting(body: &[u8]) -> usize {
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
pub(super) fn lenient_timestamp(t: &str) -> Option<String> {
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
pub(super) fn json5_to_json(body: &[u8]) -> Option<Vec<u8>> {
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

pub(super) fn drop_members(req: &mut Request, drop: impl Fn(&str, &Json) -> bool) {
    if let Ok(Json::Object(members)) = json::parse(&req.body) {
        if members.iter().any(|(n, v)| drop(n, v)) {
            let kept: Vec<_> = members.into_iter().filter(|(n, v)| !drop(n, v)).collect();
            let text = Json::Object(kept).to_text();
            req.body = text.into_bytes();
        }
    }
}

/// Replaces the members of a JSON object body for which `change` gives a new value, and
/// writes the body again only when one changed (members in order, duplicates kept).
pub(super) fn rewrite_members(
    body: &mut Vec<u8>,
    change: impl Fn(&str, &Json<'_>) -> Option<Json<'static>>,
) {
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
