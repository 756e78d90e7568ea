//! S: state semantics — existence, what a PATCH changes, atomicity, the success answer,
//! idempotence, isolation, linearizability, invariants.

use super::*;
use crate::support::clause;
use tpr_harness::sut::mutant::Mutant;

/// Forty concurrent writes to `t1` as the exact S7 check sees them: request `i` writes
/// `failureReason` and `startedDateTime` (even `i`) or `completedDateTime` (odd `i`), each
/// value its own; `order` is the serial order they ran in, `bodies` whether 200 bodies came.
fn s7_writes(
    order: &[usize],
    bodies: bool,
) -> (
    tpr_harness::contract::spec::TaskProcessingResult,
    Vec<check::ConcurrentWrite>,
    tpr_harness::contract::spec::TaskProcessingResult,
) {
    use tpr_harness::contract::spec::Property;
    let p = g();
    let initial = store();
    let reqs: Vec<Request> = (0..40)
        .map(|i| {
            let other = if i % 2 == 0 {
                "startedDateTime"
            } else {
                "completedDateTime"
            };
            patch(
                "t1",
                &format!(
                    r#"{{"failureReason":"s7 {i}","{other}":"2020-01-01T00:{:02}:00Z"}}"#,
                    i
                ),
            )
        })
        .collect();
    let mut s = initial.clone();
    let mut after = vec![None; reqs.len()];
    for &i in order {
        model::apply(&mut s, &reqs[i], &p);
        after[i] = s.get("t1").map(|e| e.value.clone());
    }
    let writes = reqs
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let mut one = initial.clone();
            model::apply(&mut one, q, &p);
            check::ConcurrentWrite {
                named: vec![
                    Property::FailureReason,
                    if i % 2 == 0 {
                        Property::StartedDateTime
                    } else {
                        Property::CompletedDateTime
                    },
                ],
                writes: one.get("t1").unwrap().value.clone(),
                body: if bodies { after[i].clone() } else { None },
            }
        })
        .collect();
    (
        initial.get("t1").unwrap().value.clone(),
        writes,
        s.get("t1").unwrap().value.clone(),
    )
}

#[test]
fn s1_entity_exists_only_along_its_chain() {
    let mut req = get("t1");
    req.path = Route::direct("w2", "r1", "u1", "t1").to_path(&PathStyle::default());
    assert_eq!(statuses(&req, &g()), vec![404]);
    assert_eq!(rules_of(&req, &g()), vec![RuleId::S1]);
}

