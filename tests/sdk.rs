//! Real clients (issue 14): requests as the Microsoft Graph SDKs for Python and JavaScript put
//! them on the wire (built by hand: the SDKs offer no PATCH for this entity), committed in
//! `tests/sdk_corpus/requests.json`, answered by the endpoint as the contract says; the answers
//! read back as the SDKs' models would (every timestamp valid under the graph grammar).

use crate::support::*;
use tpr_harness::contract::profile::Profile;
use tpr_harness::contract::spec::TaskProcessingResult;
use tpr_harness::contract::timestamp::{Grammar, Timestamp};
use tpr_harness::sut::model::ModelTarget;
use tpr_harness::sut::{Target, block_on};

#[test]
fn h6_b4_t1_sdk_shaped_requests_are_answered_as_the_contract_says() {
    let corpus: serde_json::Value =
        serde_json::from_str(include_str!("sdk_corpus/requests.json")).unwrap();
    for c in corpus.as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let target = ModelTarget::new(store(), Profile::graph());
        let mut req = get("t1");
        req.method = "PATCH".into();
        for h in c["headers"].as_array().unwrap() {
            req.headers
                .push((h[0].as_str().unwrap().into(), h[1].as_str().unwrap().into()));
        }
        let text = c["body"].to_string();
        req.body = if c["gzip"] == true {
            tpr_harness::generate::defect::gzip(text.as_bytes())
        } else {
            text.into_bytes()
        };
        let resp = block_on(target.send(&req)).unwrap().unwrap();
        let want: Vec<u16> = c["statuses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_u64().unwrap() as u16)
            .collect();
        assert!(
            want.contains(&resp.status),
            "{name}: {} {}",
            resp.status,
            String::from_utf8_lossy(&resp.body)
        );
        if resp.status == 200 {
            let v: serde_json::Value = serde_json::from_slice(&resp.body).unwrap();
            let t = TaskProcessingResult::from_json(&v).unwrap_or_else(|| panic!("{name}: {v}"));
            assert_eq!(t.id, "t1");
            for k in ["createdDateTime", "startedDateTime", "completedDateTime"] {
                if let Some(s) = v[k].as_str() {
                    assert!(
                        Timestamp::parse(s, Grammar::Graph).is_ok(),
                        "{name}: {k} {s}"
                    );
                }
            }
            // what was sent is what is stored, by instant
            for (k, sent) in c["body"].as_object().unwrap() {
                if let (Some(s), Some(r)) = (sent.as_str(), v[k].as_str()) {
                    if k.ends_with("DateTime") {
                        assert_eq!(
                            Timestamp::parse(s, Grammar::Graph),
                            Timestamp::parse(r, Grammar::Graph),
                            "{name}: {k}"
                        );
                    } else if k == "failureReason" {
                        assert_eq!(s, r, "{name}");
                    }
                }
            }
            if req
                .headers
                .iter()
                .any(|(k, v)| k == "Prefer" && v.contains("include-unknown-enum-members"))
            {
                assert_eq!(
                    resp.header("preference-applied"),
                    Some("include-unknown-enum-members"),
                    "{name}"
                );
                assert_eq!(v["processingStatus"], "quarantined");
            }
        }
        if resp.status == 415 {
            assert_eq!(
                resp.header("accept-encoding"),
                Some("gzip, identity"),
                "{name}"
            );
        }
    }
}
