//! Contract types: the taskProcessingResult, its evolvable enum, requests, responses and the
//! Graph error body. Vocabulary only: what is *allowed* lives in [`crate::model`].

use crate::contract::timestamp::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The OData type name, also accepted without the leading `#` in `@odata.type` (B9).
pub const ODATA_TYPE: &str = "#microsoft.graph.identityGovernance.taskProcessingResult";

/// `lifecycleWorkflowProcessingStatus`, an evolvable enum (B6): six known members, the sentinel
/// `unknownFutureValue`, then the members after it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    arbitrary::Arbitrary,
)]
#[serde(rename_all = "camelCase")]
pub enum ProcessingStatus {
    /// `queued` (0)
    Queued,
    /// `inProgress` (1)
    InProgress,
    /// `completed` (2)
    Completed,
    /// `completedWithErrors` (3)
    CompletedWithErrors,
    /// `canceled` (4)
    Canceled,
    /// `failed` (5)
    Failed,
    /// `unknownFutureValue` (6), the sentinel.
    UnknownFutureValue,
    /// `canceling` (7), after the sentinel.
    Canceling,
    /// `quarantined` (8), after the sentinel.
    Quarantined,
}

impl ProcessingStatus {
    /// Every member in numeric order.
    pub const ALL: [ProcessingStatus; 9] = [
        ProcessingStatus::Queued,
        ProcessingStatus::InProgress,
        ProcessingStatus::Completed,
        ProcessingStatus::CompletedWithErrors,
        ProcessingStatus::Canceled,
        ProcessingStatus::Failed,
        ProcessingStatus::UnknownFutureValue,
        ProcessingStatus::Canceling,
        ProcessingStatus::Quarantined,
    ];

    /// The member name as the CSDL spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ProcessingStatus::Queued => "queued",
            ProcessingStatus::InProgress => "inProgress",
            ProcessingStatus::Completed => "completed",
            ProcessingStatus::CompletedWithErrors => "completedWithErrors",
            ProcessingStatus::Canceled => "canceled",
            ProcessingStatus::Failed => "failed",
            ProcessingStatus::UnknownFutureValue => "unknownFutureValue",
            ProcessingStatus::Canceling => "canceling",
            ProcessingStatus::Quarantined => "quarantined",
        }
    }

    /// The member's numeric value in the CSDL.
    pub fn value(self) -> u8 {
        self as u8
    }

    /// The member with exactly this name.
    pub fn from_name(name: &str) -> Option<ProcessingStatus> {
        Self::ALL.into_iter().find(|m| m.as_str() == name)
    }

    /// The member whose name equals `name` ignoring ASCII case.
    pub(crate) fn from_name_ignore_case(name: &str) -> Option<ProcessingStatus> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(name))
    }

    /// Whether this is a member numerically after the sentinel.
    pub fn is_after_sentinel(self) -> bool {
        self > ProcessingStatus::UnknownFutureValue
    }
}

impl fmt::Display for ProcessingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The five updatable properties (B3).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    arbitrary::Arbitrary,
)]
pub enum Property {
    /// `completedDateTime`: DateTimeOffset, nullable.
    CompletedDateTime,
    /// `createdDateTime`: DateTimeOffset, required.
    CreatedDateTime,
    /// `failureReason`: String, nullable.
    FailureReason,
    /// `processingStatus`: the enum, required.
    ProcessingStatus,
    /// `startedDateTime`: DateTimeOffset, nullable.
    StartedDateTime,
}

impl Property {
    /// All five, in the seed's order.
    pub const ALL: [Property; 5] = [
        Property::CompletedDateTime,
        Property::CreatedDateTime,
        Property::FailureReason,
        Property::ProcessingStatus,
        Property::StartedDateTime,
    ];

