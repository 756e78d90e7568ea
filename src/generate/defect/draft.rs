//! A request being built ([`Draft`]) and how it is finished: path, body, content coding.

use super::Defect;
use crate::contract::path::{PathStyle, Route};

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
    /// Pad after the JSON value instead of before its closing brace (H4.b).
    pub pad_after: bool,
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
    /// gzip-encoded, and three NUL bytes after the member (H6.c).
    GzipThenZeros,
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
    /// End with two slashes.
    TwoTrailingSlashes,
}

pub(super) const MARK: &str = "MARKER";

pub(super) fn set_member(d: &mut Draft, name: &str, value: Raw) {
    d.members.retain(|(n, _)| n != name);
    d.members.push((name.to_string(), value));
}

pub(super) fn json_str(s: &str) -> Raw {
    Raw::Json(crate::contract::json::quote(s))
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
        PathEdit::TwoTrailingSlashes => {}
    }
    let mut out = segs.join("/");
    if edit == PathEdit::TwoTrailingSlashes {
        out.push_str("//");
    } else if trailing {
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
                s.push_str(&crate::contract::json::quote(name));
                s.push(':');
                match v {
                    Raw::Json(j) => s.push_str(j),
                    Raw::AddressedId => {
                        s.push_str(&crate::contract::json::quote(d.route.addressed()))
                    }
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
            if d.pad_after {
                // after the value: valid JSON whose value ends long before the body does
                body.resize(n, b' ');
            } else {
                let close = body.pop();
                body.resize(n - usize::from(close.is_some()), b' ');
                body.extend(close);
            }
        }
    }
    if d.bom {
        body.splice(0..0, crate::contract::json::BOM.iter().copied());
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
        BodyCoding::GzipThenZeros => {
            let mut coded = gzip(&body);
            coded.extend_from_slice(&[0, 0, 0]);
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
