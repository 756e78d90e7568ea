//! The embedded endpoint: a [`Target`] (the reference model by default) served over HTTP.
//!
//! [`Responder`] is a [`wiremock::Respond`]: mount it on your own `MockServer` with
//! [`Responder::mount`]. It turns each request into the model's [`Request`] and asks its
//! target — by default [`ModelTarget`]: one shared store under one lock (S7), the first
//! acceptable answer in E4 order, the Graph error body with `innerError` (`date`, `request-id`,
//! `client-request-id` echoed), the 200 representation.
//!
//! **Memory.** wiremock keeps a clone of every request a mock matched, even with request
//! recording off (about 5.6 KB a request: 1.12 GB after 200 000). So [`Endpoint::start`] and
//! `tpr-harness serve` do not run a `MockServer`: they serve the *same responder* from a small
//! hyper server that keeps nothing per request, and read at most `max_body_bytes + 1` bytes of a
//! body (H4). Use `MockServer` mounting for short tests only.
//!
//! **Faults** (off by default): [`Faults`] answers a seeded share of requests with 429 or 503 and
//! `Retry-After`, and optional latency, reproducibly: the decision for the n-th request depends
//! only on the seed and n.

use crate::contract::profile::Profile;
use crate::contract::spec::Request;
use crate::model::fixture::SplitMix;
use crate::model::store::{Store, Tokens};
use crate::sut::model::{ModelTarget, error_response, fresh_request_id};
use crate::sut::mutant::{Mutant, Mutated};
use crate::sut::{Response, Target};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The version root the endpoint serves below (the base URL carries it).
pub const VERSION_ROOT: &str = "/beta";

/// Seeded fault injection for client retry testing.
#[derive(Debug, Clone, PartialEq)]
pub struct Faults {
    /// Share of requests answered 429/503 (0.0–1.0).
    pub rate: f64,
    /// Seed of the schedule.
    pub seed: u64,
    /// Added latency range in milliseconds (min, max), if any.
    pub latency_ms: Option<(u64, u64)>,
    /// `Retry-After` seconds.
    pub retry_after_s: u64,
}

/// What fault, if any, the n-th request gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaultDecision {
    /// 429 or 503, or none.
    pub status: Option<u16>,
    /// Latency to add.
    pub delay: Duration,
}

impl Faults {
    /// The decision for request number `n` (0-based): a pure function of the seed and `n`.
    pub fn decide(&self, n: u64) -> FaultDecision {
        let mut rng = SplitMix(self.seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let roll = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let status = (roll < self.rate).then(|| if rng.next_u64() % 2 == 0 { 429 } else { 503 });
        let delay = match self.latency_ms {
            Some((lo, hi)) if hi >= lo => {
                Duration::from_millis(lo + rng.next_u64() % (hi - lo + 1))
            }
            _ => Duration::ZERO,
        };
        FaultDecision { status, delay }
    }
}

/// A [`Target`] served over HTTP: the reference model by default ([`Responder::new`]), the
/// model with built-in bugs ([`Responder::with_mutants`]) or any other target
/// ([`Responder::serving`]), plus optional seeded faults and a request log. The responder
/// itself decides nothing: it turns HTTP into a [`Request`], asks the target, and sends back
/// the [`Response`].
pub struct Responder {
    target: Arc<dyn Target>,
    model: Option<Arc<ModelTarget>>,
    profile: Profile,
    faults: Option<Faults>,
    counter: AtomicU64,
    log: bool,
}

/// The first version's name of [`Responder`] (it serves any [`Target`], not only the model).
#[deprecated(note = "use tpr_harness::endpoint::Responder")]
pub type ModelResponder = Responder;

impl std::fmt::Debug for Responder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Responder")
            .field("target", &self.target.describe())
            .field("faults", &self.faults)
            .finish()
    }
}

impl Responder {
    /// The reference model over `store` under `profile`.
    pub fn new(store: Store, profile: Profile) -> Responder {
        let model = Arc::new(ModelTarget::new(store, profile.clone()));
        Responder {
            target: model.clone(),
            model: Some(model),
            profile,
            faults: None,
            counter: AtomicU64::new(0),
            log: false,
        }
    }