    /// The JSON member name.
    pub fn name(self) -> &'static str {
        match self {
            Property::CompletedDateTime => "completedDateTime",
            Property::CreatedDateTime => "createdDateTime",
            Property::FailureReason => "failureReason",
            Property::ProcessingStatus => "processingStatus",
            Property::StartedDateTime => "startedDateTime",
        }
    }

    /// The property with this exact (case-sensitive, B8) name.
    pub fn from_name(name: &str) -> Option<Property> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Required means non-nullable (B4).
    pub(crate) fn is_required(self) -> bool {
        matches!(self, Property::CreatedDateTime | Property::ProcessingStatus)
    }

    /// Whether the value is a DateTimeOffset.
    pub(crate) fn is_timestamp(self) -> bool {
        matches!(
            self,
            Property::CompletedDateTime | Property::CreatedDateTime | Property::StartedDateTime
        )
    }
}

/// Properties of the resource this operation does not update, and navigation properties (B7).
pub const NOT_UPDATABLE: &[&str] = &["processingInfo", "workflowSubject", "subject", "task"];

/// A stored taskProcessingResult. `createdDateTime` and `processingStatus` cannot be null by
/// construction (B4, S8).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TaskProcessingResult {
    /// The key.
    pub id: String,
    /// `createdDateTime`.
    pub created: Timestamp,
    /// `processingStatus`.
    pub status: ProcessingStatus,
    /// `startedDateTime`.
    pub started: Option<Timestamp>,
    /// `completedDateTime`.
    pub completed: Option<Timestamp>,
    /// `failureReason`.
    pub failure_reason: Option<String>,
}

impl TaskProcessingResult {
    /// The representation (S4): `@odata.type`, `id` and every B3 property, nulls as `null`.
    /// Without `include_unknown`, a member after the sentinel renders as `unknownFutureValue` (B6).
    pub fn to_json(&self, include_unknown: bool) -> serde_json::Value {
        let status = if self.status.is_after_sentinel() && !include_unknown {
            ProcessingStatus::UnknownFutureValue
        } else {
            self.status
        };
        let ts = |t: &Option<Timestamp>| match t {
            Some(t) => serde_json::Value::String(t.to_string()),
            None => serde_json::Value::Null,
        };
        serde_json::json!({
            "@odata.type": ODATA_TYPE,
            "id": self.id,
            "completedDateTime": ts(&self.completed),
            "createdDateTime": self.created.to_string(),
            "failureReason": self.failure_reason,
            "processingStatus": status.as_str(),
            "startedDateTime": ts(&self.started),
        })
    }
}

/// Appends `s` as a JSON string, escaped as `serde_json` escapes it. Most strings need no
/// escape ([`crate::contract::json::needs_no_escape`]); those are copied between quotes.
fn json_string(out: &mut Vec<u8>, s: &str) {
    if crate::contract::json::needs_no_escape(s) {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        let _ = serde_json::to_writer(&mut *out, s);
    }
}

/// Appends a timestamp as a JSON string (its `Display` text needs no escape), or `null`.
fn json_timestamp(out: &mut Vec<u8>, t: Option<&Timestamp>) {
    match t {
        Some(t) => {
            out.push(b'"');
            t.render_into(out);
            out.push(b'"');
        }
        None => out.extend_from_slice(b"null"),
    }
}

impl TaskProcessingResult {
    /// [`TaskProcessingResult::to_json`] as JSON text, byte for byte what
    /// `serde_json::to_vec(&self.to_json(include_unknown))` gives, without the `Value`: the
    /// members in the order `to_json` renders them (sorted), their names written as constants,
    /// strings escaped only when they need it (what `serve` sends per request).
    pub fn to_json_bytes(&self, include_unknown: bool) -> Vec<u8> {
        let status = if self.status.is_after_sentinel() && !include_unknown {
            ProcessingStatus::UnknownFutureValue
        } else {
            self.status
        };
        let reason = self.failure_reason.as_deref();
        let mut out = Vec::with_capacity(320 + self.id.len() + reason.map_or(0, str::len));
        out.extend_from_slice(b"{\"@odata.type\":");
        json_string(&mut out, ODATA_TYPE);
        out.extend_from_slice(b",\"completedDateTime\":");
        json_timestamp(&mut out, self.completed.as_ref());
        out.extend_from_slice(b",\"createdDateTime\":");
        json_timestamp(&mut out, Some(&self.created));
        out.extend_from_slice(b",\"failureReason\":");
        match reason {
            Some(r) => json_string(&mut out, r),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"id\":");
        json_string(&mut out, &self.id);
        out.extend_from_slice(b",\"processingStatus\":");
        json_string(&mut out, status.as_str());
        out.extend_from_slice(b",\"startedDateTime\":");
        json_timestamp(&mut out, self.started.as_ref());
        out.push(b'}');
        out
    }

