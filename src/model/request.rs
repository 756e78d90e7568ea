//! H1–H6 as the model reads them: the caller (H2), the route (R), Content-Type (H3), size (H4)
//! and content coding (H6), each a function returning the defect it finds.

use crate::contract::path::RouteRef;
use crate::contract::profile::{Profile, RequestEncodings};
use crate::contract::rule::RuleId;
use crate::contract::spec::Request;
use crate::model::store::Tokens;

use super::*;

/// Who the caller is (H2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// A write token.
    Writer,
    /// A read-only token.
    Reader,
}

/// H2: `Authorization: Bearer {token}`; missing, another scheme, empty or unknown token is 401.
pub(crate) fn authorize(req: &Request, tokens: &Tokens) -> Result<Caller, Defect> {
    let mut values = req.header_values("authorization");
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(defect(
            401,
            RuleId::H2,
            "exactly one Authorization header is required",
        ));
    };
    let (scheme, token) = crate::contract::spec::credentials(value);
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(defect(
            401,
            RuleId::H2,
            "the Authorization scheme must be Bearer",
        ));
    }
    if token.is_empty() {
        return Err(defect(401, RuleId::H2, "the bearer token is empty"));
    }
    if tokens.write.iter().any(|t| t == token) {
        Ok(Caller::Writer)
    } else if tokens.read_only.iter().any(|t| t == token) {
        Ok(Caller::Reader)
    } else {
        Err(defect(401, RuleId::H2, "the bearer token is not valid"))
    }
}

/// R1–R5: the route a path names (400 when it is not a route).
pub fn route<'r>(req: &'r Request, profile: &'r Profile) -> Result<RouteRef<'r>, Defect> {
    RouteRef::parse(&req.path, profile).map_err(|e| defect(400, e.rule, e.to_string()))
}

/// H3: `Content-Type: application/json`, with `charset=utf-8` and OData parameters allowed.
/// Parameters of other names are ignored (see `docs/DECISIONS.md`).
pub fn content_type(req: &Request) -> Result<(), Defect> {
    let mut values = req.header_values("content-type");
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(defect(
            415,
            RuleId::H3,
            "exactly one Content-Type: application/json header is required",
        ));
    };
    let mut parts = value.split(';');
    let media = parts.next().unwrap_or_default().trim_ascii();
    if !media.eq_ignore_ascii_case("application/json") {
        return Err(defect(
            415,
            RuleId::H3,
            format!("media type `{media}` is not application/json"),
        ));
    }
    for param in parts {
        let param = param.trim_ascii();
        let Some((name, v)) = param.split_once('=') else {
            return Err(defect(
                415,
                RuleId::H3,
                format!("malformed media-type parameter `{param}`"),
            ));
        };
        let (name, v) = (name.trim_ascii(), v.trim_ascii());
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(v);
        if name.is_empty() || v.is_empty() {
            return Err(defect(
                415,
                RuleId::H3,
                format!("malformed media-type parameter `{param}`"),
            ));
        }
        if name.eq_ignore_ascii_case("charset") && !v.eq_ignore_ascii_case("utf-8") {
            return Err(defect(
                415,
                RuleId::H3,
                format!("charset `{v}` is not utf-8"),
            ));
        }
    }
    Ok(())
}

/// H4: the body size limit.
pub(crate) fn body_size(req: &Request, profile: &Profile) -> Result<(), Defect> {
    if req.body.len() as u64 > profile.max_body_bytes {
        Err(defect(
            413,
            RuleId::H4,
            format!(
                "body of {} bytes exceeds {} bytes",
                req.body.len(),
                profile.max_body_bytes
            ),
        ))
    } else {
        Ok(())
    }
}

/// H6: how the body is coded, or why it cannot be read (415 unsupported coding, 400 corrupt,
/// 413 decoded past `max_body_bytes`). The body rules then apply to what this returns.
pub fn decode_body<'b>(
    req: &'b Request,
    profile: &Profile,
) -> Result<std::borrow::Cow<'b, [u8]>, Defect> {
    let mut codings = req
        .header_values("content-encoding")
        .flat_map(|v| v.split(','))
        .map(str::trim_ascii)
        .filter(|c| !c.is_empty());
    let (first, second) = (codings.next(), codings.next());
    let coding = match (first, second) {
        (None, _) => return Ok(std::borrow::Cow::Borrowed(&req.body)),
        (Some(c), None) => c,
        (Some(_), Some(_)) => {
            return Err(defect(
                415,
                RuleId::H6,
                "a list of content codings is not supported; use gzip or identity",
            ));
        }
    };
    let gzip = is_gzip_coding(coding);
    if coding.eq_ignore_ascii_case("identity") {
        return Ok(std::borrow::Cow::Borrowed(&req.body));
    }
    if !gzip || profile.request_encodings == RequestEncodings::Identity {
        return Err(defect(
            415,
            RuleId::H6,
            format!(
                "content coding `{coding}` is not supported; use {}",
                accepted_encodings(profile)
            ),
        ));
    }
    gunzip(&req.body, profile.max_body_bytes).map(std::borrow::Cow::Owned)
}

