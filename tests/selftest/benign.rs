//! Nothing found where nothing is wrong: the correct model under every profile, the benign
//! variants using the contract's freedoms, benign HTTP framing.

use super::*;

#[test]
fn selftest_check_finds_nothing_against_the_correct_model_under_every_profile() {
    rt().block_on(async {
        for profile in crate::support::all_profiles() {
            for seed in [1, 2] {
                let r = check(&profile, None, seed).await;
                assert!(
                    r.findings.is_empty(),
                    "{} seed {seed}: {:#?}",
                    profile.name,
                    r.findings
                );
                assert!(r.cases > 500, "{}", r.cases);
                let store = seeded(seed, &profile);
                let target = ModelTarget::new(store.clone(), profile.clone());
                let r = Runner::new(&target, store, config(&profile, seed))
                    .run()
                    .await
                    .unwrap();
                assert!(
                    r.findings.is_empty(),
                    "in process, {} seed {seed}: {:#?}",
                    profile.name,
                    r.findings
                );
            }
        }
    });
}

#[test]
fn s5_is_not_reported_for_requests_the_implementation_rejects() {
    // Found with examples/tiny_server: a valid PATCH the implementation rejected (404 twice) was
    // reported as an S5 idempotence failure; it is the case's own rule (here R4) that broke.
    rt().block_on(async {
        let r = check(&Profile::graph(), Some(Mutant::CaseSensitiveSegments), 1).await;
        assert!(rules(&r).contains(&RuleId::R4));
        assert!(!rules(&r).contains(&RuleId::S5), "{:#?}", r.findings);
    });
}

#[test]
fn selftest_benign_variants_using_the_contracts_freedoms_are_never_flagged() {
    // other timestamp renderings, other error codes and messages, extra annotations and
    // headers, header and media-type case, reordered bodies: each alone and all at once, in
    // process and (all at once) over HTTP. A finding here is a false alarm.
    use tpr_harness::sut::benign::{Benign, Varied};
    let profile = Profile::graph();
    rt().block_on(async {
        let mut sets: Vec<Vec<Benign>> = Benign::ALL.iter().map(|b| vec![*b]).collect();
        sets.push(Benign::ALL.to_vec());
        for set in &sets {
            for seed in [1, 2] {
                let store = seeded(seed, &profile);
                let target = Varied::new(store.clone(), profile.clone(), set);
                let r = Runner::new(&target, store, config(&profile, seed))
                    .run()
                    .await
                    .unwrap();
                assert!(
                    r.findings.is_empty(),
                    "{set:?} seed {seed}: {:#?}",
                    r.findings
                );
            }
        }
        let store = seeded(3, &profile);
        let varied = std::sync::Arc::new(Varied::new(store.clone(), profile.clone(), &Benign::ALL));
        let ep = Endpoint::start(Responder::serving(varied, profile.clone()))
            .await
            .unwrap();
        let remote = Remote::new(&ep.base_url(), Duration::from_secs(10));
        let r = Runner::new(&remote, store, config(&profile, 3))
            .run()
            .await
            .unwrap();
        assert!(r.findings.is_empty(), "over HTTP: {:#?}", r.findings);
    });
}

#[test]
fn selftest_benign_http_framing_chunked_answers_connection_close_and_latency_are_never_flagged() {
    // the freedoms of HTTP itself: every answer chunked (small chunks, empty bodies as the
    // final chunk alone) on a connection closed after it, or sent after a little latency, or
    // both in turn; with the model's own answers. A finding here is a false alarm.
    use crate::support::server::{self, Act};
    use std::sync::atomic::{AtomicU64, Ordering};
    let profile = Profile::graph();
    for mode in 0..3u64 {
        let store = seeded(4, &profile);
        let model = ModelTarget::new(store.clone(), profile.clone());
        let n = AtomicU64::new(0);
        let srv = server::serve(0, None, move |req| {
            let resp = server::from_target(&model, req);
            let i = n.fetch_add(1, Ordering::Relaxed);
            match (mode, i % 2) {
                (0, _) | (2, 0) => Act::ChunkedThenClose(resp),
                _ => Act::Late(Duration::from_millis(2), resp),
            }
        });
        let r = rt().block_on(async {
            let remote = Remote::new(&srv.base_url(), Duration::from_secs(10));
            Runner::new(&remote, store, config(&profile, 4))
                .run()
                .await
                .unwrap()
        });
        assert!(r.findings.is_empty(), "mode {mode}: {:#?}", r.findings);
        assert!(r.cases > 500, "{}", r.cases);
    }
}