    /// Any target (a user's in-process implementation, a decorator), served under `profile`'s
    /// body limit. [`Responder::snapshot`] is then empty.
    pub fn serving(target: Arc<dyn Target>, profile: Profile) -> Responder {
        Responder {
            target,
            model: None,
            profile,
            faults: None,
            counter: AtomicU64::new(0),
            log: false,
        }
    }

    /// The same model, broken by `mutants` (for the self-test and `serve --mutant`).
    pub fn with_mutants(mut self, mutants: &[Mutant]) -> Responder {
        if let (Some(model), false) = (&self.model, mutants.is_empty()) {
            self.target = Arc::new(Mutated::over(model.clone(), mutants));
        }
        self
    }

    /// Breaks one rule on purpose (for the runner's self-test); `None` keeps it correct.
    pub fn with_mutant(self, mutant: Option<Mutant>) -> Responder {
        let list: Vec<Mutant> = mutant.into_iter().collect();
        self.with_mutants(&list)
    }

    /// Enables seeded faults.
    pub fn with_faults(mut self, faults: Option<Faults>) -> Responder {
        self.faults = faults;
        self
    }

    /// Logs one line per request to standard error.
    pub(crate) fn with_log(mut self, log: bool) -> Responder {
        self.log = log;
        self
    }

    /// The profile it answers under.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// A copy of the model's current store (empty for [`Responder::serving`]).
    pub fn snapshot(&self) -> Store {
        match &self.model {
            Some(m) => m.snapshot(),
            None => Store::new(
                &crate::model::fixture::Fixture::default(),
                Tokens::default(),
            ),
        }
    }

    /// How many requests it answered.
    pub fn requests(&self) -> u64 {
        self.counter.load(Ordering::Relaxed)
    }

    /// Answers one request; its path is the raw path below the host (with the version root
    /// and query). Returns the response and the delay to wait before sending it (faults).
    pub async fn answer(&self, mut req: Request) -> (Response, Duration) {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let decision = self.faults.as_ref().map(|f| f.decide(n));
        let delay = decision.map(|d| d.delay).unwrap_or_default();
        if let Some(status) = decision.and_then(|d| d.status) {
            let retry = self.faults.as_ref().map(|f| f.retry_after_s).unwrap_or(1);
            let mut resp = error_response(
                status,
                "Injected fault (seeded); retry after the given delay.",
                &fresh_request_id(),
                req.header_values("client-request-id").next(),
            );
            resp.headers.push(("Retry-After".into(), retry.to_string()));
            self.log_line(&req.method, "", &req.path, status);
            return (resp, delay);
        }
        // the model sees the path below the version root; it is cut off in place
        let root = req
            .path
            .strip_prefix(VERSION_ROOT)
            .is_some_and(|p| p.starts_with('/'));
        if !root {
            // R1: nothing is served outside the version root (Graph answers 404 there), so a
            // base URL without `/beta` fails at once instead of running as if it were right
            let resp = error_response(
                404,
                &format!("Resource not found: this endpoint serves {VERSION_ROOT}/… only."),
                &fresh_request_id(),
                req.header_values("client-request-id").next(),
            );
            self.log_line(&req.method, "", &req.path, resp.status);
            return (resp, delay);
        }
        req.path.drain(..VERSION_ROOT.len());
        let resp = match self.target.send(&req).await {
            Ok(r) => r,
            Err(e) => error_response(502, &e.to_string(), &fresh_request_id(), None),
        };
        self.log_line(&req.method, VERSION_ROOT, &req.path, resp.status);
        (resp, delay)
    }

    fn log_line(&self, method: &str, root: &str, path: &str, status: u16) {
        if self.log {
            #[allow(clippy::print_stderr)]
            {
                eprintln!("{status} {method} {root}{path}");
            }
        }
    }

    /// Mounts this responder for every request on a wiremock `MockServer` (short tests only:
    /// wiremock keeps every matched request in memory).
    pub async fn mount(self: Arc<Self>, server: &wiremock::MockServer) {
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(SharedResponder(self))
            .mount(server)
            .await;
    }
}