/// H6: whether a content coding names gzip (`gzip`, or its alias `x-gzip`, any case).
pub(crate) fn is_gzip_coding(coding: &str) -> bool {
    coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip")
}

/// The codings H6 accepts under `profile`, as an `Accept-Encoding` value.
pub(crate) fn accepted_encodings(profile: &Profile) -> &'static str {
    match profile.request_encodings {
        RequestEncodings::Gzip => "gzip, identity",
        RequestEncodings::Identity => "identity",
    }
}

/// H6.c: a body that is not valid in its declared coding.
pub(super) fn not_gzip(why: &str) -> Defect {
    defect(
        400,
        RuleId::H6,
        format!("the body is not valid gzip: {why}"),
    )
}

/// H6.a/H6.c/H6.d: one or more gzip members, their contents concatenated (RFC 1952 §2.2),
/// decoded to at most `max` bytes in all; bytes after the last member that do not form a
/// gzip member are 400.
pub(super) fn gunzip(raw: &[u8], max: u64) -> Result<Vec<u8>, Defect> {
    let (out, spans) = inflate(raw, max, true)?;
    if spans < raw.len() {
        return Err(not_gzip(
            "bytes after the last gzip member that do not form a gzip member",
        ));
    }
    Ok(out)
}

/// H6.d: the body decodes to more than `max` bytes.
pub(super) fn too_large(max: u64) -> Defect {
    defect(
        413,
        RuleId::H6,
        format!("the body decodes to more than {max} bytes"),
    )
}

/// H6.c/H6.d: the gzip member `raw` starts with, decoded to at most `max` bytes (never inflated
/// past it), and how many bytes of `raw` it spans (what follows is not read).
pub(crate) fn gzip_member(raw: &[u8], max: u64) -> Result<(Vec<u8>, usize), Defect> {
    inflate(raw, max, false)
}

/// The gzip member `raw` starts with and, when `members`, every member that follows it
/// (RFC 1952 §2.2: what follows a member and starts with ID1 ID2 is read as the next one),
/// decoded to at most `max` bytes in all, and how many bytes of `raw` they span.
pub(super) fn inflate(raw: &[u8], max: u64, members: bool) -> Result<(Vec<u8>, usize), Defect> {
    // the last member's trailer says its decoded size (mod 2^32). Past the limit (a bomb), only
    // the decoded length matters (H6.d): it is counted, not kept, so a bomb costs no buffer of
    // the limit's size; a trailer that lied (the body fits after all) is decoded again, kept
    let said = raw
        .last_chunk::<4>()
        .map_or(0, |t| u64::from(u32::from_le_bytes(*t)));
    if said > max && inflate_into(raw, max, members, None)?.is_none() {
        return Err(too_large(max));
    }
    let mut out = Vec::with_capacity(usize::try_from(said.min(max.saturating_add(1))).unwrap_or(0));
    let spans = inflate_into(raw, max, members, Some(&mut out))?.ok_or_else(|| too_large(max))?;
    Ok((out, spans))
}

