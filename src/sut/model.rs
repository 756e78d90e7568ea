//! The reference model as a [`Target`], in process: one store behind one lock (S7), answers
//! rendered exactly as `serve` sends them (status, `Content-Type`, `Preference-Applied`,
//! `Allow`, the Graph error envelope with `innerError`). No socket, no runtime.

use super::{BoxFuture, Response, Target, TransportError};
use crate::contract::profile::Profile;
use crate::contract::spec::{Request, error_code};
use crate::contract::timestamp::Timestamp;
use crate::model::fixture::SplitMix;
use crate::model::store::Store;
use crate::model::{self, Outcome};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

/// The reference model behind one lock.
#[derive(Debug)]
pub struct ModelTarget {
    store: Mutex<Store>,
    profile: Profile,
    counter: AtomicU64,
}

/// The `Content-Type` of a 200 representation.
pub const REPRESENTATION_CONTENT_TYPE: &str =
    "application/json; odata.metadata=minimal; charset=utf-8";

impl ModelTarget {
    /// The model over `store` under `profile`.
    pub fn new(store: Store, profile: Profile) -> ModelTarget {
        ModelTarget {
            store: Mutex::new(store),
            profile,
            counter: AtomicU64::new(0),
        }
    }

    /// The profile it answers under.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The store, locked (decorators change it around the model).
    pub fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A copy of the current store.
    pub fn snapshot(&self) -> Store {
        self.lock().clone()
    }

    /// How many requests it answered.
    pub fn requests(&self) -> u64 {
        self.counter.load(Ordering::Relaxed)
    }

    /// Answers one request (path below the version root).
    pub fn answer(&self, req: &Request) -> Response {
        let out = model::apply(&mut self.lock(), req, &self.profile);
        self.render(req, &out)
    }

    /// Renders the first acceptable answer of `out` as the endpoint sends it.
    pub fn render(&self, req: &Request, out: &Outcome) -> Response {
        self.counter.fetch_add(1, Ordering::Relaxed);
        let request_id = fresh_request_id();
        let Some(a) = out.answers.first() else {
            return error_response(500, "the model gave no answer", &request_id, None);
        };
        if a.is_success() {
            let mut headers = vec![("request-id".to_string(), request_id)];
            if a.preference_applied {
                headers.push((
                    "Preference-Applied".into(),
                    model::INCLUDE_UNKNOWN_ENUM_MEMBERS.into(),
                ));
            }
            let body = match &a.body {
                Some(r) if a.status == 200 => {
                    headers.push(("Content-Type".into(), REPRESENTATION_CONTENT_TYPE.into()));
                    r.value.to_json_bytes(r.include_unknown)
                }
                _ => Vec::new(),
            };
            return Response::new(a.status, headers, body);
        }
        let client_request_id = req.header_values("client-request-id").next();
        let mut r = error_response(a.status, &a.message, &request_id, client_request_id);
        if let Some(challenge) = a.www_authenticate() {
            // H2.e: every 401 names the Bearer scheme (RFC 9110 §11.6.1)
            r.headers
                .push(("WWW-Authenticate".into(), challenge.into()));
        }
        if a.status == 415 && a.rules.contains(&crate::contract::rule::RuleId::H6) {
            // H6.b: name the codings this implementation decodes (RFC 9110 §15.5.16)
            r.headers.push((
                "Accept-Encoding".into(),
                model::accepted_encodings(&self.profile).into(),
            ));
        }
        if a.status == 405 {
            let allow = if self.profile.patch_supported {
                "GET, PATCH"
            } else {
                "GET"
            };
            r.headers.push(("Allow".into(), allow.into()));
        }
        r
    }
}

/// E2: a fresh request id, a version-4 UUID: never the same twice in a process (a counter
/// through SplitMix64, whose output is a bijection of its state), and a process's ids start
/// from 128 bits drawn from the operating system's random source (std's `RandomState` keys),
/// so runs and instances do not repeat each other's either.
pub fn fresh_request_id() -> String {
    use std::sync::OnceLock;
    static KEYS: OnceLock<(u64, u64)> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let (k0, k1) = *KEYS.get_or_init(|| {
        use std::hash::{BuildHasher, Hasher};
        let draw = |salt: u64| {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(salt);
            h.write_u32(std::process::id());
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            h.write_u128(now);
            h.finish()
        };
        (draw(0x5EED), draw(0xFA17))
    });
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    // two states per id, 2n+1 and 2n+2 steps from the key: no two ids share a state
    let mut rng = SplitMix(k0.wrapping_add(n.wrapping_mul(2).wrapping_mul(0x9E37_79B9_7F4A_7C15)));
    let a = rng.next_u64();
    let b = rng.next_u64() ^ k1;
    SplitMix::uuid(a, b)
}

/// The E1/E2 error answer: `{"error": {"code", "message", "innerError": {date, request-id,
/// client-request-id}}}` with `Content-Type: application/json`.
pub fn error_response(
    status: u16,
    message: &str,
    request_id: &str,
    client_request_id: Option<&str>,
) -> Response {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let date = Timestamp::from_picos(i128::from(now) * 1_000_000_000_000).to_string();
    let mut inner = serde_json::json!({
        "date": date.get(..19).unwrap_or(&date),
        "request-id": request_id,
    });
    if let Some(c) = client_request_id {
        inner["client-request-id"] = c.into();
    }
    let body = serde_json::json!({"error": {"code": error_code(status), "message": message, "innerError": inner}});
    Response::new(
        status,
        vec![
            ("Content-Type".into(), "application/json".into()),
            ("request-id".into(), request_id.into()),
        ],
        serde_json::to_vec(&body).unwrap_or_default(),
    )
}

impl Target for ModelTarget {
    fn send<'a>(&'a self, req: &'a Request) -> BoxFuture<'a, Result<Response, TransportError>> {
        let r = self.answer(req);
        Box::pin(std::future::ready(Ok(r)))
    }
    fn describe(&self) -> String {
        format!("in-process model ({})", self.profile.name)
    }
}
