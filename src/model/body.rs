//! B1–B10 and T1 as the model reads them: the body validated into a [`Patch`] before anything
//! is written (S3), each property by its rule.

use crate::contract::json::{self, Json};
use crate::contract::profile::{
    DuplicateMembers, EnumCase, IdInBody, Profile, SentinelInPatch, UnknownProperties,
};
use crate::contract::rule::RuleId;
use crate::contract::spec::{NOT_UPDATABLE, ODATA_TYPE, ProcessingStatus, Property};
use crate::contract::timestamp::Timestamp;

use super::*;

/// T1: a timestamp value under the profile's grammar.
pub(super) fn timestamp(p: Property, s: &str, profile: &Profile) -> Result<Timestamp, Defect> {
    Timestamp::parse(s, profile.timestamp_grammar).map_err(|e| {
        // `'{name}': {e}` in one allocation (generated bodies reject many timestamps)
        let mut m = String::with_capacity(128);
        m.push('\'');
        m.push_str(p.name());
        m.push_str("': ");
        e.write_message(&mut m);
        defect(400, RuleId::T1, m)
    })
}

/// B6: a `processingStatus` string. `Ok(None)` is the sentinel under `sentinel_in_patch = ignore`.
pub(crate) fn enum_member(
    s: &str,
    profile: &Profile,
    prefer: bool,
) -> Result<Option<ProcessingStatus>, Defect> {
    let found = match profile.enum_case {
        EnumCase::Exact => ProcessingStatus::from_name(s),
        EnumCase::Insensitive => ProcessingStatus::from_name_ignore_case(s),
    };
    let bad = |why: &str| defect(400, RuleId::B6, format!("'processingStatus': `{s}` {why}"));
    match found {
        None => Err(bad("is not a member of lifecycleWorkflowProcessingStatus")),
        Some(ProcessingStatus::UnknownFutureValue) => match profile.sentinel_in_patch {
            SentinelInPatch::Ignore => Ok(None),
            SentinelInPatch::Reject => Err(bad("is the sentinel, not allowed in a PATCH")),
        },
        Some(m) if m.is_after_sentinel() && !profile.has_member(m) => {
            Err(bad("is not a member of lifecycleWorkflowProcessingStatus"))
        }
        Some(m) if m.is_after_sentinel() && !prefer => Err(bad(
            "is after the sentinel and needs Prefer: include-unknown-enum-members",
        )),
        Some(m) => Ok(Some(m)),
    }
}

/// B3–B5, B10: one updatable property's value.
pub(super) fn property(
    p: Property,
    v: &Json,
    profile: &Profile,
    prefer: bool,
) -> Result<Option<Change>, Defect> {
    let wrong_type = || {
        defect(
            400,
            RuleId::B5,
            format!(
                "'{}' must be a {}, not a {}",
                p.name(),
                if p == Property::FailureReason {
                    "string"
                } else if p.is_timestamp() {
                    "timestamp string"
                } else {
                    "enum string"
                },
                v.type_name()
            ),
        )
    };
    match (p, v) {
        (_, Json::Null) if p.is_required() => Err(defect(
            400,
            RuleId::B4,
            format!(
                "null is not a valid value for the required property '{}'",
                p.name()
            ),
        )),
        (Property::StartedDateTime, Json::Null) => Ok(Some(Change::Started(None))),
        (Property::CompletedDateTime, Json::Null) => Ok(Some(Change::Completed(None))),
        (Property::FailureReason, Json::Null) => Ok(Some(Change::FailureReason(None))),
        (Property::CreatedDateTime, Json::String(s)) => {
            Ok(Some(Change::Created(timestamp(p, s, profile)?)))
        }
        (Property::StartedDateTime, Json::String(s)) => {
            Ok(Some(Change::Started(Some(timestamp(p, s, profile)?))))
        }
        (Property::CompletedDateTime, Json::String(s)) => {
            Ok(Some(Change::Completed(Some(timestamp(p, s, profile)?))))
        }
        (Property::FailureReason, Json::String(s)) => {
            Ok(Some(Change::FailureReason(Some(s.to_string()))))
        }
        (Property::ProcessingStatus, Json::String(s)) => {
            Ok(enum_member(s, profile, prefer)?.map(Change::Status))
        }
        _ => Err(wrong_type()),
    }
}

/// B9: `@odata.type`, when present, names this type.
pub(super) fn odata_type(v: &Json) -> Result<(), Defect> {
    match v.as_str() {
        Some(s) if s == ODATA_TYPE || s == &ODATA_TYPE[1..] => Ok(()),
        _ => Err(defect(
            400,
            RuleId::B9,
            format!("@odata.type must be {ODATA_TYPE}"),
        )),
    }
}

