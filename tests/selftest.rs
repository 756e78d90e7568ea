//! The harness checks its own oracle: `check` must find every deliberately broken endpoint,
//! citing the right rule, within the default budget, and nothing against the correct endpoint
//! under every profile. Same seed, same findings.

use std::time::Duration;
use tpr_harness::conformance::{Config, Report, Runner};
use tpr_harness::endpoint::{Endpoint, ModelResponder};
use tpr_harness::fixture::Fixture;
use tpr_harness::mutant::Mutant;
use tpr_harness::profile::Profile;
use tpr_harness::remote::Remote;
use tpr_harness::store::{Store, Tokens};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

async fn check(profile: &Profile, mutant: Option<Mutant>, seed: u64) -> Report {
    let store = Store::new(
        &Fixture::generate(seed, profile),
        Tokens::new("write-token", Some("read-token")),
    );
    let ep =
        Endpoint::start(ModelResponder::new(store.clone(), profile.clone()).with_mutant(mutant))
            .await
            .unwrap();
    let remote = Remote::new(&ep.base_url(), Duration::from_secs(10));
    let config = Config {
        profile: profile.clone(),
        seed,
        ..Config::default()
    };
    Runner::new(&remote, store, config).run().await.unwrap()
}

#[test]
fn check_finds_nothing_against_the_correct_endpoint_under_every_profile() {
    rt().block_on(async {
        for profile in [Profile::graph(), Profile::strict(), Profile::graph_live()] {
            for seed in [1, 2] {
                let r = check(&profile, None, seed).await;
                assert!(
                    r.findings.is_empty(),
                    "{} seed {seed}: {:#?}",
                    profile.name,
                    r.findings
                );
                assert!(r.cases > 500, "{}", r.cases);
            }
        }
    });
}

#[test]
fn strict_concurrency_phase_sends_required_properties() {
    // Found against our own endpoint: under strict (required_in_body) the S7 phase sent bodies
    // without createdDateTime/processingStatus, got 400s and reported a false S7 finding.
    rt().block_on(async {
        let r = check(&Profile::strict(), None, 1).await;
        assert!(
            !r.findings
                .iter()
                .any(|f| f.rule == tpr_harness::rule::RuleId::S7),
            "{:#?}",
            r.findings
        );
        assert!(r.coverage.contains_key(&tpr_harness::rule::RuleId::S7));
    });
}

#[test]
fn check_kills_every_mutant_citing_its_rule() {
    let profile = Profile::graph();
    let mut killed = Vec::new();
    let mut survived = Vec::new();
    rt().block_on(async {
        for m in Mutant::ALL {
            let r = check(&profile, Some(m), 1).await;
            let rules: Vec<_> = r.findings.iter().map(|f| f.rule).collect();
            if m.rules().iter().any(|want| rules.contains(want)) {
                killed.push(m);
            } else {
                survived.push((m, rules));
            }
        }
    });
    println!("kill rate: {}/{} mutants", killed.len(), Mutant::ALL.len());
    assert!(
        survived.is_empty(),
        "survivors (mutant, rules found): {survived:?}"
    );
}

#[test]
fn the_same_seed_gives_the_same_findings() {
    rt().block_on(async {
        let a = check(&Profile::graph(), Some(Mutant::OpenEnum), 3).await;
        let b = check(&Profile::graph(), Some(Mutant::OpenEnum), 3).await;
        let key = |r: &Report| {
            r.findings
                .iter()
                .map(|f| (f.rule, f.request.clone(), f.expected.statuses.clone()))
                .collect::<Vec<_>>()
        };
        assert!(!a.findings.is_empty());
        assert_eq!(key(&a), key(&b));
        assert_eq!(a.cases, b.cases);
    });
}

#[test]
fn findings_are_shrunk_to_one_defect_and_carry_curl_and_a_rust_test() {
    rt().block_on(async {
        let r = check(&Profile::graph(), Some(Mutant::AcceptNullCreated), 1).await;
        let f = r
            .findings
            .iter()
            .find(|f| f.rule == tpr_harness::rule::RuleId::B4)
            .expect("a B4 finding");
        assert_eq!(f.defects.len(), 1, "{f:#?}");
        let body = String::from_utf8_lossy(&f.request.body);
        assert!(
            body.contains("createdDateTime") && body.len() < 80,
            "shrunk body: {body}"
        );
        assert!(f.curl.starts_with("curl ") && f.curl.contains("$TPR_TOKEN"));
        assert!(f.rust_test.contains("#[tokio::test]"));
        assert!(
            !f.request
                .headers
                .iter()
                .any(|(_, v)| v.contains("write-token")),
            "token redacted"
        );
    });
}

#[test]
fn s5_is_not_reported_for_requests_the_implementation_rejects() {
    // Found with examples/tiny_server: a valid PATCH the implementation rejected (404 twice) was
    // reported as an S5 idempotence failure; it is the case's own rule (here R4) that broke.
    rt().block_on(async {
        let r = check(&Profile::graph(), Some(Mutant::CaseSensitiveSegments), 1).await;
        assert!(
            r.findings
                .iter()
                .any(|f| f.rule == tpr_harness::rule::RuleId::R4)
        );
        assert!(
            !r.findings
                .iter()
                .any(|f| f.rule == tpr_harness::rule::RuleId::S5),
            "{:#?}",
            r.findings.iter().map(|f| &f.message).collect::<Vec<_>>()
        );
    });
}

#[test]
fn false_rejections_shrink_to_the_feature_they_are_rejected_for() {
    // Found with examples/tiny_server: a valid request rejected for its lower-case `bearer`
    // scheme was reported under R4 because the unshrunk case also had a trailing slash.
    rt().block_on(async {
        let r = check(&Profile::graph(), Some(Mutant::CaseSensitiveSegments), 2).await;
        let false_rejections: Vec<_> = r
            .findings
            .iter()
            .filter(|f| {
                f.expected.statuses.iter().all(|s| *s < 300)
                    && f.actual.as_ref().is_some_and(|a| a.status >= 400)
            })
            .collect();
        assert!(!false_rejections.is_empty());
        for f in false_rejections {
            assert_eq!(
                f.rule,
                tpr_harness::rule::RuleId::R4,
                "{}: {} {}",
                f.message,
                f.request.method,
                f.request.path
            );
        }
    });
}

#[test]
fn drift_seen_in_a_200_body_is_attributed_to_s6_not_to_the_property_rule() {
    // Found with examples/tiny_server: an entity changed by an earlier request showed up in the
    // 200 body of a later, unrelated PATCH and was cited as T2/B10 for a property that request
    // never named. Now it is decided like an observation: restore, re-send, S6 if it passes.
    rt().block_on(async {
        let r = check(&Profile::graph(), Some(Mutant::IsolationLeak), 1).await;
        let rules: Vec<_> = r.findings.iter().map(|f| f.rule).collect();
        assert!(rules.contains(&tpr_harness::rule::RuleId::S6), "{rules:?}");
        assert!(
            !rules.contains(&tpr_harness::rule::RuleId::B10)
                && !rules.contains(&tpr_harness::rule::RuleId::T2),
            "{rules:?}"
        );
    });
}