/// `inflate`'s decoding: into `out`, or, without it, only counted. Returns how many bytes of
/// `raw` the members span, or `None` when they decode to more than `max` bytes (H6.d;
/// decoding stops one byte past it).
fn inflate_into(
    raw: &[u8],
    max: u64,
    members: bool,
    mut out: Option<&mut Vec<u8>>,
) -> Result<Option<usize>, Defect> {
    use flate2::bufread::GzDecoder;
    use std::cell::RefCell;
    use std::io::{Cursor, Read};
    if raw.is_empty() {
        return Err(not_gzip("empty"));
    }
    // One decoder per thread, reset for each body: a new one allocates and sets up its inflate
    // state, which cost more than decoding a small body. It reads a copy of `raw` (a copy of
    // the coded bytes costs less than that set-up), made once per body: each further member
    // is read from the same copy. The `bufread` decoder takes from its input exactly what the
    // member spans, so what is left after it is what follows the member (`read::GzDecoder`
    // reads ahead into a buffer of its own, and its remainder was empty whatever followed:
    // bytes after the member went unseen).
    thread_local! {
        static DECODER: RefCell<GzDecoder<Cursor<Vec<u8>>>> =
            RefCell::new(GzDecoder::new(Cursor::new(Vec::new())));
    }
    // `out` has room for what the trailer said, never past the limit (`inflate`), so a large
    // body is not copied as it grows (a lying trailer only costs a regrowth). Never more than
    // `max + 1` bytes in all: one past the limit says it is past (H6.d), so a bomb of any size
    // costs what one just over the limit costs
    let bound = max.saturating_add(1);
    let mut total: u64 = 0;
    let (read, spans) = DECODER.with(|d| {
        let mut decoder = d.borrow_mut();
        let mut input = std::mem::take(decoder.get_mut().get_mut());
        input.clear();
        input.extend_from_slice(raw);
        decoder.reset(Cursor::new(input));
        let mut read = Ok(());
        loop {
            let mut part = (&mut *decoder).take(bound.saturating_sub(total));
            let step = match out.as_deref_mut() {
                Some(out) => part.read_to_end(out).map(|n| n as u64),
                None => std::io::copy(&mut part, &mut std::io::sink()),
            };
            match step {
                Ok(n) => total = total.saturating_add(n),
                Err(e) => {
                    read = Err(e);
                    break;
                }
            }
            let end = usize::try_from(decoder.get_ref().position()).unwrap_or(raw.len());
            let next = raw.get(end..).is_some_and(|r| r.starts_with(&[0x1f, 0x8b]));
            if !members || !next || total > max {
                break;
            }
            // the next member, from where this one ended, in the same copy
            let mut cursor = decoder.reset(Cursor::new(Vec::new()));
            cursor.set_position(end as u64);
            decoder.reset(cursor);
        }
        let spans = usize::try_from(decoder.get_ref().position()).unwrap_or(raw.len());
        // a large body's copy is not kept for the thread's lifetime
        if decoder.get_ref().get_ref().capacity() > 256 * 1024 {
            *decoder.get_mut().get_mut() = Vec::new();
        }
        (read, spans)
    });
    read.map_err(|e| not_gzip(&e.to_string()))?;
    Ok((total <= max).then_some(spans.min(raw.len())))
}

/// H5: whether the request carries `Prefer: include-unknown-enum-members` (RFC 7240: comma
/// separated, tokens case-insensitive, parameters after `;`).
pub(crate) fn prefers_unknown_members(req: &Request) -> bool {
    req.header_values("prefer")
        .flat_map(|v| v.split(','))
        .any(|p| {
            let token = p.split(';').next().unwrap_or_default();
            let token = token.split('=').next().unwrap_or_default().trim_ascii();
            token.eq_ignore_ascii_case(INCLUDE_UNKNOWN_ENUM_MEMBERS)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn h6_d_a_bomb_is_measured_without_a_buffer_of_the_limits_size() {
        let max = 4 * 1024 * 1024;
        let bomb = gzip(&vec![b' '; max + 1]);
        let _ = gunzip(&gzip(b"{}"), max as u64); // the thread's decoder, set up once
        let mut said = None;
        let used = allocation_counter::measure(|| {
            said = Some(gunzip(&bomb, max as u64));
        });
        let Some(Err(d)) = said else {
            panic!("a bomb decoded: {said:?}")
        };
        assert_eq!((d.status, d.rule), (413, RuleId::H6), "{d:?}");
        assert!(
            used.bytes_max < 256 * 1024,
            "decoding a bomb held {} bytes at once",
            used.bytes_max
        );
    }

    #[test]
    fn h6_a_a_trailer_past_the_limit_that_is_not_the_members_still_decodes_it() {
        // what follows a member is not read by `gzip_member`: its last four bytes are not the
        // member's size, here one past any limit
        let mut raw = gzip(br#"{"processingStatus":"failed"}"#);
        let member = raw.len();
        raw.extend_from_slice(&[0xff; 4]);
        let (body, spans) = gzip_member(&raw, 1024).unwrap();
        assert_eq!(body, br#"{"processingStatus":"failed"}"#);
        assert_eq!(spans, member);
        // and several members, the last one ending the body: decoded whole, under the limit
        let two = [gzip(b"{\"a\":"), gzip(b"1}")].concat();
        assert_eq!(gunzip(&two, 1024).unwrap(), b"{\"a\":1}");
    }
}
