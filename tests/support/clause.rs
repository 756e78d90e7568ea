//! One clause held to an implementation, black box: a check sends requests to a [`Target`] and
//! says what it saw that the clause forbids. The same check must pass on the model and fail on
//! every built-in bug named with it, so each clause test shows it can fail, and which broken
//! implementation it catches.

use super::{WRITE, store_for};
use tpr_harness::contract::path::{PathStyle, Route};
use tpr_harness::contract::profile::Profile;
use tpr_harness::contract::spec::Request;
use tpr_harness::sut::model::ModelTarget;
use tpr_harness::sut::mutant::{Mutant, Mutated};
use tpr_harness::sut::{Response, Target, block_on};

/// What a check returns: `Err` says what broke the clause.
pub type Held = Result<(), String>;

/// `check` holds on the model under `profile` (the hand-written store of [`store_for`]), and
/// fails on the model with each of `bugs`, each alone on a fresh store.
pub fn holds_and_catches(profile: &Profile, bugs: &[Mutant], check: impl Fn(&dyn Target) -> Held) {
    let model = ModelTarget::new(store_for(profile), profile.clone());
    if let Err(e) = check(&model) {
        panic!("the model breaks the clause: {e}");
    }
    for bug in bugs {
        let broken = Mutated::new(store_for(profile), profile.clone(), &[*bug]);
        assert!(
            check(&broken).is_err(),
            "the check does not catch the built-in bug {bug:?}"
        );
    }
}

/// The answer of `t` to `req` (in process: never pending, never a transport error).
pub fn send(t: &dyn Target, req: &Request) -> Response {
    block_on(t.send(req))
        .expect("an in-process target answers at once")
        .expect("an in-process target answers")
}

/// Sends `req` and demands `status`; the answer, for more checks.
pub fn expect(t: &dyn Target, req: &Request, status: u16) -> Result<Response, String> {
    let r = send(t, req);
    if r.status == status {
        Ok(r)
    } else {
        Err(format!(
            "{} {} {:?}: {} where the contract says {status}",
            req.method,
            req.path,
            String::from_utf8_lossy(&req.body),
            r.status
        ))
    }
}

/// The JSON body of a 200 answer.
pub fn body(r: &Response) -> Result<serde_json::Value, String> {
    serde_json::from_slice(&r.body).map_err(|e| format!("a 200 body that is not JSON: {e}"))
}

/// Demands `got == want`, saying `what` differed.
pub fn same<T: PartialEq + std::fmt::Debug>(what: &str, got: T, want: T) -> Held {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: {got:?} where the contract says {want:?}"))
    }
}

/// A PATCH of `path` with the write token and `body`.
pub fn patch_at(path: &str, body: &str) -> Request {
    Request::new("PATCH", path)
        .header("Authorization", &format!("Bearer {WRITE}"))
        .header("Content-Type", "application/json")
        .body(body)
}

/// A GET of `path` with the write token.
pub fn get_at(path: &str) -> Request {
    Request::new("GET", path).header("Authorization", &format!("Bearer {WRITE}"))
}

/// The via-task route to `t` through `t0`, below `w1/{r}/{u}`.
pub fn via(r: &str, u: &str, t0: &str, t: &str) -> String {
    Route::via_task("w1", r, u, t0, t).to_path(&PathStyle::default())
}
