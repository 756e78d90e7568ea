//! Your own Rust implementation as a [`Target`], in process: implement [`Implementation`]
//! (one method: answer a request) and wrap it in [`InProcess`]. The runner, `check`'s judge
//! and the differential fuzz target then drive it exactly as they drive a server over HTTP,
//! without a socket.
//!
//! ```
//! use tpr_harness::contract::spec::Request;
//! use tpr_harness::sut::{Response, implementation::{Implementation, InProcess}};
//! struct AlwaysNotFound;
//! impl Implementation for AlwaysNotFound {
//!     fn handle(&mut self, _req: &Request) -> Response {
//!         Response::new(404, vec![("Content-Type".into(), "application/json".into())],
//!             br#"{"error":{"code":"ResourceNotFound","message":"no"}}"#.to_vec())
//!     }
//! }
//! let target = InProcess::new("always-404", AlwaysNotFound);
//! # let _ = target;
//! ```

use super::{BoxFuture, Response, Target, TransportError};
use crate::contract::spec::Request;
use std::sync::Mutex;

/// An implementation of the operation, in process. The request's path is below the version
/// root (`/identityGovernance/…`), as the contract writes routes.
pub trait Implementation: Send {
    /// Answers one request.
    fn handle(&mut self, req: &Request) -> Response;
}

impl<F: FnMut(&Request) -> Response + Send> Implementation for F {
    fn handle(&mut self, req: &Request) -> Response {
        self(req)
    }
}

/// An [`Implementation`] behind a lock, as a [`Target`].
pub struct InProcess<I> {
    name: String,
    inner: Mutex<I>,
}

impl<I: Implementation> InProcess<I> {
    /// Wraps `imp`; `name` appears in reports.
    pub fn new(name: &str, imp: I) -> InProcess<I> {
        InProcess {
            name: name.to_string(),
            inner: Mutex::new(imp),
        }
    }

    /// The implementation back.
    pub fn into_inner(self) -> I {
        self.inner.into_inner().unwrap_or_else(|p| p.into_inner())
    }
}

impl<I: Implementation> Target for InProcess<I> {
    fn send<'a>(&'a self, req: &'a Request) -> BoxFuture<'a, Result<Response, TransportError>> {
        let r = self
            .inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .handle(req);
        Box::pin(std::future::ready(Ok(r)))
    }
    fn describe(&self) -> String {
        format!("in-process `{}`", self.name)
    }
}
