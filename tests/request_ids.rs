//! E2 across responses: a `request-id` is fresh for every response. The runner joins the ids
//! every unit saw and files a repeat as one E2 finding naming both requests; the correct model
//! puts E2 to the test with every answer and is never flagged.

use crate::support::rt;
use tpr_harness::contract::profile::Profile;
use tpr_harness::contract::rule::RuleId;
use tpr_harness::run::{Config, Kind, Replayed, Report, Runner};
use tpr_harness::sut::model::ModelTarget;
use tpr_harness::sut::mutant::{Mutant, Mutated};

const SEED: u64 = 2;

fn store(profile: &Profile) -> tpr_harness::model::store::Store {
    crate::support::generated_store(
        SEED,
        profile,
        crate::support::WRITE,
        Some(crate::support::READ),
    )
}

fn config(profile: &Profile, lanes: usize) -> Config {
    Config {
        profile: profile.clone(),
        seed: SEED,
        lanes,
        pairs: false,
        ..Config::default()
    }
}

async fn repeating(lanes: usize) -> Report {
    let profile = Profile::graph();
    let store = store(&profile);
    let target = Mutated::new(
        store.clone(),
        profile.clone(),
        &[Mutant::RequestIdFromRequest],
    );
    Runner::new(&target, store, config(&profile, lanes))
        .run()
        .await
        .unwrap()
}

#[test]
fn e2_a_server_repeating_request_ids_is_one_e2_finding_naming_both_requests_for_any_lanes() {
    rt().block_on(async {
        let one = repeating(1).await;
        let four = repeating(4).await;
        assert_eq!(one.findings.len(), 1, "{:#?}", one.findings);
        let f = &one.findings[0];
        assert_eq!(
            (f.rule, f.clause.as_str(), f.kind),
            (RuleId::E2, "E2", Kind::RequestId)
        );
        // every answer that repeated an id is a failing case of E2, counted alike everywhere
        assert!(f.count > 1, "{}", f.count);
        assert_eq!(one.clause_failures.get("E2"), Some(&f.count));
        assert_eq!(one.failures.get(&RuleId::E2), Some(&f.count));
        // both requests named: the earlier in `sequence`, the later as the finding's request,
        // the id in what came back
        assert_eq!(f.sequence.len(), 1);
        assert!(f.message.contains(&f.sequence[0].path), "{}", f.message);
        assert!(f.message.contains(&f.request.path), "{}", f.message);
        let id = f
            .actual
            .as_ref()
            .and_then(|a| a.header("request-id"))
            .unwrap();
        assert!(f.message.contains(id), "{}", f.message);
        // the same seed gives the same finding for any number of lanes
        let key = |r: &Report| {
            r.findings
                .iter()
                .map(|f| {
                    (
                        f.cause.clone(),
                        f.count,
                        f.message.clone(),
                        f.request.clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(key(&one), key(&four));
        // a property of the whole run: replay asks for check again
        let profile = Profile::graph();
        let store = store(&profile);
        let target = Mutated::new(
            store.clone(),
            profile.clone(),
            &[Mutant::RequestIdFromRequest],
        );
        let replayed = Runner::new(&target, store, config(&profile, 1))
            .replay(&one.findings)
            .await;
        assert!(
            matches!(replayed.as_slice(), [Replayed::NeedsFullRun(_)]),
            "{replayed:?}"
        );
    });
}

#[test]
fn e2_the_correct_model_puts_request_ids_to_the_test_with_every_answer_and_repeats_none() {
    rt().block_on(async {
        let profile = Profile::graph();
        let store = store(&profile);
        let target = ModelTarget::new(store.clone(), profile.clone());
        let r = Runner::new(&target, store, config(&profile, 4))
            .run()
            .await
            .unwrap();
        assert!(r.findings.is_empty(), "{:#?}", r.findings);
        // every answer of the cases, sequences and rounds (preflight's few are not joined)
        let e2 = r.clause_coverage.get("E2").copied().unwrap_or(0);
        assert!(
            e2 > r.requests / 2 && e2 <= r.requests,
            "E2 put to the test {e2} times in {} requests",
            r.requests
        );
        assert_eq!(r.clause_failures.get("E2"), None);
    });
}
