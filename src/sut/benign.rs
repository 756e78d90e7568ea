//! Benign variants: the model answering with the freedoms the contract leaves an
//! implementation (`Benign`), as decorators around the model target. `check` must report
//! nothing against any of them; a finding is a harness bug (`tests/selftest/benign.rs`).

use super::model::ModelTarget;
use super::{BoxFuture, Response, Target, TransportError};
use crate::contract::profile::Profile;
use crate::contract::spec::Request;
use crate::contract::timestamp::Timestamp;
use crate::model::store::Store;
use std::sync::Arc;

/// One freedom the contract leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Benign {
    /// Timestamps rendered with a `+01:00` offset and the fewest fraction digits (T2.a).
    OffsetTimestamps,
    /// Other error codes and messages than the endpoint's (E2 without `strict_error_codes`).
    OtherErrorCodes,
    /// `@odata.context` and `@odata.etag` in every 200 body (S4.a allows other annotations).
    ExtraAnnotations,
    /// Extra response headers, and header names in other letter cases.
    ExtraHeaders,
    /// `Content-Type: Application/JSON; charset=UTF-8` on every JSON answer (E1, S4: media types
    /// compare case-insensitively).
    ContentTypeCase,
    /// A 200 body with its members in another order and white space.
    ReorderedBody,
    /// A PATCH body that starts with a UTF-8 byte-order mark rejected with 400 as not JSON,
    /// where a body defect ranks in E4 (B1.d: "may be ignored or be 400"): the answer of an
    /// implementation whose JSON parser refuses the mark, alone or beside any other defect.
    BomRejected,
    /// A PATCH body whose `failureReason` is longer than 64 KiB rejected with 400, where a body
    /// defect ranks in E4 (B10: "longer ones may be accepted or be 400"): the answer of an
    /// implementation with a text limit at 64 KiB, alone or beside any other defect.
    LongTextRejected,
}

impl Benign {
    /// Every benign variant.
    pub const ALL: [Benign; 8] = [
        Benign::OffsetTimestamps,
        Benign::OtherErrorCodes,
        Benign::ExtraAnnotations,
        Benign::ExtraHeaders,
        Benign::ContentTypeCase,
        Benign::ReorderedBody,
        Benign::BomRejected,
        Benign::LongTextRejected,
    ];

    fn reply(self, resp: &mut Response) {
        let json = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).ok();
        match self {
            Benign::OffsetTimestamps if resp.status == 200 => {
                if let Some(mut v) = json(&resp.body) {
                    for k in ["createdDateTime", "startedDateTime", "completedDateTime"] {
                        let parsed = v[k].as_str().and_then(|s| {
                            Timestamp::parse(s, crate::contract::timestamp::Grammar::Graph).ok()
                        });
                        // any valid form (T2.a): at the end of year 9999 the local time
                        // at +01:00 would be year 10000, outside Graph's grammar: keep UTC
                        let shifted = parsed.map(plus_one_hour).filter(|s| {
                            Timestamp::parse(s, crate::contract::timestamp::Grammar::Graph).is_ok()
                        });
                        if let Some(s) = shifted {
                            v[k] = s.into();
                        }
                    }
                    resp.body = serde_json::to_vec(&v).unwrap_or_default();
                }
            }
            Benign::OtherErrorCodes if resp.status >= 400 => {
                if let Some(mut v) = json(&resp.body) {
                    v["error"]["code"] = "InvalidRequest".into();
                    v["error"]["message"] = "Something about the request is not right.".into();
                    v["error"]["innererror"] = serde_json::json!({"code": "x"});
                    if let Some(e) = v["error"].as_object_mut() {
                        e.remove("innerError");
                    }
                    resp.body = serde_json::to_vec(&v).unwrap_or_default();
                }
            }
            Benign::ExtraAnnotations if resp.status == 200 => {
                if let Some(mut v) = json(&resp.body) {
                    v["@odata.context"] =
                        "https://graph.microsoft.com/beta/$metadata#x/$entity".into();
                    v["@odata.etag"] = "W/\"1\"".into();
                    resp.body = serde_json::to_vec(&v).unwrap_or_default();
                }
            }
            Benign::ExtraHeaders => {
                resp.headers
                    .push(("x-ms-ags-diagnostic".into(), "{\"ServerInfo\":{}}".into()));
                resp.headers
                    .push(("Cache-Control".into(), "no-store".into()));
                for (k, _) in &mut resp.headers {
                    if k.eq_ignore_ascii_case("preference-applied") {
                        *k = "PREFERENCE-APPLIED".into();
                    }
                }
            }
            Benign::ContentTypeCase => {
                for (k, v) in &mut resp.headers {
                    if k.eq_ignore_ascii_case("content-type") {
                        *v = "Application/JSON; charset=UTF-8".into();
                    }
                }
            }
            Benign::ReorderedBody if resp.status == 200 => {
                if let Some(serde_json::Value::Object(m)) = json(&resp.body) {
                    let mut members: Vec<(String, serde_json::Value)> = m.into_iter().collect();
                    members.reverse();
                    let inner: Vec<String> = members
                        .iter()
                        .map(|(k, v)| {
                            format!("\n  {} : {}", serde_json::Value::from(k.as_str()), v)
                        })
                        .collect();
                    resp.body = format!("{{{}\n}}", inner.join(",")).into_bytes();
                }
            }
            _ => {}
        }
    }
}