/// The headers as the model's [`Request`] holds them (a value that is not UTF-8 read lossily),
/// for `serve` and for wiremock alike.
fn owned_headers(headers: &hyper::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| {
            let value = match std::str::from_utf8(v.as_bytes()) {
                Ok(text) => text.to_owned(),
                Err(_) => String::from_utf8_lossy(v.as_bytes()).into_owned(),
            };
            (k.as_str().to_string(), value)
        })
        .collect()
}

impl wiremock::Respond for Responder {
    fn respond(&self, req: &wiremock::Request) -> wiremock::ResponseTemplate {
        let path = match req.url.query() {
            Some(q) => format!("{}?{q}", req.url.path()),
            None => req.url.path().to_string(),
        };
        // wiremock asks synchronously; in-process targets never wait on I/O
        let answered = crate::sut::block_on(self.answer(Request {
            method: req.method.as_str().to_string(),
            path,
            headers: owned_headers(&req.headers),
            body: req.body.clone(),
        }));
        let Some((resp, delay)) = answered else {
            return wiremock::ResponseTemplate::new(500);
        };
        let mut t = wiremock::ResponseTemplate::new(resp.status).set_body_bytes(resp.body);
        for (k, v) in resp.headers {
            t = t.append_header(k.as_str(), v.as_str());
        }
        if !delay.is_zero() {
            t = t.set_delay(delay);
        }
        t
    }
}

/// `Arc<Responder>` as a `Respond`, so a test keeps a handle to inspect the store.
struct SharedResponder(Arc<Responder>);

impl wiremock::Respond for SharedResponder {
    fn respond(&self, req: &wiremock::Request) -> wiremock::ResponseTemplate {
        self.0.respond(req)
    }
}

/// A running endpoint: the responder served on a loopback port by a small hyper server that
/// keeps nothing per request. Dropping it stops the server.
#[derive(Debug)]
pub struct Endpoint {
    addr: SocketAddr,
    responder: Arc<Responder>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

/// What keeps a slow, stalled or numerous client from holding the endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A request's headers must arrive within this (also the keep-alive idle limit).
    pub header_timeout: Duration,
    /// A request's body must arrive within this, else 408 and the connection closes.
    pub body_timeout: Duration,
    /// Open connections at most; more are closed as they arrive.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            max_connections: 1024,
        }
    }
}

/// The endpoint could not start.
#[derive(Debug, thiserror::Error)]
#[error("cannot start the endpoint on {addr}: {source}")]
pub struct StartError {
    /// The address.
    pub addr: String,
    /// Why.
    pub source: std::io::Error,
}

impl Endpoint {
    /// Starts the endpoint on a free loopback port (must be called inside a tokio runtime).
    pub async fn start(responder: Responder) -> Result<Endpoint, StartError> {
        Endpoint::start_on(responder, SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts the endpoint on `addr` (port 0 picks a free one) with the default [`Limits`].
    pub(crate) async fn start_on(
        responder: Responder,
        addr: SocketAddr,
    ) -> Result<Endpoint, StartError> {
        Endpoint::start_with(responder, addr, Limits::default()).await
    }

    /// Starts the endpoint on `addr` with `limits`: a slow or stalled client cannot hold it.
    pub async fn start_with(
        responder: Responder,
        addr: SocketAddr,
        limits: Limits,
    ) -> Result<Endpoint, StartError> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| StartError {
                addr: addr.to_string(),
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError {
            addr: addr.to_string(),
            source,
        })?;
        let responder = Arc::new(responder);
        let (tx, mut rx) = tokio::sync::oneshot::channel::<()>();
        let r = responder.clone();
        let open = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
        tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    _ = &mut rx => break,
                    a = listener.accept() => a,
                };
                let Ok((stream, _)) = accepted else { continue };
                // past the cap a new connection is closed at once: the open ones keep working
                let Ok(permit) = open.clone().try_acquire_owned() else {
                    drop(stream);
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let r = r.clone();
                tokio::spawn(async move {
                    let _permit = permit;
                    connection(stream, r, limits).await;
                });
            }
        });
        Ok(Endpoint {
            addr,
            responder,
            shutdown: Some(tx),
        })
    }

    /// The base URL including the version root, e.g. `http://127.0.0.1:41234/beta`.
    pub fn base_url(&self) -> String {
        format!("http://{}{VERSION_ROOT}", self.addr)
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The responder (to inspect the store in tests).
    pub fn responder(&self) -> &Arc<Responder> {
        &self.responder
    }
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Serves one connection (any byte stream) until it closes: the HTTP handling `serve` runs for
/// every socket, and the `endpoint_bytes` fuzz target runs on raw bytes.
pub async fn connection<S>(stream: S, responder: Arc<Responder>, limits: Limits)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let io = hyper_util::rt::TokioIo::new(stream);
    let body_timeout = limits.body_timeout;
    let service = service_fn(move |req| serve_one(responder.clone(), req, body_timeout));
    // headers must arrive within the header timeout (a client sending one byte a second is
    // dropped); an idle keep-alive connection too
    let _ = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        // a client may shut its write side while it waits for the answer
        .half_close(true)
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .serve_connection(io, service)
        .await;
}

