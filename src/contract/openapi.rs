//! An OpenAPI 3.1 description of the contract under a profile, so Schemathesis, Dredd or Prism
//! users can work from the same contract: both routes, GET and PATCH, bearer auth, the PATCH body
//! schema (T1's pattern, the enum of B6, nullability of B4, `additionalProperties: false` per
//! B8), the statuses the profile allows and the Graph error envelope (E1).
//!
//! ```
//! let doc = tpr_harness::contract::openapi::document(&tpr_harness::contract::profile::Profile::graph());
//! assert_eq!(doc["openapi"], "3.1.0");
//! assert_eq!(doc["paths"].as_object().unwrap().len(), 2);
//! ```

use crate::contract::path::PREFIX;
use crate::contract::profile::{Profile, Success, UnknownProperties};
use crate::contract::rule::CONTRACT_VERSION;
use crate::contract::spec::{ODATA_TYPE, ProcessingStatus, error_code};
use crate::contract::timestamp::Grammar;
use serde_json::{Value, json};

/// T1 as a regular expression: the shape, with the year range of `graph`. Calendar dates and
/// the representable year range of `odata-abnf` are the parser's checks.
pub fn timestamp_pattern(grammar: Grammar) -> &'static str {
    match grammar {
        Grammar::Graph => {
            r"^(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,12})?(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))$"
        }
        Grammar::OdataAbnf => {
            r"^-?([0-9]{4}|[1-9][0-9]{4,14})-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9](:([0-5][0-9]|60)([.][0-9]{1,12})?)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
        }
    }
}

fn error_response(status: u16, rule: &str) -> Value {
    json!({
        "description": format!("{} ({rule})", error_code(status)),
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    })
}

fn params(names: &[&str]) -> Value {
    Value::Array(
        names
            .iter()
            .map(|n| json!({"name": n, "in": "path", "required": true, "schema": {"type": "string", "minLength": 1}}))
            .collect(),
    )
}

