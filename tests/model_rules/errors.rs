//! E: errors — the envelope, the codes, no 5xx, precedence.

use super::*;

#[test]
fn e1_every_rejection_the_endpoint_sends_is_a_json_envelope_with_a_code() {
    // through the in-process model target, exactly as `serve` renders it: every 4xx has
    // Content-Type application/json and {"error":{"code":non-empty,"message":…}}, whatever the
    // defect, route or method; the judge agrees
    use tpr_harness::run::judge;
    use tpr_harness::sut::{Target, block_on, model::ModelTarget};
    let target = ModelTarget::new(store(), g());
    let mut delete = get("t1");
    delete.method = "DELETE".into();
    let mut reqs = vec![
        patch("t1", "x"),
        patch("nope", "{}"),
        with_content_type(None),
        delete,
    ];
    let mut unauth = patch("t1", "{}");
    unauth.headers.retain(|(n, _)| n != "Authorization");
    reqs.push(unauth);
    let mut seen = std::collections::BTreeSet::new();
    for req in reqs {
        let resp = block_on(target.send(&req)).unwrap().unwrap();
        assert!((400..500).contains(&resp.status));
        seen.insert(resp.status);
        assert!(
            resp.header("content-type")
                .unwrap()
                .starts_with("application/json")
        );
        let body = tpr_harness::contract::spec::ErrorBody::parse(&resp.body).unwrap();
        assert!(
            !body.code.is_empty() && body.code != "UnknownError",
            "{}",
            body.code
        );
        assert!(judge::envelope(&resp).is_none());
    }
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        vec![400, 401, 404, 405, 415]
    );
    // and the judge does catch a bare one
    let bare = tpr_harness::sut::Response::new(
        400,
        vec![("Content-Type".into(), "text/html".into())],
        b"<h1>no</h1>".to_vec(),
    );
    assert_eq!(judge::envelope(&bare).unwrap().rule, RuleId::E1);
}

#[test]
fn e2_codes_per_status_are_the_contract_codes() {
    for (s, c) in [
        (400, "BadRequest"),
        (401, "InvalidAuthenticationToken"),
        (403, "Authorization_RequestDenied"),
        (404, "ResourceNotFound"),
        (405, "MethodNotAllowed"),
        (413, "RequestEntityTooLarge"),
        (415, "UnsupportedMediaType"),
    ] {
        assert_eq!(error_code(s), c);
    }
}

#[test]
fn e3_the_model_never_answers_5xx_on_odd_input_and_the_judge_flags_one() {
    let mut req = patch("t1", "");
    req.body = vec![0xff; 10];
    req.method = "\u{0}".into();
    req.path = "\u{fffd}/%".into();
    req.headers.push(("Content-Type".into(), "\u{0}".into()));
    let out = model::apply(&mut store(), &req, &g());
    assert!(!out.answers.is_empty());
    assert!(
        out.answers.iter().all(|a| (400..500).contains(&a.status)),
        "{:?}",
        out.statuses()
    );
    let five = tpr_harness::sut::Response::new(500, vec![], vec![]);
    let v = tpr_harness::run::judge::judge(&req, &out, &five, &g());
    assert_eq!(
        (v[0].rule, v[0].kind),
        (RuleId::E3, tpr_harness::run::Kind::ServerError)
    );
}

#[test]
fn e4_a_verdict_names_every_status_the_contract_accepts_in_order() {
    // no token and a bad content type: 401 first, 415 also acceptable (E4)
    let mut req = with_content_type(Some("text/plain"));
    req.headers.retain(|(n, _)| n != "Authorization");
    let out = model::apply(&mut store(), &req, &g());
    let want = out
        .statuses()
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(" or ");
    assert!(want.contains(" or "), "{want}");
    for status in [500u16, 200, 404] {
        let resp = tpr_harness::sut::Response::new(status, vec![], b"{}".to_vec());
        let v = tpr_harness::run::judge::judge(&req, &out, &resp, &g());
        assert!(
            v[0].message.contains(&format!("expected {want}")),
            "{status}: {}",
            v[0].message
        );
    }
}

#[test]
fn e4_several_defects_give_a_set_unless_strict_precedence() {
    // no token, bad content type, bad body, unknown id
    let mut req = with_content_type(Some("text/plain"));
    req.headers.retain(|(n, _)| n != "Authorization");
    req.body = b"{".to_vec();
    req.path = path_to("t1").replace("/t1", "/nope");
    assert_eq!(statuses(&req, &g()), vec![401, 415, 400, 404]);
    assert_eq!(
        statuses(&req, &with(|p| p.strict_precedence = true)),
        vec![401]
    );
    // route 400 comes before 405
    let mut m = get("t1");
    m.method = "DELETE".into();
    m.path = "/nope".into();
    assert_eq!(
        statuses(&m, &with(|p| p.strict_precedence = true)),
        vec![400]
    );
    assert_eq!(statuses(&m, &g()), vec![400, 405]);
    // 413 before body 400
    let small = with(|p| {
        p.max_body_bytes = 1;
        p.strict_precedence = true;
    });
    assert_eq!(statuses(&patch("t1", "{bad"), &small), vec![413]);
}

#[test]
fn e2_the_strict_codes_knob_decides_whether_the_judge_compares_codes() {
    use tpr_harness::run::judge;
    use tpr_harness::sut::Response;
    let req = patch("t1", "{bad");
    let out = model::apply(&mut store(), &req, &g());
    let wrong_code = Response::new(
        400,
        vec![("Content-Type".into(), "application/json".into())],
        br#"{"error":{"code":"InvalidRequest","message":"nope"}}"#.to_vec(),
    );
    assert!(
        judge::judge(&req, &out, &wrong_code, &g()).is_empty(),
        "codes vary by workload (A14)"
    );
    let strict = with(|p| p.strict_error_codes = true);
    let v = judge::judge(&req, &out, &wrong_code, &strict);
    assert_eq!(
        v.iter().map(|v| v.rule).collect::<Vec<_>>(),
        vec![RuleId::E2]
    );
}

#[test]
fn e2_request_ids_are_fresh_uuids_never_repeated() {
    use tpr_harness::model::invariants::{RequestIds, parse_uuid};
    use tpr_harness::sut::model::fresh_request_id;
    let mut seen = RequestIds::new();
    for _ in 0..20_000 {
        let id = fresh_request_id();
        let bits = parse_uuid(&id).unwrap_or_else(|| panic!("{id} is no UUID"));
        // version 4, variant 10
        assert_eq!((bits >> 76) & 0xF, 4, "{id}");
        assert_eq!((bits >> 62) & 0b11, 0b10, "{id}");
        seen.observe(&[("request-id".into(), id)]).unwrap();
    }
    assert_eq!(seen.len(), 20_000);
    // the ledger: a repeat, a missing and a malformed id are each E2
    let id = fresh_request_id();
    let h = |v: &str| vec![("Request-Id".to_string(), v.to_string())];
    seen.observe(&h(&id)).unwrap();
    for bad in [h(&id), h("not-a-uuid"), vec![]] {
        assert_eq!(seen.observe(&bad).unwrap_err().rule, RuleId::E2, "{bad:?}");
    }
    assert!(parse_uuid("3D285F42-26BF-4385-928F-9E0312CACFF8").is_some());
    assert!(parse_uuid("3d285f42-26bf-4385-928f-9e0312cacff").is_none());
}
