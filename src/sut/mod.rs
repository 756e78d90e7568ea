//! Layer 4, the one seam: every implementation the harness checks is a [`Target`]. Send a
//! [`Request`], get a [`Response`] or a [`TransportError`] — nothing else.
//!
//! Implemented by
//! * [`http::Remote`] (feature `remote`): any implementation over HTTP below a base URL;
//! * [`model::ModelTarget`]: the reference model in process, no socket (what `serve` serves);
//! * [`implementation::InProcess`]: an adapter for a user's own Rust implementation;
//! * [`mutant::Mutated`]: the model with built-in bugs, a decorator for the self-test;
//! * [`benign::Varied`]: the model using the freedoms the contract leaves (nothing may be flagged).
//!
//! The runner, `check`, the self-tests, the endpoint and the differential fuzz target all go
//! through this trait, as wiremock's `Respond` is the one seam of a mock server.

pub mod benign;
#[cfg(feature = "remote")]
pub mod http;
pub mod implementation;
pub mod model;
pub mod mutant;

use crate::contract::spec::Request;
use std::future::Future;
use std::pin::Pin;

/// A boxed future, so [`Target`] is object-safe (`&dyn Target`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Largest response body kept by default (bytes); a longer body is cut and marked, and the
/// judge reports it under E3.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// What came back.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Response {
    /// Status.
    pub status: u16,
    /// Headers, as sent (names in any case; [`Response::header`] compares case-insensitively).
    pub headers: Vec<(String, String)>,
    /// Body (possibly cut: see `body_len`).
    #[serde(with = "lossy")]
    pub body: Vec<u8>,
    /// The length of the body as sent, when it was longer than what `body` keeps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_len: Option<u64>,
}

mod lossy {
    use serde::{Deserialize, Deserializer, Serializer};
    pub(crate) fn serialize<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&String::from_utf8_lossy(b))
    }
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        Ok(String::deserialize(d)?.into_bytes())
    }
}

impl Response {
    /// A response with a status, headers and body.
    pub fn new(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Response {
        Response {
            status,
            headers,
            body,
            body_len: None,
        }
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the body was cut (it was longer than the cap).
    pub fn truncated(&self) -> bool {
        self.body_len.is_some()
    }

    /// A copy whose body keeps at most `max` bytes (for findings and reports), recording the
    /// original length when it was cut.
    pub fn clipped(&self, max: usize) -> Response {
        if self.body.len() <= max {
            return self.clone();
        }
        Response {
            status: self.status,
            headers: self.headers.clone(),
            body: self.body[..max].to_vec(),
            body_len: Some(self.body_len.unwrap_or(self.body.len() as u64)),
        }
    }
}

/// A transport failure: the implementation did not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// Could not connect (refused, unreachable).
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

impl TransportError {
    /// Whether this says the implementation is not there (refused or reset connection), as
    /// opposed to one bad answer.
    pub fn is_down(&self) -> bool {
        matches!(self, TransportError::Connect { .. })
    }
}

/// The one seam: an implementation of the operation, however it is reached.
///
/// ```
/// use tpr_harness::contract::{profile::Profile, spec::Request};
/// use tpr_harness::model::{fixture::Fixture, store::{Store, Tokens}};
/// use tpr_harness::sut::{Target, model::ModelTarget};
/// let profile = Profile::graph();
/// let store = Store::new(&Fixture::generate(1, &profile), Tokens::new("t", None));
/// let target = ModelTarget::new(store, profile);
/// let resp = tpr_harness::sut::block_on(target.send(&Request::new("DELETE", "/x"))).unwrap().unwrap();
/// assert_eq!(resp.status, 401);
/// ```
pub trait Target: Send + Sync {
    /// Sends one request and returns the answer.
    fn send<'a>(&'a self, req: &'a Request) -> BoxFuture<'a, Result<Response, TransportError>>;

    /// Where it is (a base URL, or a name for in-process targets), for reports and repro lines.
    fn describe(&self) -> String;

    /// A target of its own for one lane of a run, which the lane drives from its own thread:
    /// the same implementation reached through a client and connections of its own (an HTTP
    /// client's connections belong to the runtime that opened them). `None`, the default: the
    /// lanes share this one (in-process targets, whose `send` needs no runtime).
    fn for_lane(&self) -> Option<std::sync::Arc<dyn Target>> {
        None
    }
}

impl<T: Target + ?Sized> Target for &T {
    fn send<'a>(&'a self, req: &'a Request) -> BoxFuture<'a, Result<Response, TransportError>> {
        (**self).send(req)
    }
    fn describe(&self) -> String {
        (**self).describe()
    }
    fn for_lane(&self) -> Option<std::sync::Arc<dyn Target>> {
        (**self).for_lane()
    }
}

impl<T: Target + ?Sized> Target for std::sync::Arc<T> {
    fn send<'a>(&'a self, req: &'a Request) -> BoxFuture<'a, Result<Response, TransportError>> {
        (**self).send(req)
    }
    fn describe(&self) -> String {
        (**self).describe()
    }
    fn for_lane(&self) -> Option<std::sync::Arc<dyn Target>> {
        (**self).for_lane()
    }
}

/// Drives a future to completion on the current thread without a runtime: for in-process
/// targets, whose futures never wait on I/O (they may yield to let others interleave).
/// Returns `None` if the future stays pending for a million polls (it waits on something
/// that needs a runtime).
pub fn block_on<F: Future>(fut: F) -> Option<F::Output> {
    let mut fut = std::pin::pin!(fut);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    for _ in 0..1_000_000 {
        if let std::task::Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return Some(v);
        }
    }
    None
}

/// A future that is pending once, then ready: lets concurrent in-process requests interleave
/// deterministically (the S7 mutants use it between their read and their write).
pub(crate) async fn yield_once() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            std::task::Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        }
    })
    .await
}