/// Feeds `bytes` as one client connection to the endpoint's HTTP handling over an in-memory
/// stream and returns everything it wrote back (the body of the `endpoint_bytes` fuzz target).
/// Never panics on any input.
pub fn serve_bytes(responder: &Arc<Responder>, bytes: &[u8]) -> Vec<u8> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return Vec::new();
    };
    let limits = Limits {
        header_timeout: Duration::from_millis(200),
        body_timeout: Duration::from_millis(200),
        max_connections: 1,
    };
    rt.block_on(async {
        let (mut client, server) = tokio::io::duplex(64 * 1024);
        let task = tokio::spawn(connection(server, responder.clone(), limits));
        let _ = client.write_all(bytes).await;
        let _ = client.shutdown().await;
        let mut out = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(2), client.read_to_end(&mut out)).await;
        task.abort();
        out
    })
}

/// What a body past the limit may still send before the 413 goes out (it is read and dropped).
const DRAIN_BYTES: usize = 64 * 1024 * 1024;

/// Why a request body was not read whole.
enum BodyRead {
    /// More than the limit arrived (the rest was drained, up to [`DRAIN_BYTES`] or the
    /// deadline), or the body broke off.
    Over,
    /// It did not arrive by the deadline.
    Late,
}

/// Reads a body of at most `limit` bytes, whatever its framing, by `deadline`.
async fn read_body(
    mut body: Incoming,
    limit: usize,
    deadline: tokio::time::Instant,
) -> Result<Vec<u8>, BodyRead> {
    // room for what the framing announces (`Content-Length`), never past the limit: a large
    // body is not copied as it grows, nor held in twice its size
    let announced = usize::try_from(hyper::body::Body::size_hint(&body).lower()).unwrap_or(0);
    let mut buf = Vec::with_capacity(announced.min(limit));
    let mut over = false;
    let mut drained = 0usize;
    // one timer for the whole body, not one per frame
    let late = tokio::time::sleep_until(deadline);
    tokio::pin!(late);
    loop {
        let next = tokio::select! {
            biased;
            frame = body.frame() => Ok(frame),
            () = &mut late => Err(()),
        };
        let frame = match next {
            Err(_) if over => return Err(BodyRead::Over),
            Err(_) => return Err(BodyRead::Late),
            Ok(None) if over => return Err(BodyRead::Over),
            Ok(None) => return Ok(buf),
            Ok(Some(Err(_))) => return Err(BodyRead::Over),
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        if over {
            drained = drained.saturating_add(data.len());
            if drained > DRAIN_BYTES {
                return Err(BodyRead::Over);
            }
        } else if buf.len() + data.len() > limit {
            over = true;
            drained = buf.len() + data.len();
            buf = Vec::new();
        } else {
            buf.extend_from_slice(&data);
        }
    }
}

async fn serve_one(
    r: Arc<Responder>,
    req: hyper::Request<Incoming>,
    body_timeout: Duration,
) -> Result<hyper::Response<Full<Bytes>>, std::convert::Infallible> {
    let (parts, incoming) = req.into_parts();
    let method = parts.method.as_str().to_string();
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let headers = owned_headers(&parts.headers);
    // H4: never read more than the limit + 1 bytes; the model answers 413 for that length.
    let limit = usize::try_from(r.profile().max_body_bytes.saturating_add(1)).unwrap_or(usize::MAX);
    // H4.b: whatever the framing (`Content-Length` or chunked), counted as received. Past the
    // limit the rest is read and dropped (at most DRAIN_BYTES, within the same deadline) before
    // the 413 goes out: a client still sending chunks would otherwise see a broken pipe, not
    // the answer.
    let mut over = false;
    let deadline = tokio::time::Instant::now() + body_timeout;
    let body = match read_body(incoming, limit, deadline).await {
        Ok(b) => b,
        Err(BodyRead::Over) => {
            over = true;
            vec![b' '; limit]
        }
        Err(BodyRead::Late) => {
            // the body did not arrive in time: 408 and close, the model is not asked
            let resp = hyper::Response::builder()
                .status(408)
                .header("Content-Type", "application/json")
                .header("Connection", "close")
                .body(Full::new(Bytes::from_static(
                    br#"{"error":{"code":"RequestTimeout","message":"the request body did not arrive in time"}}"#,
                )))
                .unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new())));
            return Ok(resp);
        }
    };
    let request = Request {
        method,
        path,
        headers,
        body,
    };
    let (reply, delay) = r.answer(request).await;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    Ok(to_hyper(reply, over).unwrap_or_else(|| hyper::Response::new(Full::new(Bytes::new()))))
}