/// The OpenAPI 3.1 document for `profile`.
pub fn document(profile: &Profile) -> Value {
    let members: Vec<&str> = ProcessingStatus::ALL
        .into_iter()
        .filter(|m| profile.has_member(*m))
        .map(ProcessingStatus::as_str)
        .collect();
    // a schema-valid PATCH must be contract-valid: no members after the sentinel (they need the
    // Prefer header) and no sentinel where the profile rejects it
    let patch_members: Vec<&str> = ProcessingStatus::ALL
        .into_iter()
        .filter(|m| !m.is_after_sentinel())
        .filter(|m| {
            *m != ProcessingStatus::UnknownFutureValue
                || profile.sentinel_in_patch == crate::contract::profile::SentinelInPatch::Ignore
        })
        .map(ProcessingStatus::as_str)
        .collect();
    let ts = json!({"$ref": "#/components/schemas/DateTimeOffset"});
    let nullable_ts = json!({"oneOf": [ts, {"type": "null"}]});
    let body_props = json!({
        "completedDateTime": nullable_ts,
        "createdDateTime": ts,
        "failureReason": {"type": ["string", "null"]},
        "processingStatus": {"type": "string", "enum": patch_members, "description": "Members after the sentinel are accepted only with Prefer: include-unknown-enum-members (B6), which a schema cannot say, so they are left out here."},
        "startedDateTime": nullable_ts,
        "@odata.type": {"type": "string", "enum": [ODATA_TYPE, &ODATA_TYPE[1..]]},
    });
    // `id` is left out of the schema on purpose: B7 accepts it only when equal to the addressed
    // id, which a schema cannot say, and a schema-valid request must never be a contract
    // violation (Schemathesis flagged the first export for exactly that).
    let mut patch_schema = json!({
        "type": "object",
        "description": "B3-B10. Members whose names hold '@' are annotations and are ignored (B9). `id` may also be sent when it equals the addressed id (B7); a schema cannot express that, so it is left out. The DateTimeOffset pattern is T1's shape: calendar dates (2023-02-29) are checked by the service.",
        "properties": body_props,
        "patternProperties": {"@": {}},
    });
    if profile.unknown_properties == UnknownProperties::Reject {
        patch_schema["additionalProperties"] = json!(false);
    }
    if profile.required_in_body {
        patch_schema["required"] = json!(["createdDateTime", "processingStatus"]);
    }
    let mut patch_responses = serde_json::Map::new();
    if profile.patch_supported {
        if matches!(profile.success, Success::Ok200Body | Success::Either) {
            patch_responses.insert("200".into(), json!({"description": "Updated (S4)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TaskProcessingResult"}}}}));
        }
        if matches!(profile.success, Success::NoContent204 | Success::Either) {
            patch_responses.insert(
                "204".into(),
                json!({"description": "Updated, no body (S4)"}),
            );
        }
        for (s, r) in [
            (400, "R5, B1-B10, T1"),
            (401, "H2"),
            (403, "H2"),
            (404, "S1, R2"),
            (405, "H1"),
            (413, "H4"),
            (415, "H3"),
        ] {
            patch_responses.insert(s.to_string(), error_response(s, r));
        }
    } else {
        for (s, r) in [
            (400, "R5"),
            (401, "H2"),
            (403, "H2"),
            (405, "H1: not updatable (graph-live)"),
        ] {
            patch_responses.insert(s.to_string(), error_response(s, r));
        }
    }
    let prefer = json!({"name": "Prefer", "in": "header", "required": false, "schema": {"type": "string", "example": "include-unknown-enum-members"}, "description": "H5: include-unknown-enum-members admits and shows members after the sentinel."});
    let operations = |ids: &[&str]| {
        let mut p = params(ids).as_array().cloned().unwrap_or_default();
        p.push(prefer.clone());
        json!({
            "parameters": p,
            "get": {
                "summary": "Get taskProcessingResult (how state is observed, H1)",
                "responses": {
                    "200": {"description": "The representation", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TaskProcessingResult"}}}},
                    "400": error_response(400, "R5"), "401": error_response(401, "H2"), "404": error_response(404, "S1"),
                }
            },
            "patch": {
                "summary": "Update taskProcessingResult",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TaskProcessingResultPatch"}}}},
                "responses": Value::Object(patch_responses.clone()),
            }
        })
    };
    let base = format!(
        "/{}/workflows/{{w}}/runs/{{r}}/userProcessingResults/{{u}}/taskProcessingResults",
        PREFIX.join("/")
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Update taskProcessingResult (tpr-harness contract)",
            "version": format!("contract {CONTRACT_VERSION}, profile {}", profile.name),
            "description": "Generated by tpr-harness from CONTRACT.md under the named profile. Rule ids are in parentheses."
        },
        "servers": [{"url": "http://127.0.0.1:8080/beta"}],
        "security": [{"bearer": []}],
        "paths": {
            format!("{base}/{{t}}"): operations(&["w", "r", "u", "t"]),
            format!("{base}/{{t0}}/task/taskProcessingResults/{{t}}"): operations(&["w", "r", "u", "t0", "t"]),
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "DateTimeOffset": {"type": "string", "format": "date-time", "pattern": timestamp_pattern(profile.timestamp_grammar)},
                "ProcessingStatus": {"type": "string", "enum": members, "description": "Evolvable enum (B6): unknownFutureValue is the sentinel; members after it need Prefer: include-unknown-enum-members."},
                "TaskProcessingResultPatch": patch_schema,
                "TaskProcessingResult": {
                    "type": "object",
                    "required": ["id", "completedDateTime", "createdDateTime", "failureReason", "processingStatus", "startedDateTime"],
                    "properties": {
                        "@odata.type": {"type": "string"},
                        "id": {"type": "string"},
                        "completedDateTime": nullable_ts,
                        "createdDateTime": ts,
                        "failureReason": {"type": ["string", "null"]},
                        "processingStatus": {"$ref": "#/components/schemas/ProcessingStatus"},
                        "startedDateTime": nullable_ts,
                    }
                },
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {"code": {"type": "string", "minLength": 1}, "message": {"type": "string"}, "innerError": {"type": "object"}}
                    }}
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openapi_names_every_route_and_the_statuses_of_each_profile() {
        for p in [Profile::graph(), Profile::strict(), Profile::graph_live()] {
            let doc = document(&p);
            let text = serde_json::to_string(&doc).unwrap();
            let back: Value = serde_json::from_str(&text).unwrap();
            let paths = back["paths"].as_object().unwrap();
            assert!(
                paths
                    .keys()
                    .any(|k| k.ends_with("/taskProcessingResults/{t}") && !k.contains("/task/"))
            );
            assert!(
                paths
                    .keys()
                    .any(|k| k.ends_with("/{t0}/task/taskProcessingResults/{t}"))
            );
            for (_, item) in paths {
                let statuses: Vec<&String> = item["patch"]["responses"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .collect();
                if p.patch_supported {
                    for s in ["200", "400", "401", "403", "404", "405", "413", "415"] {
                        assert!(statuses.iter().any(|x| *x == s), "{}: {s}", p.name);
                    }
                } else {
                    assert!(
                        statuses.iter().any(|x| *x == "405")
                            && !statuses.iter().any(|x| *x == "200")
                    );
                }
                assert!(item["get"]["responses"]["200"].is_object());
            }
            let members = back["components"]["schemas"]["ProcessingStatus"]["enum"]
                .as_array()
                .unwrap()
                .len();
            assert_eq!(
                members,
                if p.members_after_sentinel.is_empty() {
                    7
                } else {
                    9
                }
            );
        }
    }

    #[test]
    fn openapi_body_schema_admits_nothing_the_contract_rejects_for_its_shape() {
        // Found by running Schemathesis on the export: `id` was schema-valid with any value,
        // while B7 rejects an id that differs from the addressed one; and the graph pattern
        // admitted year 0000 (see the pattern test's samples).
        let doc = document(&Profile::graph());
        let body = &doc["components"]["schemas"]["TaskProcessingResultPatch"];
        assert!(body["properties"].get("id").is_none());
        let members = body["properties"]["processingStatus"]["enum"]
            .as_array()
            .unwrap();
        assert!(
            !members
                .iter()
                .any(|m| m == "canceling" || m == "quarantined"),
            "need Prefer (B6)"
        );
        let strict = document(&Profile::strict());
        let members = strict["components"]["schemas"]["TaskProcessingResultPatch"]["properties"]["processingStatus"]["enum"].as_array().unwrap();
        assert!(
            !members.iter().any(|m| m == "unknownFutureValue"),
            "rejected under strict"
        );
        assert_eq!(body["additionalProperties"], json!(false));
    }

    #[test]
    fn openapi_timestamp_pattern_agrees_with_t1_except_calendar_checks() {
        use crate::contract::timestamp::Timestamp;
        let samples = [
            "2026-01-05T08:00:00Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999999+14:00",
            "2024-01-01t00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T23:59:60Z",
            "2024-01-01T23:59Z",
            "2024-01-01T00:00:00",
            "2024-01-01T00:00:00+14:01",
            "2024-01-01T00:00:00.1234567890123Z",
            "10000-01-01T00:00:00Z",
            "-0001-01-01T00:00Z",
            "2012-09-03T14:53+23:59",
            "2024-01-01T00:00:00.Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01 00:00:00Z",
            "2012-09-03t13:52z",
        ];
        for g in [Grammar::Graph, Grammar::OdataAbnf] {
            let re = regex::Regex::new(timestamp_pattern(g)).unwrap();
            for s in samples {
                assert_eq!(re.is_match(s), Timestamp::parse(s, g).is_ok(), "{g} {s}");
            }
            // the pattern cannot check the calendar; the parser does
            assert!(
                re.is_match("2023-02-29T00:00:00Z")
                    && Timestamp::parse("2023-02-29T00:00:00Z", g).is_err()
            );
        }
    }
}
