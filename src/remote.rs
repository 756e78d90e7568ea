//! A client for any implementation over HTTP: sends a model [`Request`] below a base URL and
//! returns what came back, with a timeout, bounded retries of connection errors and of
//! 429/503 honouring `Retry-After`, and a cap on the response size (a hostile server cannot
//! exhaust memory or hang the runner).

use crate::spec::Request;
use std::time::Duration;

/// Largest response body read (bytes); more is a finding, not a crash.
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// What came back.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Response {
    /// Status.
    pub status: u16,
    /// Headers (lower-case names).
    pub headers: Vec<(String, String)>,
    /// Body (possibly cut at [`MAX_RESPONSE_BYTES`]).
    #[serde(with = "lossy")]
    pub body: Vec<u8>,
}

mod lossy {
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&String::from_utf8_lossy(b))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        Ok(String::deserialize(d)?.into_bytes())
    }
}

impl Response {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A transport failure: the implementation did not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// Could not connect.
    #[error("cannot connect to {url}: {message}")]
    Connect {
        /// URL.
        url: String,
        /// Why.
        message: String,
    },
    /// No complete answer within the timeout.
    #[error("no answer from {url} within {timeout_ms} ms")]
    Timeout {
        /// URL.
        url: String,
        /// The timeout.
        timeout_ms: u64,
    },
    /// The connection broke, or the answer was not HTTP.
    #[error("broken answer from {url}: {message}")]
    Broken {
        /// URL.
        url: String,
        /// Why.
        message: String,
    },
    /// The request could not be expressed over HTTP (e.g. a header value with control bytes).
    #[error("cannot send this request over HTTP: {0}")]
    Unsendable(String),
}

/// An HTTP client bound to a base URL (which carries the version root).
#[derive(Debug, Clone)]
pub struct Remote {
    base_url: String,
    client: reqwest::Client,
    timeout: Duration,
    /// Retries of connection errors and of 429/503.
    pub retries: u32,
    /// Longest `Retry-After` honoured (longer values are capped).
    pub max_retry_after: Duration,
}

impl Remote {
    /// A client for `base_url` (e.g. `http://127.0.0.1:8080/beta`) with a per-request timeout.
    pub fn new(base_url: &str, timeout: Duration) -> Remote {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .pool_max_idle_per_host(64)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Remote {
            base_url: base_url.trim_end_matches('/').to_string(),
            client,
            timeout,
            retries: 3,
            max_retry_after: Duration::from_secs(5),
        }
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The full URL of a request.
    pub fn url(&self, req: &Request) -> String {
        format!("{}{}", self.base_url, req.path)
    }

    /// Sends once, no retries.
    pub async fn send_once(&self, req: &Request) -> Result<Response, TransportError> {
        let url = self.url(req);
        let method = reqwest::Method::from_bytes(req.method.as_bytes())
            .map_err(|e| TransportError::Unsendable(format!("method `{}`: {e}", req.method)))?;
        let mut b = self.client.request(method, &url).body(req.body.clone());
        for (k, v) in &req.headers {
            let name = reqwest::header::HeaderName::from_bytes(k.as_bytes())
                .map_err(|e| TransportError::Unsendable(format!("header name `{k}`: {e}")))?;
            let value = reqwest::header::HeaderValue::from_str(v)
                .map_err(|e| TransportError::Unsendable(format!("header `{k}` value: {e}")))?;
            b = b.header(name, value);
        }
        let classify = |e: reqwest::Error| {
            if e.is_timeout() {
                TransportError::Timeout {
                    url: url.clone(),
                    timeout_ms: self.timeout.as_millis() as u64,
                }
            } else if e.is_connect() {
                TransportError::Connect {
                    url: url.clone(),
                    message: e.to_string(),
                }
            } else {
                TransportError::Broken {
                    url: url.clone(),
                    message: format!("{e}: {:?}", std::error::Error::source(&e)),
                }
            }
        };
        let mut resp = b.send().await.map_err(classify)?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(classify)? {
            let room = MAX_RESPONSE_BYTES.saturating_sub(body.len());
            body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if room <= chunk.len() {
                break;
            }
        }
        Ok(Response {
            status,
            headers,
            body,
        })
    }

    /// Sends with bounded retries: connection errors, and 429/503 (waiting `Retry-After`,
    /// capped). Returns the last answer or error.
    pub async fn send(&self, req: &Request) -> Result<Response, TransportError> {
        let mut attempt = 0;
        loop {
            let r = self.send_once(req).await;
            let wait = match &r {
                Err(TransportError::Connect { .. }) => {
                    Some(Duration::from_millis(100 << attempt.min(4)))
                }
                Ok(resp) if resp.status == 429 || resp.status == 503 => Some(
                    resp.header("retry-after")
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs)
                        .unwrap_or(Duration::from_millis(200))
                        .min(self.max_retry_after),
                ),
                _ => None,
            };
            match wait {
                Some(w) if attempt < self.retries => {
                    attempt += 1;
                    tokio::time::sleep(w).await;
                }
                _ => return r,
            }
        }
    }
}