#[test]
fn b1_d_a_server_that_rejects_a_byte_order_mark_is_never_flagged_alone_or_beside_any_defect() {
    // B1.d leaves the choice: a correct implementation whose JSON parser refuses the mark
    // answers 400 where a body defect ranks in E4, beside an unknown id, an empty token or any
    // other defect. Found on a real server: 400 to a BOM-prefixed body to an unknown id was
    // filed as S1 ("expected 404"), with an empty token as H2.c. Graph and strict, every phase.
    rt().block_on(never_flagged(tpr_harness::sut::benign::Benign::BomRejected));
}

/// A correct implementation taking the branch `variant` takes: no finding over ten seeds, graph
/// and strict, every phase.
async fn never_flagged(variant: tpr_harness::sut::benign::Benign) {
    use tpr_harness::sut::benign::Varied;
    for profile in [Profile::graph(), Profile::strict()] {
        for seed in 1..=10 {
            let store = seeded(seed, &profile);
            let target = Varied::new(store.clone(), profile.clone(), &[variant]);
            let r = Runner::new(&target, store, config(&profile, seed))
                .run()
                .await
                .unwrap();
            assert!(
                r.findings.is_empty(),
                "{variant:?} {} seed {seed}: {:#?}",
                profile.name,
                r.findings
                    .iter()
                    .map(|f| (&f.clause, &f.message, &f.request))
                    .collect::<Vec<_>>()
            );
        }
    }
}

#[test]
fn b10_a_server_that_rejects_text_over_64_kib_is_never_flagged_alone_or_beside_any_defect() {
    // B10 leaves the choice: "longer ones may be accepted or be 400". A correct implementation
    // with a 64 KiB text limit answers 400 where a body defect ranks in E4, alone or beside an
    // unknown id, a bad token or any other defect. Graph and strict, ten seeds, every phase;
    // and the limit is met (the variant refuses some request), so the test can fail.
    use tpr_harness::sut::Target;
    use tpr_harness::sut::benign::{Benign, Varied};
    rt().block_on(async {
        never_flagged(Benign::LongTextRejected).await;
        // the generated space sends no text over 64 KiB (B10's bound is its longest), so the
        // runs above hold the branch only where a case reaches it: the model's outcome set is
        // what decides, alone and beside another defect (E4: a body 400 ranks before 404)
        let profile = Profile::graph();
        let store = seeded(1, &profile);
        let (id, _) = store.entities().next().unwrap();
        let path = store.direct_route(id).unwrap().to_path(&Default::default());
        let patch = |path: &str| {
            let body = format!(r#"{{"failureReason":"{}"}}"#, "x".repeat(64 * 1024 + 1));
            tpr_harness::contract::spec::Request::new("PATCH", path)
                .header(
                    "Authorization",
                    &format!("Bearer {}", store.tokens().write[0]),
                )
                .header("Content-Type", "application/json")
                .body(body.into_bytes())
        };
        let statuses = |req: &tpr_harness::contract::spec::Request| {
            tpr_harness::model::apply(&mut store.clone(), req, &profile).statuses()
        };
        let alone = statuses(&patch(&path));
        assert!(alone.contains(&200) && alone.contains(&400), "{alone:?}");
        let unknown = path.replace(id.as_str(), "00000000-0000-4000-8000-000000000000");
        let beside = statuses(&patch(&unknown));
        assert!(beside.contains(&404) && beside.contains(&400), "{beside:?}");
        // and the variant takes the branch
        let target = Varied::new(store.clone(), profile.clone(), &[Benign::LongTextRejected]);
        assert_eq!(target.send(&patch(&path)).await.unwrap().status, 400);
    });
}