#[test]
fn s2_an_accepted_patch_changes_exactly_what_it_names() {
    let p = g();
    let mut s = store();
    let before = read(&mut s, "t2", &p);
    run(&mut s, &patch("t2", r#"{"failureReason":"only this"}"#), &p);
    let after = read(&mut s, "t2", &p);
    for k in [
        "id",
        "createdDateTime",
        "processingStatus",
        "startedDateTime",
        "completedDateTime",
    ] {
        assert_eq!(before[k], after[k], "{k}");
    }
    assert_eq!(after["failureReason"], "only this");
    // sending the current value is accepted
    assert_eq!(
        run(
            &mut s,
            &patch("t2", r#"{"processingStatus":"inProgress"}"#),
            &p
        )
        .statuses(),
        vec![200]
    );
}

#[test]
fn s2_s3_s4_s6_s8_check_all_names_the_rule_each_broken_step_breaks() {
    // `check::all` is what the fuzz targets and the property tests rely on: one correct step
    // passes, and each step broken in one way is refused under the rule it breaks (a checker
    // that passed everything, or ran only some of its checks, fails here)
    let p = g();
    let req = patch("t1", r#"{"failureReason":"new"}"#);
    let before = store();
    let mut after = before.clone();
    let out = model::apply(&mut after, &req, &p);
    assert_eq!(out.statuses(), vec![200]);
    assert_eq!(check::all(&before, &req, &out, &after, &p), Ok(()));
    let rule =
        |before: &tpr_harness::model::store::Store,
         out: &model::Outcome,
         after: &tpr_harness::model::store::Store,
         p: &Profile| { check::all(before, &req, out, after, p).map_err(|v| v.rule) };
    let value = |s: &tpr_harness::model::store::Store, id: &str| s.get(id).unwrap().value.clone();
    // S2: the named property not written as sent
    let mut wrong = after.clone();
    let mut v = value(&after, "t1");
    v.failure_reason = Some("other".into());
    wrong.set_value("t1", v);
    assert_eq!(rule(&before, &out, &wrong, &p), Err(RuleId::S2));
    // S3: a rejected request that changed the store
    let rejected = model::apply(&mut before.clone(), &patch("t1", "{bad"), &p);
    assert_eq!(rule(&before, &rejected, &after, &p), Err(RuleId::S3));
    // S4: a 200 body that is not what a GET returns
    let mut stale = out.clone();
    if let Some(r) = stale.answers[0].body.as_mut() {
        r.value.failure_reason = None;
    }
    assert_eq!(rule(&before, &stale, &after, &p), Err(RuleId::S4));
    // S6: another entity changed too
    let mut leaked = after.clone();
    let mut v = value(&after, "t2");
    v.failure_reason = Some("leaked".into());
    leaked.set_value("t2", v);
    assert_eq!(rule(&before, &out, &leaked, &p), Err(RuleId::S6));
    // S8: the written entity holds a member its profile does not have (a store from another
    // profile: everything else about the step is right)
    let narrow = with(|p| p.members_after_sentinel.clear());
    let mut odd = before.clone();
    let mut v = value(&before, "t1");
    v.status = tpr_harness::contract::spec::ProcessingStatus::Quarantined;
    odd.set_value("t1", v);
    let mut odd_after = odd.clone();
    let odd_out = model::apply(&mut odd_after, &req, &narrow);
    assert_eq!(odd_out.statuses(), vec![200]);
    assert_eq!(rule(&odd, &odd_out, &odd_after, &narrow), Err(RuleId::S8));
}

#[test]
fn s3_a_rejected_request_changes_nothing() {
    let p = g();
    let mut s = store();
    let before = s.clone();
    // one valid and one invalid property: nothing is written
    let out = run(
        &mut s,
        &patch("t1", r#"{"failureReason":"x","createdDateTime":null}"#),
        &p,
    );
    assert_eq!(out.statuses(), vec![400]);
    assert_eq!(s, before);
    // and the check itself catches a store that changed on rejection
    let mut changed = s.clone();
    model::apply(&mut changed, &patch("t1", r#"{"failureReason":"y"}"#), &p);
    assert!(check::s3_rejected_changes_nothing(&before, &out, &changed).is_err());
}

#[test]
fn s4_success_is_200_with_the_representation_that_a_get_returns() {
    let p = g();
    let mut s = store();
    let out = run(&mut s, &patch("t4", r#"{"failureReason":"r"}"#), &p);
    let body = out.answers[0].json().unwrap();
    assert_eq!(body, read(&mut s, "t4", &p));
    for k in [
        "@odata.type",
        "id",
        "completedDateTime",
        "createdDateTime",
        "failureReason",
        "processingStatus",
        "startedDateTime",
    ] {
        assert!(body.get(k).is_some(), "{k}");
    }
}

#[test]
fn s4_c_success_knob_gives_200_204_or_either() {
    let req = patch("t1", r#"{"failureReason":"x"}"#);
    assert_eq!(statuses(&req, &g()), vec![200]);
    assert_eq!(
        statuses(&req, &with(|p| p.success = Success::NoContent204)),
        vec![204]
    );
    assert_eq!(
        statuses(&req, &with(|p| p.success = Success::Either)),
        vec![200, 204]
    );
    // 200-body (the default): 200 with the representation; 204: no body, the write done
    clause::holds_and_catches(&g(), &[Mutant::NoContentInsteadOf200], |t| {
        let r = clause::expect(t, &req, 200)?;
        clause::same(
            "Content-Type",
            r.header("content-type")
                .map(|c| c.starts_with("application/json")),
            Some(true),
        )?;
        let shown = clause::body(&r)?;
        clause::same("the id shown", shown["id"].clone(), json!("t1"))?;
        clause::same(
            "failureReason shown",
            shown["failureReason"].clone(),
            json!("x"),
        )
    });
    let no_content = with(|p| p.success = Success::NoContent204);
    clause::holds_and_catches(&no_content, &[], |t| {
        let r = clause::expect(t, &req, 204)?;
        clause::same("the 204 body", r.body.len(), 0)?;
        let r = clause::expect(t, &get("t1"), 200)?;
        clause::same(
            "failureReason stored",
            clause::body(&r)?["failureReason"].clone(),
            json!("x"),
        )
    });
}

#[test]
fn s5_the_same_patch_twice_is_idempotent() {
    let p = g();
    let req = patch(
        "t1",
        r#"{"processingStatus":"failed","failureReason":"again","startedDateTime":"2026-01-01T00:00:00Z"}"#,
    );
    assert!(check::s5_idempotent(&store(), &req, &p).is_ok());
    let mut s = store();
    let a = run(&mut s, &req, &p);
    let b = run(&mut s, &req, &p);
    assert_eq!(a, b);
}

#[test]
fn s5_the_check_refuses_a_second_application_that_writes_or_answers_otherwise() {
    // the model is idempotent, so the check is shown failing against broken applies: one that
    // appends to a failureReason each time it accepts, one whose second answer differs; and it
    // leaves GETs and rejections to S3 even when they are not idempotent
    use tpr_harness::model::Outcome;
    use tpr_harness::model::store::Store;
    let p = g();
    let req = patch("t1", r#"{"failureReason":"again"}"#);
    let s5 = |req: &Request, apply: &dyn Fn(&mut Store, &Request, &Profile) -> Outcome| {
        check::s5_idempotent_under(&store(), req, &p, apply).map_err(|v| (v.rule, v.message))
    };
    assert_eq!(s5(&req, &model::apply), Ok(()));
    let appending = |s: &mut Store, r: &Request, p: &Profile| {
        let out = model::apply(s, r, p);
        if out.is_success() {
            // a counter kept in the entity's neighbour: every acceptance writes again
            let mut v = s.get("t2").unwrap().value.clone();
            v.failure_reason = Some(format!("{}!", v.failure_reason.unwrap_or_default()));
            s.set_value("t2", v);
        }
        out
    };
    assert_eq!(
        s5(&req, &appending),
        Err((
            RuleId::S5,
            "applying the PATCH again changed the state".into()
        ))
    );
    let calls = std::cell::Cell::new(0);
    let answers_otherwise = |s: &mut Store, r: &Request, p: &Profile| {
        let mut out = model::apply(s, r, p);
        calls.set(calls.get() + 1);
        if calls.get() == 2 {
            out.answers[0].preference_applied = !out.answers[0].preference_applied;
        }
        out
    };
    assert_eq!(
        s5(&req, &answers_otherwise),
        Err((
            RuleId::S5,
            "applying the PATCH again changed the answer".into()
        ))
    );
    // not idempotent on GETs and rejections (it writes t2 every time): not S5's to judge
    let leaky = |s: &mut Store, r: &Request, p: &Profile| {
        let mut v = s.get("t2").unwrap().value.clone();
        v.failure_reason = Some(format!("{}!", v.failure_reason.unwrap_or_default()));
        s.set_value("t2", v);
        model::apply(s, r, p)
    };
    assert_eq!(s5(&get("t1"), &leaky), Ok(()));
    assert_eq!(s5(&patch("t1", "{bad"), &leaky), Ok(()));
    assert!(s5(&req, &leaky).is_err(), "an accepted PATCH is judged");
}

#[test]
fn s6_a_patch_changes_only_the_addressed_entity() {
    let p = g();
    let mut s = store();
    let before = s.clone();
    let out = run(&mut s, &patch("t1", r#"{"failureReason":"iso"}"#), &p);
    assert_eq!(out.statuses(), vec![200], "the setup PATCH is accepted");
    assert_ne!(s.get("t1"), before.get("t1"), "and it wrote t1");
    for id in ["t2", "t3", "t4", "t9"] {
        assert_eq!(s.get(id), before.get(id), "{id}");
    }
    // the checker catches a leak into a sibling
    let mut leaked = s.clone();
    let mut v = leaked.get("t2").unwrap().value.clone();
    v.failure_reason = Some("iso".into());
    leaked.set_value("t2", v);
    assert_eq!(
        check::s6_only_addressed_entity_changes(&before, &out, &leaked)
            .unwrap_err()
            .rule,
        RuleId::S6
    );
}

#[test]
fn s7_lost_updates_are_detected_and_serial_orders_accepted() {
    let p = g();
    let initial = store();
    let a = patch("t1", r#"{"failureReason":"a"}"#);
    let b = patch("t1", r#"{"processingStatus":"failed"}"#);
    let mut serial = initial.clone();
    model::apply(&mut serial, &a, &p);
    model::apply(&mut serial, &b, &p);
    assert!(check::s7_linearizable(&initial, &[a.clone(), b.clone()], &serial, &p).is_ok());
    // any serial order, not only the order they are listed in: three writers of the same
    // property, the final state the one the first-listed wrote last
    let c = patch("t1", r#"{"failureReason":"c"}"#);
    let d = patch("t1", r#"{"failureReason":"d"}"#);
    let mut reordered = initial.clone();
    for r in [&c, &d, &a] {
        model::apply(&mut reordered, r, &p);
    }
    assert_eq!(
        check::s7_linearizable(&initial, &[a.clone(), c.clone(), d.clone()], &reordered, &p),
        Ok(())
    );
    let mut lost = initial.clone();
    model::apply(&mut lost, &b, &p);
    assert_eq!(
        check::s7_linearizable(&initial, &[a, b], &lost, &p)
            .unwrap_err()
            .rule,
        RuleId::S7
    );
}

#[test]
fn s7_linearizable_past_six_requests_finds_lost_torn_and_leaked_writes() {
    // eight PATCHes (past the exhaustive branch): each writes failureReason and startedDateTime
    // with values of its own, two of them through t2 (another entity)
    let p = g();
    let initial = store();
    let reqs: Vec<Request> = (0..8)
        .map(|i| {
            let t = if i < 6 { "t1" } else { "t2" };
            // request 2 alone also writes completedDateTime
            let completed = if i == 2 {
                r#","completedDateTime":"2022-02-02T00:00:00Z""#
            } else {
                ""
            };
            patch(
                t,
                &format!(
                    r#"{{"failureReason":"w{i}","startedDateTime":"2021-01-01T00:0{i}:00Z"{completed}}}"#
                ),
            )
        })
        .collect();
    let serial = |order: &[usize]| {
        let mut s = initial.clone();
        for &i in order {
            model::apply(&mut s, &reqs[i], &p);
        }
        s
    };
    let order = [3, 6, 0, 5, 7, 1, 4, 2];
    let fin = serial(&order);
    assert_eq!(check::s7_linearizable(&initial, &reqs, &fin, &p), Ok(()));
    let t1 = |s: &tpr_harness::model::store::Store| s.get("t1").unwrap().value.clone();
    let with_t1 = |edit: &dyn Fn(&mut tpr_harness::contract::spec::TaskProcessingResult)| {
        let mut s = fin.clone();
        let mut v = t1(&s);
        edit(&mut v);
        assert!(s.set_value("t1", v));
        s
    };
    // lost: t1 ends as if request 2 never ran (its completedDateTime, written by no other, gone)
    let lost = serial(&[3, 6, 0, 5, 7, 1, 4]);
    let err = check::s7_linearizable(&initial, &reqs, &lost, &p).unwrap_err();
    assert_eq!(err.rule, RuleId::S7);
    assert!(err.message.contains("was lost"), "{}", err.message);
    assert!(
        err.message.starts_with("entity `t1`: "),
        "past six requests the message names the entity: {}",
        err.message
    );
    // and the violation names the property that was lost (a finding's cause is per property)
    assert_eq!(err.property, Some("completedDateTime"), "{}", err.message);
    // torn: failureReason from request 2 (the last), startedDateTime from request 4
    let from_4 = t1(&serial(&[4])).started;
    let torn = with_t1(&|v| v.started = from_4);
    let err = check::s7_linearizable(&initial, &reqs, &torn, &p).unwrap_err();
    assert!(err.message.contains("torn"), "{}", err.message);
    // leaked: t1's failureReason is the value a request to t2 wrote
    let leaked = with_t1(&|v| v.failure_reason = Some("w7".into()));
    let err = check::s7_linearizable(&initial, &reqs, &leaked, &p).unwrap_err();
    assert!(err.message.contains("was lost"), "{}", err.message);
    // a property none of them wrote, changed
    let changed = with_t1(&|v| v.status = tpr_harness::contract::spec::ProcessingStatus::Failed);
    let err = check::s7_linearizable(&initial, &reqs, &changed, &p).unwrap_err();
    assert!(
        err.message.contains("none of the PATCHes wrote"),
        "{}",
        err.message
    );
}

#[test]
fn s4_a_every_shape_problem_is_reported_and_none_hides_another() {
    let p = g();
    let good = json!({
        "@odata.type": "#microsoft.graph.identityGovernance.taskProcessingResult",
        "id": "t1", "createdDateTime": "2026-01-05T08:00:00Z", "processingStatus": "queued",
        "startedDateTime": null, "completedDateTime": null, "failureReason": null
    });
    assert!(check::representation_shapes(&good, &p).is_empty());
    assert_eq!(check::representation_shape(&good, &p), Ok(()));
    let mut bad = good.clone();
    let o = bad.as_object_mut().unwrap();
    o.remove("@odata.type");
    o.remove("failureReason");
    o.remove("id");
    o.insert("startedDateTime".into(), json!("2026-01-05T08:00:00"));
    o.insert("completedDateTime".into(), json!("2026-01-05T09:00:00"));
    let all = check::representation_shapes(&bad, &p);
    let tags: Vec<(RuleId, Option<&str>, &str)> = all
        .iter()
        .map(|v| (v.rule, v.property, v.detail.as_str()))
        .collect();
    assert_eq!(
        tags,
        vec![
            (RuleId::S4, Some("@odata.type"), "shape"),
            (RuleId::S4, None, "shape"),
            (RuleId::T2, Some("completedDateTime"), "invalid-rendering"),
            (RuleId::T2, Some("startedDateTime"), "invalid-rendering"),
        ]
    );
    assert!(
        all[1].message.contains("'id', 'failureReason'"),
        "{}",
        all[1].message
    );
    assert_eq!(check::representation_shape(&bad, &p), Err(all[0].clone()));
    let not_object = check::representation_shapes(&json!([1]), &p);
    assert_eq!(not_object.len(), 1);
    assert_eq!(not_object[0].rule, RuleId::S4);
}

#[test]
fn s8_representations_with_null_created_or_unknown_status_are_violations() {
    let p = g();
    let mut s = store();
    let good = read(&mut s, "t1", &p);
    assert!(check::s8_representation(&good, "t1", &p, false).is_ok());
    for (k, v) in [
        ("createdDateTime", json!(null)),
        ("processingStatus", json!("paused")),
        ("processingStatus", json!("quarantined")),
        ("id", json!("t2")),
        ("createdDateTime", json!("not a timestamp")),
        ("createdDateTime", json!("2026-13-05T08:00:00Z")),
        ("@odata.type", json!("#microsoft.graph.user")),
        ("@odata.type", json!(7)),
    ] {
        let mut bad = good.clone();
        bad[k] = v;
        assert_eq!(
            check::s8_representation(&bad, "t1", &p, false)
                .unwrap_err()
                .rule,
            RuleId::S8,
            "{k}: {}",
            bad[k]
        );
    }
    // the type may be named with or without its `#`, or not at all
    for t in [
        json!("#microsoft.graph.identityGovernance.taskProcessingResult"),
        json!("microsoft.graph.identityGovernance.taskProcessingResult"),
    ] {
        let mut fine = good.clone();
        fine["@odata.type"] = t;
        assert_eq!(check::s8_representation(&fine, "t1", &p, false), Ok(()));
    }
    let mut untyped = good.clone();
    untyped.as_object_mut().unwrap().remove("@odata.type");
    assert_eq!(check::s8_representation(&untyped, "t1", &p, false), Ok(()));
    assert!(check::s8_store_invariants(&s, &p).is_ok());
    // a store holding a member its profile does not have breaks S8 over the store
    let narrow = with(|p| p.members_after_sentinel.clear());
    let mut v = s.get("t1").unwrap().value.clone();
    v.status = tpr_harness::contract::spec::ProcessingStatus::Quarantined;
    s.set_value("t1", v);
    assert!(
        check::s8_store_invariants(&s, &p).is_ok(),
        "a member of graph"
    );
    assert_eq!(
        check::s8_store_invariants(&s, &narrow).map_err(|v| v.rule),
        Err(RuleId::S8)
    );
}

#[test]
fn s5_the_same_representation_rendered_otherwise_is_idempotent() {
    use tpr_harness::run::judge;
    use tpr_harness::sut::Response;
    let first = br##"{"@odata.type":"#microsoft.graph.identityGovernance.taskProcessingResult","id":"t1","createdDateTime":"2026-01-05T08:00:00Z","processingStatus":"queued","startedDateTime":null,"completedDateTime":null,"failureReason":"x"}"##;
    // other member order, the same instant with an offset and seven fraction digits
    let second = br##"{"failureReason":"x","id":"t1","@odata.type":"#microsoft.graph.identityGovernance.taskProcessingResult","processingStatus":"queued","createdDateTime":"2026-01-05T09:00:00.0000000+01:00","completedDateTime":null,"startedDateTime":null}"##;
    let a = Response::new(200, vec![], first.to_vec());
    let b = Response::new(200, vec![], second.to_vec());
    assert_eq!(judge::idempotent(&a, &b, &g()), None);
    // another value is not the same representation, nor another status
    let c = Response::new(
        200,
        vec![],
        first
            .to_vec()
            .iter()
            .map(|&x| if x == b'x' { b'y' } else { x })
            .collect(),
    );
    assert_eq!(
        judge::idempotent(&a, &c, &g()).map(|v| v.rule),
        Some(RuleId::S5)
    );
    let d = Response::new(204, vec![], first.to_vec());
    assert_eq!(
        judge::idempotent(&a, &d, &g()).map(|v| v.rule),
        Some(RuleId::S5)
    );
    // bodies that are not JSON compare as bytes
    let e = Response::new(200, vec![], b"not json".to_vec());
    assert_eq!(judge::idempotent(&e, &e.clone(), &g()), None);
    let f = Response::new(200, vec![], b"not json!".to_vec());
    assert!(judge::idempotent(&e, &f, &g()).is_some());
}

#[test]
fn s4_a_the_type_is_compared_when_shown_and_demanded_only_when_the_model_shows_it() {
    let mut s = store();
    let expected = read(&mut s, "t1", &g());
    let cmp = |e: &serde_json::Value, a: &serde_json::Value| {
        check::compare_representation(e, a, &g()).map_err(|v| (v.rule, v.property))
    };
    assert_eq!(cmp(&expected, &expected), Ok(()));
    let mut wrong = expected.clone();
    wrong["@odata.type"] = json!("#microsoft.graph.user");
    assert_eq!(
        cmp(&expected, &wrong),
        Err((RuleId::S4, Some("@odata.type")))
    );
    let mut bare = expected.clone();
    bare["@odata.type"] = json!("microsoft.graph.identityGovernance.taskProcessingResult");
    assert_eq!(cmp(&expected, &bare), Ok(()), "without its '#'");
    let mut untyped = expected.clone();
    untyped.as_object_mut().unwrap().remove("@odata.type");
    assert_eq!(
        cmp(&expected, &untyped),
        Err((RuleId::S4, Some("@odata.type")))
    );
    assert_eq!(
        cmp(&untyped, &untyped),
        Ok(()),
        "not demanded where the model has none"
    );
}

#[test]
fn s2_a_value_set_or_cleared_against_the_model_is_told_apart_in_the_finding() {
    // the detail tag is part of a finding's cause: a property left set where null was due and
    // one cleared where a value was due are two causes, each named for what happened
    let mut s = store();
    let expected = read(&mut s, "t1", &g());
    assert_eq!(expected["failureReason"], json!(null));
    let detail = |e: &serde_json::Value, a: &serde_json::Value| {
        check::compare_representation(e, a, &g())
            .map_err(|v| (v.rule, v.property, v.detail.as_str()))
    };
    let mut set = expected.clone();
    set["failureReason"] = json!("kept");
    assert_eq!(
        detail(&expected, &set),
        Err((RuleId::S2, Some("failureReason"), "set-where-null-expected"))
    );
    assert_eq!(
        detail(&set, &expected),
        Err((
            RuleId::S2,
            Some("failureReason"),
            "null-where-value-expected"
        ))
    );
    let mut other = set.clone();
    other["failureReason"] = json!(7);
    assert_eq!(
        detail(&set, &other),
        Err((RuleId::S2, Some("failureReason"), "other-type"))
    );
    // each property's difference under its own rule: another id is S8, another member S2,
    // the sentinel where a member was due (or the other way round) B6
    let mut id = expected.clone();
    id["id"] = json!("t2");
    assert_eq!(
        detail(&expected, &id),
        Err((RuleId::S8, Some("id"), "other-value"))
    );
    let mut status = expected.clone();
    status["processingStatus"] = json!("failed");
    assert_ne!(expected["processingStatus"], json!("failed"));
    assert_eq!(
        detail(&expected, &status),
        Err((RuleId::S2, Some("processingStatus"), "other-value"))
    );
    status["processingStatus"] = json!("unknownFutureValue");
    assert_eq!(
        detail(&expected, &status),
        Err((
            RuleId::B6,
            Some("processingStatus"),
            "sentinel-instead-of-member"
        ))
    );
    assert_eq!(
        detail(&status, &expected),
        Err((
            RuleId::B6,
            Some("processingStatus"),
            "member-shown-instead-of-sentinel"
        ))
    );
    // a member after the sentinel not kept is the enum's evolvable part (B6.d)
    let (mut after_sentinel, mut other) = (expected.clone(), expected.clone());
    after_sentinel["processingStatus"] = json!("quarantined");
    other["processingStatus"] = json!("failed");
    assert_eq!(
        detail(&after_sentinel, &other),
        Err((RuleId::B6, Some("processingStatus"), "other-value"))
    );
    // the message shows both values, a long one cut to 120 characters with its length
    let v = check::compare_representation(&expected, &set, &g()).unwrap_err();
    assert_eq!(v.message, r#"'failureReason' is "kept", expected null"#);
    let mut long = expected.clone();
    long["failureReason"] = json!("x".repeat(500));
    let v = check::compare_representation(&expected, &long, &g()).unwrap_err();
    let want = format!(
        "'failureReason' is \"{}… (502 bytes), expected null",
        "x".repeat(99)
    );
    assert_eq!(v.message, want);
    assert_eq!(check::clip(&json!("x".repeat(118))).len(), 120);
}

#[test]
fn s4_a_representation_bytes_are_the_value_rendering_byte_for_byte() {
    // `serve` writes the representation straight to bytes (no `serde_json::Value`); it must be
    // exactly the rendering the judge and the docs describe, for every status (with and without
    // members after the sentinel shown), null and set timestamps, absent and present reasons
    use tpr_harness::contract::spec::ProcessingStatus;
    let s = store_for(&Profile::graph());
    let mut seen = 0;
    for (_, e) in s.entities() {
        for status in ProcessingStatus::ALL {
            // (failureReason, startedDateTime, another id): every escape serde_json writes,
            // each alone (a string is escaped whole or copied whole), and what it leaves as is
            // (DEL, `/`, non-ASCII); in the reason and in the id
            for (reason, started, id) in [
                (None, None, None),
                (Some("x \"q\" \u{e9}"), e.value.completed, None),
                (Some("a\\b"), None, None),
                (Some("\n\r\t\u{8}\u{c}"), None, None),
                (Some("\u{1}"), None, None),
                (Some("x\u{1f}"), None, None),
                (Some("\u{7f}</x>\u{2028}"), None, None),
                (Some(""), e.value.completed, Some("id \"quoted\" \\ \u{0}")),
            ] {
                let mut v = e.value.clone();
                if let Some(id) = id {
                    v.id = id.into();
                }
                v.status = status;
                v.failure_reason = reason.map(str::to_string);
                v.started = started;
                for include in [false, true] {
                    let want = serde_json::to_vec(&v.to_json(include)).unwrap();
                    assert_eq!(
                        String::from_utf8(v.to_json_bytes(include)).unwrap(),
                        String::from_utf8(want).unwrap()
                    );
                    seen += 1;
                }
            }
        }
    }
    assert!(seen > 100);
}

#[test]
fn s7_any_serial_order_of_forty_writers_is_accepted_exactly() {
    let forward: Vec<usize> = (0..40).collect();
    let shuffled: Vec<usize> = (0..40).map(|i| (i * 17 + 5) % 40).collect();
    for order in [forward, shuffled] {
        for bodies in [false, true] {
            let (initial, writes, fin) = s7_writes(&order, bodies);
            assert_eq!(check::s7_serial_order(&initial, &writes, &fin), Ok(()));
        }
    }
}

#[test]
fn s7_a_torn_write_is_a_cycle_and_a_lost_update_a_value_nobody_wrote() {
    let order: Vec<usize> = (0..40).collect();
    // torn: failureReason ends with request `last` value, the other property with request
    // `other`'s, so each must come before the other: no serial order. The message names the
    // two constraints of the cycle, and only constraints on it: the second case is between two
    // odd requests, so reasons taken from the first requests listed (whose constraints name
    // 36's and 38's values) would name startedDateTime
    use tpr_harness::contract::spec::Property;
    for (last, prop, other, absent) in [
        (38, Property::StartedDateTime, 36, "'completedDateTime'"),
        (39, Property::CompletedDateTime, 37, "'startedDateTime'"),
    ] {
        let (initial, writes, mut fin) = s7_writes(&order, false);
        fin.failure_reason = writes[last].writes.failure_reason.clone();
        match prop {
            Property::StartedDateTime => fin.started = writes[other].writes.started,
            _ => fin.completed = writes[other].writes.completed,
        }
        let err = check::s7_serial_order(&initial, &writes, &fin).unwrap_err();
        assert_eq!(err.rule, RuleId::S7);
        assert!(err.message.contains("torn"), "{}", err.message);
        for why in [
            format!("'failureReason' ends with request {last}'s value"),
            format!("'{}' ends with request {other}'s value", prop.name()),
        ] {
            assert!(err.message.contains(&why), "{why}: {}", err.message);
        }
        assert!(!err.message.contains(absent), "{}", err.message);
    }
    // lost: completedDateTime back at the initial value though twenty requests wrote it
    let (initial, writes, mut fin) = s7_writes(&order, false);
    fin.completed = initial.completed;
    let err = check::s7_serial_order(&initial, &writes, &fin).unwrap_err();
    assert!(err.message.contains("was lost"), "{}", err.message);
    // a 200 body that does not show its own write: no state right after it
    let (initial, mut writes, fin) = s7_writes(&order, true);
    writes[5].body.as_mut().unwrap().failure_reason = Some("s7 4".into());
    let err = check::s7_serial_order(&initial, &writes, &fin).unwrap_err();
    assert!(err.message.contains("own write"), "{}", err.message);
    // a body showing a later request's write: that request came first, which contradicts
    // the final state (request 2's startedDateTime shown in request 0's body)
    let (initial, mut writes, fin) = s7_writes(&order, true);
    writes[1].body.as_mut().unwrap().started = writes[38].writes.started;
    assert!(check::s7_serial_order(&initial, &writes, &fin).is_err());
    // a body showing, in a property the request did not name, a value neither the initial
    // state nor any request held: no state ever had it
    let (initial, mut writes, fin) = s7_writes(&order, true);
    let never = tpr_harness::contract::timestamp::Timestamp::parse(
        "2019-06-01T00:00:00Z",
        tpr_harness::contract::timestamp::Grammar::Graph,
    )
    .ok();
    writes[1].body.as_mut().unwrap().started = never;
    let err = check::s7_serial_order(&initial, &writes, &fin).unwrap_err();
    assert!(err.message.contains("no request wrote"), "{}", err.message);
    assert_eq!(err.property, Some("startedDateTime"));
}
