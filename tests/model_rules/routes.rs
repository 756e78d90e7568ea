//! R: routes — the two routes, their aliases, keys, spelling, what is malformed and what does not resolve.

use super::*;

#[test]
fn r1_direct_and_via_task_routes_are_accepted() {
    assert_eq!(
        statuses(&patch("t1", r#"{"failureReason":"x"}"#), &g()),
        vec![200]
    );
    let via = Route::via_task("w1", "r1", "u1", "t1", "t3").to_path(&PathStyle::default());
    let mut req = patch("t1", r#"{"failureReason":"x"}"#);
    req.path = via;
    assert_eq!(statuses(&req, &g()), vec![200]);
}

#[test]
fn r2_via_task_route_aliases_the_entity_of_the_same_task() {
    let p = g();
    let mut s = store();
    let mut req = patch("t1", r#"{"failureReason":"through the task"}"#);
    req.path = Route::via_task("w1", "r1", "u1", "t1", "t3").to_path(&PathStyle::default());
    assert_eq!(run(&mut s, &req, &p).statuses(), vec![200]);
    assert_eq!(read(&mut s, "t3", &p)["failureReason"], "through the task");
    assert_eq!(read(&mut s, "t1", &p)["failureReason"], json!(null));
}

#[test]
fn r2_the_nth_via_task_route_is_the_nth_of_them_all_and_each_resolves_to_its_entity() {
    let s = store();
    for (id, _) in s.entities() {
        let all = s.via_task_routes(id);
        assert!(!all.is_empty(), "{id}: itself at least");
        for n in 0..2 * all.len() {
            let one = s.via_task_route(id, n);
            assert_eq!(one.as_ref(), all.get(n % all.len()), "{id} #{n}");
            assert_eq!(
                one.and_then(|r| s.resolve(&r).map(str::to_string)),
                Some(id.clone())
            );
        }
    }
    assert_eq!(s.via_task_route("nope", 0), None);
    assert!(s.via_task_routes("nope").is_empty());
}

#[test]
fn r2_via_task_route_to_a_result_of_another_task_or_workflow_is_404() {
    for (t0, t) in [("t1", "t2"), ("t1", "t9"), ("t1", "nope")] {
        let mut req = patch("t1", "{}");
        req.path = Route::via_task("w1", "r1", "u1", t0, t).to_path(&PathStyle::default());
        assert_eq!(statuses(&req, &g()), vec![404], "{t0} -> {t}");
    }
    let mut req = patch("t1", "{}");
    req.path = Route::via_task("w1", "r1", "u1", "t3", "t1").to_path(&PathStyle::default());
    assert_eq!(
        statuses(&req, &g()),
        vec![404],
        "t0 must resolve under w/r/u"
    );
}

#[test]
fn r3_paren_keys_accept_and_reject() {
    let mut req = patch("t1", "{}");
    req.path = Route::direct("w1", "r1", "u1", "t1").to_path(&PathStyle {
        paren: 0b1111,
        ..Default::default()
    });
    assert_eq!(statuses(&req, &g()), vec![200]);
    let reject = with(|p| p.paren_keys = ParenKeys::Reject);
    assert_eq!(statuses(&req, &reject), vec![400]);
    assert_eq!(rules_of(&req, &reject), vec![RuleId::R3]);
}

#[test]
fn r3_empty_id_is_malformed_and_ids_are_percent_decoded_once() {
    let mut req = patch("t1", "{}");
    req.path = req.path.replace("/r1/", "//");
    assert_eq!(statuses(&req, &g()), vec![400]);
    let mut enc = patch("t1", "{}");
    enc.path = enc.path.replace("/t1", "/%74%31");
    assert_eq!(statuses(&enc, &g()), vec![200]);
    let mut twice = patch("t1", "{}");
    twice.path = twice.path.replace("/t1", "/%2574%2531");
    assert_eq!(statuses(&twice, &g()), vec![404], "decoded once only");
}

#[test]
fn r4_segment_case_insensitive_and_exact() {
    let mut req = patch("t1", "{}");
    req.path = Route::direct("w1", "r1", "u1", "t1").to_path(&PathStyle {
        case: NameCase::Upper,
        ..Default::default()
    });
    assert_eq!(statuses(&req, &g()), vec![200]);
    let exact = with(|p| p.segment_case = SegmentCase::Exact);
    assert_eq!(statuses(&req, &exact), vec![400]);
    assert_eq!(rules_of(&req, &exact), vec![RuleId::R4]);
}

#[test]
fn r4_ids_match_exactly_and_one_trailing_slash_is_accepted() {
    let mut upper = patch("t1", "{}");
    upper.path = upper.path.replace("/t1", "/T1");
    assert_eq!(statuses(&upper, &g()), vec![404]);
    let mut slash = patch("t1", "{}");
    slash.path.push('/');
    assert_eq!(statuses(&slash, &g()), vec![200]);
    slash.path.push('/');
    assert_eq!(statuses(&slash, &g()), vec![400]);
}

#[test]
fn r5_non_routes_are_400_and_unresolved_routes_404() {
    let mut req = patch("t1", "{}");
    req.path = req.path.replace("deletedItems", "deleted");
    assert_eq!(statuses(&req, &g()), vec![400]);
    assert_eq!(rules_of(&req, &g()), vec![RuleId::R5]);
    req.path = format!("{}/subject", path_to("t1"));
    assert_eq!(statuses(&req, &g()), vec![400]);
    for (w, r, u, t) in [
        ("wX", "r1", "u1", "t1"),
        ("w1", "rX", "u1", "t1"),
        ("w1", "r1", "uX", "t1"),
        ("w1", "r1", "u1", "tX"),
        ("w1", "r2", "u1", "t1"),
    ] {
        req.path = Route::direct(w, r, u, t).to_path(&PathStyle::default());
        assert_eq!(statuses(&req, &g()), vec![404], "{w}/{r}/{u}/{t}");
    }
}

#[test]
fn r6_query_strings_are_ignored() {
    let mut req = patch("t1", r#"{"failureReason":"q"}"#);
    req.path.push_str("?$select=id&foo=bar");
    assert_eq!(statuses(&req, &g()), vec![200]);
}
