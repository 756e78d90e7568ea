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

/// Bodies longer than this go over a connection of their own that reads the answer while it
/// writes (see the `early` module): a server may answer from the head alone and reset the connection
/// while the body is still on its way. A shorter body is in the socket's buffer at once.
pub const EARLY_ANSWER_BODY: usize = 64 * 1024;

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
        if req.body.len() > EARLY_ANSWER_BODY {
            return early::send(self, req).await;
        }
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
        let resp = b.send().await.map_err(classify)?;
        let status = resp.status().as_u16();
        let headers = header_pairs(resp.headers());
        // the client's timeout covers the body too: an endless or trickling body ends at the
        // deadline or at the cap, whichever comes first
        let mut body = Capped::new(self.max_response_bytes);
        let mut resp = resp;
        while let Some(chunk) = resp.chunk().await.map_err(classify)? {
            if body.push(&chunk) {
                break;
            }
        }
        Ok(body.into_response(status, headers))
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

/// A response body read up to a cap: what is kept, and how much was seen.
struct Capped {
    cap: usize,
    body: Vec<u8>,
    seen: u64,
}

impl Capped {
    fn new(cap: usize) -> Capped {
        Capped {
            cap,
            body: Vec::new(),
            seen: 0,
        }
    }

    /// Keeps what fits of `chunk`; true once more than the cap was seen (stop reading).
    fn push(&mut self, chunk: &[u8]) -> bool {
        self.seen += chunk.len() as u64;
        let take = chunk.len().min(self.cap.saturating_sub(self.body.len()));
        if self.body.capacity() - self.body.len() < take {
            // doubling, but never past the cap: a body cut at 1 MiB holds 1 MiB, not 2
            let grown = (self.body.len() + take)
                .max(self.body.capacity() * 2)
                .min(self.cap);
            self.body.reserve_exact(grown - self.body.len());
        }
        self.body.extend_from_slice(&chunk[..take]);
        self.seen > self.cap as u64
    }

    fn into_response(self, status: u16, headers: Vec<(String, String)>) -> Response {
        let mut r = Response::new(status, headers, self.body);
        if self.seen > self.cap as u64 {
            r.body_len = Some(self.seen);
        }
        r
    }
}

/// Early answers: a server may send its final answer (a 413 from `Content-Length` alone, say)
/// while the client is still sending the body, and then close the connection with the body
/// unread, which the kernel turns into a reset. The answer is in the client's receive buffer
/// before the reset; curl reads it. Here a large body goes over a connection of its own whose
/// writes, once the peer has gone, are dropped instead of failing the exchange: the client
/// finishes "sending" and reads what came back, the early answer, or, when nothing did, the
/// broken connection it is.
mod early {
    use super::{Capped, Remote, Response, TransportError};
    use crate::contract::spec::{Framing, Request};
    use http_body_util::BodyExt;
    use hyper::body::{Bytes, Frame};
    use std::pin::Pin;
    use std::task::{Context, Poll};
    use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

    /// A socket whose writes succeed (into nothing) once the peer has reset the connection:
    /// what it sent before that is still to be read.
    struct Deaf {
        io: tokio::net::TcpStream,
        gone: bool,
    }

    fn peer_gone(e: &std::io::Error) -> bool {
        matches!(
            e.kind(),
            std::io::ErrorKind::BrokenPipe
                | std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::ConnectionAborted
        )
    }

    impl AsyncRead for Deaf {
        fn poll_read(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<std::io::Result<()>> {
            Pin::new(&mut self.io).poll_read(cx, buf)
        }
    }

    impl AsyncWrite for Deaf {
        fn poll_write(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<std::io::Result<usize>> {
            if self.gone {
                return Poll::Ready(Ok(buf.len()));
            }
            match Pin::new(&mut self.io).poll_write(cx, buf) {
                Poll::Ready(Err(e)) if peer_gone(&e) => {
                    self.gone = true;
                    Poll::Ready(Ok(buf.len()))
                }
                other => other,
            }
        }
        fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            if self.gone {
                return Poll::Ready(Ok(()));
            }
            match Pin::new(&mut self.io).poll_flush(cx) {
                Poll::Ready(Err(e)) if peer_gone(&e) => {
                    self.gone = true;
                    Poll::Ready(Ok(()))
                }
                other => other,
            }
        }
        fn poll_shutdown(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<std::io::Result<()>> {
            match Pin::new(&mut self.io).poll_shutdown(cx) {
                Poll::Ready(Err(e)) if peer_gone(&e) => Poll::Ready(Ok(())),
                other => other,
            }
        }
    }

