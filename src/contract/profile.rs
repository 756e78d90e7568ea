//! Profiles: the knobs of `CONTRACT.md` where public sources disagree.
//!
//! Three built-ins: `graph` (the default), `strict` (the seed page read literally) and
//! `graph-live` (what the real service does today: it refuses the PATCH). A profile file (TOML
//! or JSON) names knob values on top of a `base` profile (default `graph`); an unknown knob or
//! value is an error that names it.
//!
//! ```
//! use tpr_harness::contract::profile::Profile;
//! let p = Profile::from_toml_str("base = \"strict\"\nname = \"mine\"\nenum_case = \"insensitive\"").unwrap();
//! assert!(p.required_in_body);
//! let err = Profile::from_toml_str("enum_cse = \"exact\"").unwrap_err();
//! assert!(err.to_string().contains("enum_cse"));
//! ```

use crate::contract::spec::ProcessingStatus;
use crate::contract::timestamp::Grammar;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// `sentinel_in_patch` (B6): what `unknownFutureValue` in a PATCH body does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SentinelInPatch {
    /// Leave the property as it is.
    Ignore,
    /// 400.
    Reject,
}

/// `enum_case` (B6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EnumCase {
    /// Member names compare case-sensitively.
    Exact,
    /// Member names compare ignoring ASCII case.
    Insensitive,
}

/// `id_in_body` (B7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IdInBody {
    /// Ignored when equal to the addressed id, 400 when different.
    IgnoreIfEqual,
    /// Always 400.
    Reject,
}

/// `unknown_properties` (B8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnknownProperties {
    /// 400.
    Reject,
    /// Ignored.
    Ignore,
}

/// `duplicate_members` (B2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DuplicateMembers {
    /// 400.
    Reject,
    /// The last occurrence counts.
    LastWins,
}

/// `request_encodings` (H6): the request content codings an implementation decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequestEncodings {
    /// `gzip` and `identity` (what Microsoft's SDK middleware sends).
    Gzip,
    /// Only `identity` (or no `Content-Encoding`).
    Identity,
}

/// `paren_keys` (R3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ParenKeys {
    /// `/runs('r1')` is a key like `/runs/r1`.
    Accept,
    /// Only key-as-segment; the parenthesised form is a malformed path (400).
    Reject,
}

/// `segment_case` (R4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SegmentCase {
    /// Segment names match ignoring ASCII case.
    Insensitive,
    /// Segment names match exactly.
    Exact,
}

/// `success` (S4): the answers an accepted PATCH may give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Success {
    /// `200 OK` with the representation.
    #[serde(rename = "200-body")]
    Ok200Body,
    /// `204 No Content`.
    #[serde(rename = "204")]
    NoContent204,
    /// Either of them.
    #[serde(rename = "either")]
    Either,
}

/// A complete set of knob values. Build one with [`Profile::graph`], [`Profile::strict`],
/// [`Profile::graph_live`], [`Profile::by_name`] or load a file with [`Profile::load`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    /// The profile's name, shown in reports.
    pub name: String,
    /// H1: whether PATCH is supported at all (`graph-live`: false, every PATCH 405).
    pub patch_supported: bool,
    /// B4: every PATCH must name both required properties.
    pub required_in_body: bool,
    /// B6: members after the sentinel that the enum has.
    pub members_after_sentinel: Vec<ProcessingStatus>,
    /// B6: `unknownFutureValue` in a PATCH.
    pub sentinel_in_patch: SentinelInPatch,
    /// B6: member-name case.
    pub enum_case: EnumCase,
    /// B7: `id` in the body.
    pub id_in_body: IdInBody,
    /// B8: unknown property names.
    pub unknown_properties: UnknownProperties,
    /// B2: duplicate member names.
    pub duplicate_members: DuplicateMembers,
    /// T1: the timestamp grammar.
    pub timestamp_grammar: Grammar,
    /// R3: parenthesised keys.
    pub paren_keys: ParenKeys,
    /// R4: segment-name case.
    pub segment_case: SegmentCase,
    /// S4: success answers.
    pub success: Success,
    /// E2: compare error codes.
    pub strict_error_codes: bool,
    /// E4: only the first defect's status in precedence order is acceptable.
    pub strict_precedence: bool,
    /// H4: largest accepted body in bytes (decoded, H6).
    pub max_body_bytes: u64,
    /// H6: request content codings decoded.
    pub request_encodings: RequestEncodings,
    /// T2: tolerance of instant equality, in nanoseconds.
    pub timestamp_tolerance_ns: u64,
}

/// Names of the built-in profiles.
pub const BUILT_IN: &[&str] = &["graph", "strict", "graph-live"];

/// 4 MiB, the default of `max_body_bytes` (H4).
pub const DEFAULT_MAX_BODY_BYTES: u64 = 4 * 1024 * 1024;

impl Default for Profile {
    fn default() -> Self {
        Profile::graph()
    }
}