    /// Reads a representation back (leniently: timestamps under `odata-abnf`, members after the
    /// sentinel by name). `None` when a required property is missing or malformed.
    pub fn from_json(v: &serde_json::Value) -> Option<TaskProcessingResult> {
        let ts = |k: &str| -> Option<Option<Timestamp>> {
            match v.get(k)? {
                serde_json::Value::Null => Some(None),
                serde_json::Value::String(s) => {
                    Timestamp::parse(s, crate::contract::timestamp::Grammar::OdataAbnf)
                        .ok()
                        .map(Some)
                }
                _ => None,
            }
        };
        Some(TaskProcessingResult {
            id: v.get("id")?.as_str()?.to_string(),
            created: ts("createdDateTime")??,
            status: ProcessingStatus::from_name(v.get("processingStatus")?.as_str()?)?,
            started: ts("startedDateTime")?,
            completed: ts("completedDateTime")?,
            failure_reason: match v.get("failureReason")? {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) => Some(s.clone()),
                _ => return None,
            },
        })
    }
}

/// An HTTP request as the model sees it. `path` is below the version root (`/beta` is in the
/// base URL, not here) and may carry a query string, which the model ignores (R6).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Request {
    /// The method, case-sensitive as in HTTP.
    pub method: String,
    /// The path below the version root.
    pub path: String,
    /// Header name/value pairs in order; names compare case-insensitively.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    #[serde(with = "body_text")]
    pub body: Vec<u8>,
}

