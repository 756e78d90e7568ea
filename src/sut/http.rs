//! The HTTP [`Target`]: sends a model [`Request`] below a base URL and returns what came back,
//! with a deadline on the whole exchange (headers and body), bounded retries of 429/503
//! honouring `Retry-After`, one quick retry of a refused connection, and a cap on the response
//! body (a hostile server can neither exhaust memory nor hang the runner).

use super::{BoxFuture, DEFAULT_MAX_RESPONSE_BYTES, Target};
pub use super::{Response, TransportError};
use crate::contract::spec::{Framing, Request};
use std::time::Duration;

/// The pieces a chunked body is sent in: up to three, the first the smallest (an empty body is
/// no chunk: the final empty chunk alone).
pub fn chunks(body: &[u8]) -> impl Iterator<Item = &[u8]> {
    let first = body.len().min(1 + body.len() / 7);
    let second = (body.len() - first) / 2;
    let (a, rest) = body.split_at(first);
    let (b, c) = rest.split_at(second);
    [a, b, c].into_iter().filter(|c| !c.is_empty())
}

/// The HTTP client of a [`Remote`]: whole-exchange timeout, no redirects.
fn client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(timeout)
        .pool_max_idle_per_host(64)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default()
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
    /// Largest response body read; the rest is not read and the response is marked cut.
    pub max_response_bytes: usize,
}

impl Remote {
    /// A client for `base_url` (e.g. `http://127.0.0.1:8080/beta`) with a per-request timeout.
    pub fn new(base_url: &str, timeout: Duration) -> Remote {
        Remote {
            base_url: base_url.trim_end_matches('/').to_string(),
            client: client(timeout),
            timeout,
            retries: 3,
            max_retry_after: Duration::from_secs(5),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// The same settings with a client (and connection pool) of its own.
    pub fn fresh(&self) -> Remote {
        Remote {
            client: client(self.timeout),
            ..self.clone()
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
    pub(crate) async fn send_once(&self, req: &Request) -> Result<Response, TransportError> {
        let url = self.url(req);
        let method = reqwest::Method::from_bytes(req.method.as_bytes())
            .map_err(|e| TransportError::Unsendable(format!("method `{}`: {e}", req.method)))?;
        let body = match Framing::of(req) {
            Framing::ContentLength => reqwest::Body::from(req.body.clone()),
            // H4.b: chunks of unknown length (hyper frames a stream body as chunked), up to
            // three, so a server that reads only the first chunk shows it
            Framing::Chunked => {
                let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
                    chunks(&req.body).map(|c| Ok(c.to_vec())).collect();
                reqwest::Body::wrap_stream(futures_util::stream::iter(chunks))
            }
        };
        let mut b = self.client.request(method, &url).body(body);
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
        // the client's timeout covers the body too: an endless or trickling body ends at the
        // deadline or at the cap, whichever comes first
        let cap = self.max_response_bytes;
        let mut body = Vec::new();
        let mut seen: u64 = 0;
        while let Some(chunk) = resp.chunk().await.map_err(classify)? {
            seen += chunk.len() as u64;
            let room = cap.saturating_sub(body.len());
            let take = chunk.len().min(room);
            if body.capacity() - body.len() < take {
                // doubling, but never past the cap: a body cut at 1 MiB holds 1 MiB, not 2
                let grown = (body.len() + take).max(body.capacity() * 2).min(cap);
                body.reserve_exact(grown - body.len());
            }
            body.extend_from_slice(&chunk[..take]);
            if seen > cap as u64 {
                break;
            }
        }
        let mut r = Response::new(status, headers, body);
        if seen > cap as u64 {
            r.body_len = Some(seen);
        }
        Ok(r)
    }

    /// Sends with bounded retries: connection errors, and 429/503 (waiting `Retry-After`,
    /// capped). Returns the last answer or error.
    pub async fn send(&self, req: &Request) -> Result<Response, TransportError> {
        let mut attempt = 0;
        loop {
            let r = self.send_once(req).await;
            let wait = match &r {
                // one quick retry: a longer outage is the runner's business (crash awareness)
                Err(TransportError::Connect { .. }) if attempt == 0 => {
                    Some(Duration::from_millis(100))
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

impl Target for Remote {
    fn send<'a>(&'a self, req: &'a Request) -> BoxFuture<'a, Result<Response, TransportError>> {
        Box::pin(Remote::send(self, req))
    }
    fn describe(&self) -> String {
        self.base_url.clone()
    }
    fn for_lane(&self) -> Option<std::sync::Arc<dyn Target>> {
        Some(std::sync::Arc::new(self.fresh()))
    }
}
