//! One test (at least) per rule of CONTRACT.md, named after the rule, that fails if the model
//! breaks it; and each profile knob exercised at each of its values.

use crate::support::*;
use serde_json::json;
use tpr_harness::check;
use tpr_harness::model;
use tpr_harness::path::{NameCase, PathStyle, Route};
use tpr_harness::profile::*;
use tpr_harness::rule::RuleId;
use tpr_harness::spec::{Request, error_code};
use tpr_harness::timestamp::Grammar;

fn g() -> Profile {
    Profile::graph()
}

fn with(f: impl FnOnce(&mut Profile)) -> Profile {
    let mut p = Profile::graph();
    f(&mut p);
    p
}

fn rules_of(req: &Request, profile: &Profile) -> Vec<RuleId> {
    model::apply(&mut store_for(profile), req, profile).rules()
}

fn with_content_type(ct: Option<&str>) -> Request {
    let mut r = patch("t1", "{}");
    r.headers.retain(|(n, _)| n != "Content-Type");
    if let Some(ct) = ct {
        r.headers.push(("content-type".into(), ct.into()));
    }
    r
}

mod body;
mod errors;
mod headers;
mod routes;
mod state;
mod timestamps;