    /// Ends the connection's task when the exchange ends (or is dropped at the deadline).
    struct AbortOnDrop(tokio::task::JoinHandle<()>);

    impl Drop for AbortOnDrop {
        fn drop(&mut self) {
            self.0.abort();
        }
    }

    /// One exchange over a connection of its own, within the client's timeout.
    pub(super) async fn send(remote: &Remote, req: &Request) -> Result<Response, TransportError> {
        let url = remote.url(req);
        match tokio::time::timeout(remote.timeout, exchange(remote, req, &url)).await {
            Ok(r) => r,
            Err(_) => Err(TransportError::Timeout {
                url,
                timeout_ms: remote.timeout.as_millis() as u64,
            }),
        }
    }

    async fn exchange(
        remote: &Remote,
        req: &Request,
        url: &str,
    ) -> Result<Response, TransportError> {
        let unsendable = |what: String| TransportError::Unsendable(what);
        let broken = |e: &dyn std::fmt::Display| TransportError::Broken {
            url: url.to_string(),
            message: e.to_string(),
        };
        let parsed = reqwest::Url::parse(url).map_err(|e| unsendable(format!("url: {e}")))?;
        let host = parsed
            .host_str()
            .ok_or_else(|| unsendable(format!("no host in {url}")))?
            .to_string();
        let port = parsed.port_or_known_default().unwrap_or(80);
        let target = match parsed.query() {
            Some(q) => format!("{}?{q}", parsed.path()),
            None => parsed.path().to_string(),
        };
        let authority = match parsed.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.clone(),
        };
        let mut builder = hyper::Request::builder()
            .method(req.method.as_str())
            .uri(target)
            .header(hyper::header::HOST, authority);
        for (k, v) in &req.headers {
            let name = hyper::header::HeaderName::from_bytes(k.as_bytes())
                .map_err(|e| unsendable(format!("header name `{k}`: {e}")))?;
            let value = hyper::header::HeaderValue::from_str(v)
                .map_err(|e| unsendable(format!("header `{k}` value: {e}")))?;
            builder = builder.header(name, value);
        }
        let body = match Framing::of(req) {
            Framing::ContentLength => http_body_util::Full::new(Bytes::from(req.body.clone()))
                .map_err(|never| match never {})
                .boxed(),
            // H4.b: the same chunks as the pooled client sends (a stream of unknown length)
            Framing::Chunked => {
                let frames: Vec<Result<Frame<Bytes>, std::io::Error>> = super::chunks(&req.body)
                    .map(|c| Ok(Frame::data(Bytes::copy_from_slice(c))))
                    .collect();
                http_body_util::StreamBody::new(futures_util::stream::iter(frames)).boxed()
            }
        };
        let request = builder
            .body(body)
            .map_err(|e| unsendable(format!("request: {e}")))?;
        let stream = tokio::net::TcpStream::connect((host.as_str(), port))
            .await
            .map_err(|e| TransportError::Connect {
                url: url.to_string(),
                message: e.to_string(),
            })?;
        let _ = stream.set_nodelay(true);
        let io = hyper_util::rt::TokioIo::new(Deaf {
            io: stream,
            gone: false,
        });
        let (mut sender, conn) = hyper::client::conn::http1::handshake(io)
            .await
            .map_err(|e| broken(&e))?;
        let _task = AbortOnDrop(tokio::spawn(async move {
            let _ = conn.await;
        }));
        let resp = sender.send_request(request).await.map_err(|e| broken(&e))?;
        let status = resp.status().as_u16();
        let headers = super::header_pairs(resp.headers());
        let mut body = Capped::new(remote.max_response_bytes);
        let mut incoming = resp.into_body();
        while let Some(frame) = incoming.frame().await {
            let frame = frame.map_err(|e| broken(&e))?;
            if let Ok(data) = frame.into_data() {
                if body.push(&data) {
                    break;
                }
            }
        }
        Ok(body.into_response(status, headers))
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

/// A response's headers as (name, value) pairs, values read lossily as UTF-8 (both clients).
fn header_pairs(headers: &hyper::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}