/// A profile could not be loaded; the message names the knob, value or file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// Not a built-in name and no such file.
    #[error(
        "unknown profile `{0}`: use one of graph, strict, graph-live, or a path to a .toml or .json file"
    )]
    UnknownName(String),
    /// The file could not be read.
    #[error("cannot read profile file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// An unknown knob, a bad value or bad syntax.
    #[error("invalid profile{}: {message}", .path.as_deref().map(|p| format!(" {p}")).unwrap_or_default())]
    Invalid {
        /// The file, when one was read.
        path: Option<String>,
        /// What is wrong (names the knob or value).
        message: String,
    },
}

/// The knobs a profile file may set; every one optional, unknown ones rejected by name.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    name: Option<String>,
    base: Option<String>,
    patch_supported: Option<bool>,
    required_in_body: Option<bool>,
    members_after_sentinel: Option<Vec<String>>,
    sentinel_in_patch: Option<SentinelInPatch>,
    enum_case: Option<EnumCase>,
    id_in_body: Option<IdInBody>,
    unknown_properties: Option<UnknownProperties>,
    duplicate_members: Option<DuplicateMembers>,
    timestamp_grammar: Option<Grammar>,
    paren_keys: Option<ParenKeys>,
    segment_case: Option<SegmentCase>,
    success: Option<Success>,
    strict_error_codes: Option<bool>,
    strict_precedence: Option<bool>,
    max_body_bytes: Option<u64>,
    request_encodings: Option<RequestEncodings>,
    timestamp_tolerance_ns: Option<u64>,
}

impl Profile {
    /// `graph`: the default reading of the contract.
    pub fn graph() -> Profile {
        Profile {
            name: "graph".into(),
            patch_supported: true,
            required_in_body: false,
            members_after_sentinel: vec![
                ProcessingStatus::Canceling,
                ProcessingStatus::Quarantined,
            ],
            sentinel_in_patch: SentinelInPatch::Ignore,
            enum_case: EnumCase::Exact,
            id_in_body: IdInBody::IgnoreIfEqual,
            unknown_properties: UnknownProperties::Reject,
            duplicate_members: DuplicateMembers::Reject,
            timestamp_grammar: Grammar::Graph,
            paren_keys: ParenKeys::Accept,
            segment_case: SegmentCase::Insensitive,
            success: Success::Ok200Body,
            strict_error_codes: false,
            strict_precedence: false,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            request_encodings: RequestEncodings::Gzip,
            timestamp_tolerance_ns: 100,
        }
    }

    /// `strict`: the seed page read literally.
    pub fn strict() -> Profile {
        Profile {
            name: "strict".into(),
            required_in_body: true,
            members_after_sentinel: vec![],
            sentinel_in_patch: SentinelInPatch::Reject,
            id_in_body: IdInBody::Reject,
            segment_case: SegmentCase::Exact,
            strict_error_codes: true,
            strict_precedence: true,
            ..Profile::graph()
        }
    }

    /// `graph-live`: the real service today, which refuses every PATCH (405).
    pub fn graph_live() -> Profile {
        Profile {
            name: "graph-live".into(),
            patch_supported: false,
            ..Profile::graph()
        }
    }

    /// A built-in profile by name.
    pub fn by_name(name: &str) -> Result<Profile, ProfileError> {
        match name {
            "graph" => Ok(Profile::graph()),
            "strict" => Ok(Profile::strict()),
            "graph-live" => Ok(Profile::graph_live()),
            other => Err(ProfileError::UnknownName(other.to_string())),
        }
    }

    /// A built-in name, or else a path to a profile file.
    pub fn resolve(name_or_path: &str) -> Result<Profile, ProfileError> {
        if BUILT_IN.contains(&name_or_path) {
            return Profile::by_name(name_or_path);
        }
        let path = Path::new(name_or_path);
        if path.exists() {
            Profile::load(path)
        } else {
            Err(ProfileError::UnknownName(name_or_path.to_string()))
        }
    }

    /// Loads a profile file: JSON when it ends in `.json`, TOML otherwise.
    pub fn load(path: &Path) -> Result<Profile, ProfileError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Io {
            path: shown.clone(),
            source,
        })?;
        let parsed = if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            Profile::from_json_str(&text)
        } else {
            Profile::from_toml_str(&text)
        };
        parsed.map_err(|e| match e {
            ProfileError::Invalid { message, .. } => ProfileError::Invalid {
                path: Some(shown.clone()),
                message,
            },
            other => other,
        })
    }

    /// A profile from TOML text.
    pub fn from_toml_str(text: &str) -> Result<Profile, ProfileError> {
        let file: ProfileFile =
            toml::from_str(text).map_err(|e| invalid(e.message().to_string()))?;
        file.into_profile()
    }

    /// A profile from JSON text.
    pub fn from_json_str(text: &str) -> Result<Profile, ProfileError> {
        let file: ProfileFile = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
        file.into_profile()
    }

    /// Whether `status` is a member of this profile's enum (B6, S8).
    pub(crate) fn has_member(&self, status: ProcessingStatus) -> bool {
        !status.is_after_sentinel() || self.members_after_sentinel.contains(&status)
    }

    /// The profile as TOML (every knob), e.g. as a starting point for a custom profile.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }
}