/// The target's response as hyper sends it, with `Connection: close` when `close`; `None` when
/// its status or a header is not valid HTTP. Header values are moved, not copied, and the
/// names the model sends are not parsed.
fn to_hyper(reply: Response, close: bool) -> Option<hyper::Response<Full<Bytes>>> {
    use hyper::header::{self, HeaderName, HeaderValue};
    const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
    let mut resp = hyper::Response::new(Full::new(Bytes::from(reply.body)));
    *resp.status_mut() = hyper::StatusCode::from_u16(reply.status).ok()?;
    let headers = resp.headers_mut();
    headers.reserve(reply.headers.len() + 1);
    for (name, value) in reply.headers {
        let name = if name.eq_ignore_ascii_case("request-id") {
            REQUEST_ID
        } else if name.eq_ignore_ascii_case("content-type") {
            header::CONTENT_TYPE
        } else {
            HeaderName::from_bytes(name.as_bytes()).ok()?
        };
        headers.append(name, HeaderValue::try_from(value).ok()?);
    }
    if close {
        headers.append(header::CONNECTION, HeaderValue::from_static("close"));
    }
    Some(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e1_s4_a_response_reaches_hyper_with_its_status_and_every_header_as_given() {
        let reply = Response::new(
            404,
            vec![
                ("Content-Type".into(), "application/json".into()),
                ("request-id".into(), "r1".into()),
                ("Request-Id".into(), "r2".into()),
                ("Allow".into(), "GET, PATCH".into()),
            ],
            b"{}".to_vec(),
        );
        let Some(resp) = to_hyper(reply.clone(), false) else {
            panic!("a valid response is sent as is");
        };
        assert_eq!(resp.status(), 404);
        let h = resp.headers();
        assert_eq!(h["content-type"], "application/json");
        let ids: Vec<_> = h.get_all("request-id").iter().collect();
        assert_eq!(ids, ["r1", "r2"]);
        assert_eq!(h["allow"], "GET, PATCH");
        assert!(h.get("connection").is_none());
        assert_eq!(h.len(), 4);
        let closed = to_hyper(reply.clone(), true).map(|r| r.headers()["connection"].clone());
        assert_eq!(closed.as_ref().map(|v| v.as_bytes()), Some(&b"close"[..]));
        // what hyper cannot send is not sent half-way
        for (name, value) in [("bad name", "v"), ("x", "line\nbreak")] {
            let mut bad = reply.clone();
            bad.headers.push((name.into(), value.into()));
            assert!(to_hyper(bad, false).is_none(), "{name:?}: {value:?}");
        }
        let mut bad = reply;
        bad.status = 42;
        assert!(to_hyper(bad, false).is_none());
    }
}