/// B7: `id` in the body.
pub(super) fn id_member(
    v: &Json,
    addressed: Option<&str>,
    profile: &Profile,
) -> Result<(), Defect> {
    match (profile.id_in_body, v, addressed) {
        (IdInBody::Reject, _, _) => Err(defect(
            400,
            RuleId::B7,
            "'id' is the key and cannot be sent",
        )),
        (IdInBody::IgnoreIfEqual, Json::String(s), Some(a)) if s != a => Err(defect(
            400,
            RuleId::B7,
            format!("'id' `{s}` differs from the addressed id `{a}`"),
        )),
        (IdInBody::IgnoreIfEqual, Json::String(_), _) => Ok(()),
        _ => Err(defect(
            400,
            RuleId::B7,
            format!("'id' must be a string, not a {}", v.type_name()),
        )),
    }
}

/// B1–B10, T1: the PATCH body, validated into a [`Patch`] or every defect it carries.
/// `addressed` is the id of the route when the path parsed (for B7).
pub fn body(
    bytes: &[u8],
    addressed: Option<&str>,
    profile: &Profile,
    prefer: bool,
) -> Result<Patch, Vec<Defect>> {
    body_and_choices(bytes, addressed, profile, prefer).0
}

/// [`body`], and the rejections the contract allows without demanding them (B1.d's byte-order
/// mark, B10's long text), found whether the body is otherwise valid or not: an implementation
/// that takes that branch may answer with it alone or beside other defects (E4).
pub(super) fn body_and_choices(
    bytes: &[u8],
    addressed: Option<&str>,
    profile: &Profile,
    prefer: bool,
) -> (Result<Patch, Vec<Defect>>, Vec<Defect>) {
    // B1.d: a UTF-8 byte-order mark may be ignored or be 400
    let (bytes, bom) = json::strip_bom(bytes);
    let doc = match json::parse(bytes) {
        Ok(doc) => doc,
        Err(e) => {
            let d = defect(400, RuleId::B1, format!("the body is not JSON: {e}"));
            return (Err(vec![d]), Vec::new());
        }
    };
    let Json::Object(members) = doc else {
        let d = defect(
            400,
            RuleId::B1,
            format!("the body must be a JSON object, not a {}", doc.type_name()),
        );
        return (Err(vec![d]), Vec::new());
    };
    let mut defects = Vec::new();
    let mut patch = Patch::default();
    if bom {
        patch.optional.push(defect(
            400,
            RuleId::B1,
            "a byte-order mark before the JSON text (B1.d: may be ignored or 400)",
        ));
    }
    let mut named = [false; 5];
    for (i, (name, value)) in members.iter().enumerate() {
        let later = members[i + 1..].iter().any(|(n, _)| n == name);
        if later {
            if profile.duplicate_members == DuplicateMembers::Reject
                && !members[..i].iter().any(|(n, _)| n == name)
            {
                defects.push(defect(
                    400,
                    RuleId::B2,
                    format!("member '{name}' appears more than once"),
                ));
            }
            continue; // last-wins: only the last occurrence counts
        }
        let result = if name == "@odata.type" {
            odata_type(value)
        } else if name.as_bytes().contains(&b'@') {
            Ok(()) // B9: other annotations are ignored
        } else if name == "id" {
            id_member(value, addressed, profile)
        } else if NOT_UPDATABLE.contains(&&**name) {
            Err(defect(
                400,
                RuleId::B7,
                format!("'{name}' cannot be updated by this operation"),
            ))
        } else if let Some(p) = Property::from_name(name) {
            named[p as usize] = true;
            if let (Property::FailureReason, Json::String(text)) = (p, value) {
                if text.len() > FAILURE_REASON_MUST_ACCEPT {
                    patch.optional.push(defect(
                        400,
                        RuleId::B10,
                        format!(
                            "'failureReason' of {} bytes is longer than 64 KiB (B10: may be accepted or 400)",
                            text.len()
                        ),
                    ));
                }
            }
            property(p, value, profile, prefer).map(|c| patch.changes.extend(c))
        } else if profile.unknown_properties == UnknownProperties::Reject {
            Err(defect(
                400,
                RuleId::B8,
                format!(
                    "the property '{name}' does not exist on type {}",
                    &ODATA_TYPE[1..]
                ),
            ))
        } else {
            Ok(())
        };
        if let Err(d) = result {
            defects.push(d);
        }
    }
    if profile.required_in_body {
        for p in [Property::CreatedDateTime, Property::ProcessingStatus] {
            if !named[p as usize] {
                defects.push(defect(
                    400,
                    RuleId::B4,
                    format!(
                        "required property '{}' is missing (required_in_body)",
                        p.name()
                    ),
                ));
            }
        }
    }
    let choices = patch.optional.clone();
    if defects.is_empty() {
        (Ok(patch), choices)
    } else {
        (Err(defects), choices)
    }
}