fn invalid(message: String) -> ProfileError {
    ProfileError::Invalid {
        path: None,
        message,
    }
}

impl ProfileFile {
    fn into_profile(self) -> Result<Profile, ProfileError> {
        let mut p = Profile::by_name(self.base.as_deref().unwrap_or("graph")).map_err(|_| {
            invalid(format!(
                "unknown base profile `{}`, expected one of graph, strict, graph-live",
                self.base.as_deref().unwrap_or_default()
            ))
        })?;
        p.name = self.name.unwrap_or_else(|| "custom".into());
        macro_rules! set {
            ($($k:ident),*) => { $( if let Some(v) = self.$k { p.$k = v; } )* };
        }
        set!(
            patch_supported,
            required_in_body,
            sentinel_in_patch,
            enum_case,
            id_in_body,
            unknown_properties,
            duplicate_members,
            timestamp_grammar,
            paren_keys,
            segment_case,
            success,
            strict_error_codes,
            strict_precedence,
            max_body_bytes,
            request_encodings,
            timestamp_tolerance_ns
        );
        if let Some(members) = self.members_after_sentinel {
            let mut list = Vec::new();
            for m in members {
                match ProcessingStatus::from_name(&m) {
                    Some(s) if s.is_after_sentinel() => list.push(s),
                    _ => {
                        return Err(invalid(format!(
                            "members_after_sentinel: unknown member `{m}`, expected canceling or quarantined"
                        )));
                    }
                }
            }
            p.members_after_sentinel = list;
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_profiles_match_the_contract_table() {
        let g = Profile::graph();
        assert!(g.patch_supported && !g.required_in_body && !g.strict_precedence);
        assert_eq!(g.members_after_sentinel.len(), 2);
        let s = Profile::strict();
        assert!(s.required_in_body && s.strict_error_codes && s.strict_precedence);
        assert!(s.members_after_sentinel.is_empty());
        assert_eq!(s.sentinel_in_patch, SentinelInPatch::Reject);
        assert_eq!(s.id_in_body, IdInBody::Reject);
        assert_eq!(s.segment_case, SegmentCase::Exact);
        assert!(!Profile::graph_live().patch_supported);
        for n in BUILT_IN {
            assert_eq!(Profile::by_name(n).unwrap().name, *n);
        }
    }

    #[test]
    fn profile_files_set_every_knob_in_toml_and_json() {
        let toml = r#"
            name = "all"
            base = "graph"
            patch_supported = false
            required_in_body = true
            members_after_sentinel = ["quarantined"]
            sentinel_in_patch = "reject"
            enum_case = "insensitive"
            id_in_body = "reject"
            unknown_properties = "ignore"
            duplicate_members = "last-wins"
            timestamp_grammar = "odata-abnf"
            paren_keys = "reject"
            segment_case = "exact"
            success = "either"
            strict_error_codes = true
            strict_precedence = true
            max_body_bytes = 10
            timestamp_tolerance_ns = 0
        "#;
        let p = Profile::from_toml_str(toml).unwrap();
        assert_eq!(p.name, "all");
        assert!(!p.patch_supported && p.required_in_body);
        assert_eq!(
            p.members_after_sentinel,
            vec![ProcessingStatus::Quarantined]
        );
        assert_eq!(p.enum_case, EnumCase::Insensitive);
        assert_eq!(p.duplicate_members, DuplicateMembers::LastWins);
        assert_eq!(p.timestamp_grammar, Grammar::OdataAbnf);
        assert_eq!(p.paren_keys, ParenKeys::Reject);
        assert_eq!(p.success, Success::Either);
        assert_eq!(p.max_body_bytes, 10);
        let json = r#"{"base":"strict","success":"204","unknown_properties":"ignore"}"#;
        let q = Profile::from_json_str(json).unwrap();
        assert_eq!(q.success, Success::NoContent204);
        assert!(q.required_in_body);
        // what to_toml writes is loadable again
        let back = Profile::from_toml_str(&Profile::strict().to_toml()).unwrap();
        assert_eq!(back, Profile::strict());
    }

    #[test]
    fn unknown_knobs_and_values_are_errors_naming_them() {
        let e = Profile::from_toml_str("sentinel_in_path = \"ignore\"")
            .unwrap_err()
            .to_string();
        assert!(e.contains("sentinel_in_path"), "{e}");
        let e = Profile::from_toml_str("success = \"201\"")
            .unwrap_err()
            .to_string();
        assert!(e.contains("201"), "{e}");
        let e = Profile::from_json_str(r#"{"members_after_sentinel":["paused"]}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("paused"), "{e}");
        let e = Profile::from_toml_str("base = \"v2\"")
            .unwrap_err()
            .to_string();
        assert!(e.contains("v2"), "{e}");
        assert!(matches!(
            Profile::resolve("nope"),
            Err(ProfileError::UnknownName(_))
        ));
    }
}