impl Request {
    /// A request with no headers and no body.
    pub fn new(method: &str, path: &str) -> Request {
        Request {
            method: method.to_string(),
            path: path.to_string(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Request {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Request {
        self.body = body.into();
        self
    }

    /// Every value of the header `name` (case-insensitive), in order.
    pub fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// How a request body is framed on the wire (H4.b: the size limit applies whatever the
/// framing). The request says it with a header: `Transfer-Encoding: chunked` asks for chunks of
/// unknown length, anything else goes with `Content-Length`. The model reads the body as bytes
/// either way; HTTP clients and servers read the framing off the headers with [`Framing::of`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Framing {
    /// `Content-Length: N`, the body in one piece of announced length.
    #[default]
    ContentLength,
    /// `Transfer-Encoding: chunked`.
    Chunked,
}

impl Framing {
    /// The framing `headers` ask for: chunked when the last transfer coding of the last
    /// `Transfer-Encoding` header is `chunked` (RFC 9112 §6.1: chunked is always the last coding,
    /// names are case-insensitive; `notchunked` is another coding).
    pub fn of_headers<'a>(headers: impl IntoIterator<Item = (&'a str, &'a str)>) -> Framing {
        let last = headers
            .into_iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("transfer-encoding"))
            .last();
        match last.and_then(|(_, v)| v.rsplit(',').next()) {
            Some(coding) if coding.trim().eq_ignore_ascii_case("chunked") => Framing::Chunked,
            _ => Framing::ContentLength,
        }
    }

    /// The framing `req` asks for.
    pub fn of(req: &Request) -> Framing {
        Framing::of_headers(req.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    /// The header that asks for this framing (none for `Content-Length`, which clients add).
    pub fn header(self) -> Option<(&'static str, &'static str)> {
        match self {
            Framing::ContentLength => None,
            Framing::Chunked => Some(("Transfer-Encoding", "chunked")),
        }
    }
}

/// Bodies serialise as a UTF-8 string when they are one, else as `{"base64": …}`-free byte
/// arrays, so JSON lines of cases stay readable.
mod body_text {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(b) {
            Ok(t) => s.serialize_str(t),
            Err(_) => s.collect_seq(b.iter()),
        }
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Text(String),
        Bytes(Vec<u8>),
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        Ok(match Either::deserialize(d)? {
            Either::Text(t) => t.into_bytes(),
            Either::Bytes(b) => b,
        })
    }
}

/// The Graph error code the embedded endpoint emits for a status (E2).
pub fn error_code(status: u16) -> &'static str {
    match status {
        400 => "BadRequest",
        401 => "InvalidAuthenticationToken",
        403 => "Authorization_RequestDenied",
        404 => "ResourceNotFound",
        405 => "MethodNotAllowed",
        413 => "RequestEntityTooLarge",
        415 => "UnsupportedMediaType",
        429 => "TooManyRequests",
        503 => "ServiceUnavailable",
        _ => "UnknownError",
    }
}

/// The Graph error envelope (E1): `{"error":{"code","message","innerError"?}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorBody {
    /// `error.code`, non-empty.
    pub code: String,
    /// `error.message`.
    pub message: String,
}

/// Why a response body is not a Graph error envelope (E1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a Graph error envelope (E1): {0}")]
pub struct EnvelopeError(pub String);

impl ErrorBody {
    /// Reads an error envelope; `innerError` and `innererror` are both accepted.
    pub fn parse(body: &[u8]) -> Result<ErrorBody, EnvelopeError> {
        let v: serde_json::Value = serde_json::from_slice(body)
            .map_err(|e| EnvelopeError(format!("body is not JSON: {e}")))?;
        let err = v
            .get("error")
            .and_then(|e| e.as_object())
            .ok_or_else(|| EnvelopeError("no `error` object".into()))?;
        let code = err
            .get("code")
            .and_then(|c| c.as_str())
            .filter(|c| !c.is_empty())
            .ok_or_else(|| EnvelopeError("`error.code` is not a non-empty string".into()))?;
        let message = err
            .get("message")
            .and_then(|m| m.as_str())
            .ok_or_else(|| EnvelopeError("`error.message` is not a string".into()))?;
        for key in ["innerError", "innererror"] {
            if let Some(inner) = err.get(key) {
                if !inner.is_object() {
                    return Err(EnvelopeError(format!("`error.{key}` is not an object")));
                }
            }
        }
        Ok(ErrorBody {
            code: code.to_string(),
            message: message.to_string(),
        })
    }
}

/// `token` with the case of every ASCII letter swapped: a known token in another letter case,
/// which H2.c says is unknown (the generator's near miss; reports redact it as such).
pub(crate) fn swap_case(token: &str) -> String {
    token
        .chars()
        .map(|c| match c {
            c if c.is_ascii_lowercase() => c.to_ascii_uppercase(),
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// An `Authorization` value split into its scheme and its credentials (H2, decision 11): the
/// scheme is what comes before the first space, the token what follows it, trimmed.
pub(crate) fn credentials(value: &str) -> (&str, &str) {
    let value = value.trim_ascii();
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    (scheme, token.trim_ascii())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn b6_members_after_the_sentinel_are_exactly_canceling_and_quarantined() {
        let after: Vec<_> = ProcessingStatus::ALL
            .into_iter()
            .filter(|m| m.is_after_sentinel())
            .collect();
        assert_eq!(
            after,
            vec![ProcessingStatus::Canceling, ProcessingStatus::Quarantined]
        );
        assert_eq!(ProcessingStatus::UnknownFutureValue.value(), 6);
        assert_eq!(ProcessingStatus::from_name("Completed"), None);
        assert_eq!(
            ProcessingStatus::from_name_ignore_case("Completed"),
            Some(ProcessingStatus::Completed)
        );
    }

    #[test]
    fn e1_envelope_requires_code_and_message() {
        assert!(
            ErrorBody::parse(br#"{"error":{"code":"x","message":"m","innererror":{}}}"#).is_ok()
        );
        assert!(ErrorBody::parse(br#"{"error":{"code":"","message":"m"}}"#).is_err());
        assert!(ErrorBody::parse(br#"{"error":{"code":"x"}}"#).is_err());
        assert!(ErrorBody::parse(br#"{"code":"x","message":"m"}"#).is_err());
        assert!(
            ErrorBody::parse(br#"{"error":{"code":"x","message":"m","innerError":1}}"#).is_err()
        );
    }
}
