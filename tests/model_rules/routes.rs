//! R: routes — the two routes, their aliases, keys, spelling, what is malformed and what does not
//! resolve.

use super::*;
use crate::support::clause::*;
use tpr_harness::sut::mutant::Mutant;

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
fn r1_b_the_via_task_route_reads_and_writes_t_through_t0() {
    // t3 (r2/u2) through t1 (r1/u1), a result of the same task k1: PATCH and GET answer for t3
    holds_and_catches(&g(), &[Mutant::WrongAliasTarget], |t| {
        let path = via("r1", "u1", "t1", "t3");
        let r = expect(t, &patch_at(&path, r#"{"failureReason":"via task"}"#), 200)?;
        same(
            "the id PATCH answers for",
            body(&r)?["id"].clone(),
            json!("t3"),
        )?;
        let r = expect(t, &get_at(&path), 200)?;
        same(
            "the id GET answers for",
            body(&r)?["id"].clone(),
            json!("t3"),
        )?;
        same(
            "failureReason read through the route",
            body(&r)?["failureReason"].clone(),
            json!("via task"),
        )
    });
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
fn r2_a_t0_must_resolve_under_its_workflow_run_and_user_result() {
    let mut req = patch("t1", "{}");
    req.path = Route::via_task("w1", "r1", "u1", "t3", "t1").to_path(&PathStyle::default());
    assert_eq!(
        statuses(&req, &g()),
        vec![404],
        "t0 must resolve under w/r/u"
    );
    // t3 is a result of k1 too, but of r2/u2; t0 unknown; t0 where it is: 200
    holds_and_catches(&g(), &[], |t| {
        expect(t, &patch_at(&via("r1", "u1", "t3", "t1"), "{}"), 404)?;
        expect(t, &patch_at(&via("r1", "u1", "nope", "t1"), "{}"), 404)?;
        expect(t, &get_at(&via("r1", "u1", "t3", "t1")), 404)?;
        expect(t, &patch_at(&via("r2", "u2", "t3", "t1"), "{}"), 200).map(drop)
    });
}

#[test]
fn r2_b_t_must_be_a_result_of_the_same_task_as_t0_and_may_be_t0() {
    for (t0, t) in [("t1", "t2"), ("t1", "t9"), ("t1", "nope")] {
        let mut req = patch("t1", "{}");
        req.path = Route::via_task("w1", "r1", "u1", t0, t).to_path(&PathStyle::default());
        assert_eq!(statuses(&req, &g()), vec![404], "{t0} -> {t}");
    }
    // t2 is of task k2, t9 of another workflow; t1 itself and t3 (another run) are of k1
    holds_and_catches(&g(), &[Mutant::ViaTaskAnyTask], |t| {
        for other in ["t2", "t4", "t9", "nope"] {
            expect(t, &patch_at(&via("r1", "u1", "t1", other), "{}"), 404)?;
        }
        for ok in ["t1", "t3"] {
            let r = expect(t, &patch_at(&via("r1", "u1", "t1", ok), "{}"), 200)?;
            same("the id answered for", body(&r)?["id"].clone(), json!(ok))?;
        }
        Ok(())
    });
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
fn r3_a_key_as_segment_is_accepted_whatever_the_knobs() {
    let knobs = [
        g(),
        Profile::strict(),
        with(|p| p.paren_keys = ParenKeys::Reject),
        with(|p| p.segment_case = SegmentCase::Exact),
    ];
    for profile in knobs {
        // both required properties: `strict` demands them (B4.d)
        let both = r#"{"createdDateTime":"2026-01-05T08:00:00Z","processingStatus":"failed"}"#;
        holds_and_catches(&profile, &[], |t| {
            expect(t, &patch("t1", both), 200)?;
            expect(t, &get("t1"), 200)?;
            expect(t, &patch_at(&via("r1", "u1", "t1", "t3"), both), 200).map(drop)
        });
    }
}

#[test]
fn r3_c_ids_are_percent_decoded_exactly_once() {
    let mut enc = patch("t1", "{}");
    enc.path = enc.path.replace("/t1", "/%74%31");
    assert_eq!(statuses(&enc, &g()), vec![200]);
    let mut twice = patch("t1", "{}");
    twice.path = twice.path.replace("/t1", "/%2574%2531");
    assert_eq!(statuses(&twice, &g()), vec![404], "decoded once only");
    holds_and_catches(&g(), &[Mutant::IdsNotPercentDecoded], |t| {
        let r = expect(
            t,
            &patch_at(&path_to("t1").replace("/r1/", "/r%31/"), "{}"),
            200,
        )?;
        same("the id answered for", body(&r)?["id"].clone(), json!("t1"))?;
        expect(t, &get_at(&path_to("t1").replace("/t1", "/%74%31")), 200)?;
        expect(
            t,
            &get_at(&path_to("t1").replace("/t1", "/%2574%2531")),
            404,
        )
        .map(drop)
    });
}

#[test]
fn r3_d_an_empty_id_is_a_malformed_path() {
    let mut req = patch("t1", "{}");
    req.path = req.path.replace("/r1/", "//");
    assert_eq!(statuses(&req, &g()), vec![400]);
    // no built-in bug answers an empty id otherwise (MalformedPathIs404 changes R5's 400s only)
    holds_and_catches(&g(), &[], |t| {
        for (from, to) in [("/r1/", "//"), ("/runs/r1/", "/runs('')/"), ("/u1/", "//")] {
            expect(t, &patch_at(&path_to("t1").replace(from, to), "{}"), 400)?;
            expect(t, &get_at(&path_to("t1").replace(from, to)), 400)?;
        }
        let mut empty_result = path_to("t1");
        empty_result.truncate(empty_result.len() - "/t1".len());
        expect(t, &patch_at(&format!("{empty_result}('')"), "{}"), 400).map(drop)
    });
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
fn r4_b_ids_match_exactly_and_case_sensitively() {
    let mut upper = patch("t1", "{}");
    upper.path = upper.path.replace("/t1", "/T1");
    assert_eq!(statuses(&upper, &g()), vec![404]);
    holds_and_catches(&g(), &[Mutant::IdsCaseInsensitive], |t| {
        for (from, to) in [("/t1", "/T1"), ("/r1/", "/R1/"), ("/w1/", "/W1/")] {
            expect(t, &patch_at(&path_to("t1").replace(from, to), "{}"), 404)?;
        }
        expect(t, &get_at(&path_to("t1").replace("/u1/", "/U1/")), 404).map(drop)
    });
}

#[test]
fn r4_c_one_trailing_slash_is_accepted_two_are_400() {
    let mut slash = patch("t1", "{}");
    slash.path.push('/');
    assert_eq!(statuses(&slash, &g()), vec![200]);
    slash.path.push('/');
    assert_eq!(statuses(&slash, &g()), vec![400]);
    holds_and_catches(&g(), &[Mutant::TrailingSlashRejected], |t| {
        expect(t, &patch_at(&format!("{}/", path_to("t1")), "{}"), 200)?;
        expect(
            t,
            &get_at(&format!("{}/", via("r1", "u1", "t1", "t3"))),
            200,
        )?;
        expect(t, &patch_at(&format!("{}//", path_to("t1")), "{}"), 400)?;
        expect(t, &get_at(&format!("{}///", path_to("t1"))), 400).map(drop)
    });
}

#[test]
fn r5_a_paths_that_are_no_route_are_400_for_every_method() {
    let mut req = patch("t1", "{}");
    req.path = req.path.replace("deletedItems", "deleted");
    assert_eq!(statuses(&req, &g()), vec![400]);
    assert_eq!(rules_of(&req, &g()), vec![RuleId::R5]);
    req.path = format!("{}/subject", path_to("t1"));
    assert_eq!(statuses(&req, &g()), vec![400]);
    holds_and_catches(&g(), &[Mutant::MalformedPathIs404], |t| {
        let full = path_to("t1");
        let collection = full.trim_end_matches("/t1").to_string();
        let paths = [
            full.replace("deletedItems", "deleted"),
            format!("{full}/subject"),
            full.replace("/runs/r1", ""),
            collection,
            "/identityGovernance/lifecycleWorkflows".to_string(),
        ];
        for path in &paths {
            expect(t, &patch_at(path, "{}"), 400)?;
            expect(t, &get_at(path), 400)?;
            let mut delete = get_at(path);
            delete.method = "DELETE".into();
            expect(t, &delete, 400)?;
        }
        Ok(())
    });
}

#[test]
fn r5_b_a_route_whose_ids_do_not_resolve_is_404() {
    let mut req = patch("t1", "{}");
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
    holds_and_catches(&g(), &[Mutant::UnresolvedIs400], |t| {
        for (w, r, u, id) in [
            ("wX", "r1", "u1", "t1"),
            ("w1", "r2", "u1", "t1"),
            ("w2", "r1", "u1", "t1"),
        ] {
            let path = Route::direct(w, r, u, id).to_path(&PathStyle::default());
            expect(t, &patch_at(&path, "{}"), 404)?;
            expect(t, &get_at(&path), 404)?;
        }
        Ok(())
    });
}

#[test]
fn r6_query_strings_are_ignored() {
    let mut req = patch("t1", r#"{"failureReason":"q"}"#);
    req.path.push_str("?$select=id&foo=bar");
    assert_eq!(statuses(&req, &g()), vec![200]);
}