/// `t` rendered at `+01:00` with the fewest fraction digits that keep the instant.
fn plus_one_hour(t: Timestamp) -> String {
    let shifted = Timestamp::from_picos(t.picos() + 3_600_000_000_000_000);
    let text = shifted.to_string(); // YYYY-MM-DDThh:mm:ss.fffffff[…]Z
    let (main, _) = text.split_at(text.len() - 1);
    let main = if main.contains('.') {
        main.trim_end_matches('0').trim_end_matches('.')
    } else {
        main
    };
    format!("{main}+01:00")
}

/// The model with benign freedoms: a decorator around [`ModelTarget`].
#[derive(Debug)]
pub struct Varied {
    model: Arc<ModelTarget>,
    profile: Profile,
    variants: Vec<Benign>,
}

impl Varied {
    /// The model over `store` under `profile`, answering with every freedom in `variants`.
    pub fn new(store: Store, profile: Profile, variants: &[Benign]) -> Varied {
        Varied {
            model: Arc::new(ModelTarget::new(store, profile.clone())),
            profile,
            variants: variants.to_vec(),
        }
    }

    /// The branches the model does not take, where a variant takes them: B1.d's (a PATCH whose
    /// decoded body starts with a byte-order mark) and B10's (a `failureReason` longer than
    /// 64 KiB). Such a PATCH is sent to the model with a body of the same length and coding that
    /// is no JSON, so the model answers what ranks first in E4 beside a body that is not JSON
    /// (and changes nothing).
    fn choice_refused(&self, req: &Request) -> Option<Request> {
        const BOM: &[u8] = b"\xEF\xBB\xBF";
        let bom = self.variants.contains(&Benign::BomRejected);
        let long = self.variants.contains(&Benign::LongTextRejected);
        if req.method != "PATCH" || !(bom || long) {
            return None;
        }
        let decoded = crate::model::decode_body(req, &self.profile).ok()?;
        let refused = (bom && decoded.starts_with(BOM)) || (long && long_failure_reason(&decoded));
        if !refused {
            return None;
        }
        let mut junk = if decoded.starts_with(BOM) {
            BOM.to_vec()
        } else {
            Vec::new()
        };
        junk.push(b'#');
        junk.resize(decoded.len().max(junk.len()), b' ');
        let gzip = req
            .header_values("content-encoding")
            .any(|v| v.to_ascii_lowercase().contains("gzip"));
        let body = if gzip {
            use std::io::Write;
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(&junk).ok()?;
            e.finish().ok()?
        } else {
            junk
        };
        let mut r = req.clone();
        r.body = body;
        Some(r)
    }
}

/// Whether the body's `failureReason` (the last one, as duplicates are read) is a string longer
/// than the 64 KiB every implementation must accept (B10).
fn long_failure_reason(decoded: &[u8]) -> bool {
    let (bytes, _) = crate::contract::json::strip_bom(decoded);
    let Ok(doc) = crate::contract::json::parse(bytes) else {
        return false;
    };
    let last = doc
        .as_object()
        .and_then(|m| m.iter().rev().find(|(k, _)| k == "failureReason"));
    matches!(
        last,
        Some((_, crate::contract::json::Json::String(t)))
            if t.len() > crate::model::FAILURE_REASON_MUST_ACCEPT
    )
}

impl Target for Varied {
    fn send<'a>(&'a self, req: &'a Request) -> BoxFuture<'a, Result<Response, TransportError>> {
        let refused = self.choice_refused(req);
        let mut resp = self.model.answer(refused.as_ref().unwrap_or(req));
        for v in &self.variants {
            v.reply(&mut resp);
        }
        Box::pin(std::future::ready(Ok(resp)))
    }
    fn describe(&self) -> String {
        format!("in-process model with benign variants {:?}", self.variants)
    }
}
