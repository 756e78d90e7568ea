//! Rule ids of `CONTRACT.md`: every verdict, finding and test names the rule that decided it.
//!
//! A [`RuleId`] is the stable vocabulary shared by the model, the generators, the invariant
//! checks, the reports and `tpr-harness explain`. The text here is a one-line summary; the
//! contract file is the full statement.

use std::fmt;
use std::str::FromStr;

/// The version of `CONTRACT.md` this harness implements; reports carry it.
pub const CONTRACT_VERSION: &str = "1.2";

macro_rules! rules {
    ($( $id:ident => ($source:literal, $title:literal) ),* $(,)?) => {
        /// One numbered rule of the contract (`R1`…`F2`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[derive(arbitrary::Arbitrary)]
        #[non_exhaustive]
        pub enum RuleId {
            $(
                #[doc = $title]
                $id,
            )*
        }

        impl RuleId {
            /// Every rule, in contract order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$id),*];

            /// The id as written in the contract, e.g. `"B6"`.
            pub fn as_str(self) -> &'static str {
                match self { $(RuleId::$id => stringify!($id)),* }
            }

            /// One-line title of the rule.
            pub fn title(self) -> &'static str {
                match self { $(RuleId::$id => $title),* }
            }

            /// Source tags of the rule (`[seed]`, `[csdl]`, `[docs]`, `[guide]`, `[odata]`, `[choice]`).
            pub fn source(self) -> &'static str {
                match self { $(RuleId::$id => $source),* }
            }
        }
    };
}

rules! {
    R1 => ("[seed]", "Two routes below the version root: direct, and via task"),
    R2 => ("[seed][choice]", "Via-task route: {t0} resolves under {w}/{r}/{u}; {t} is a result of the same task; both routes alias one entity"),
    R3 => ("[odata][docs]", "Keys as segments always; parenthesised keys per knob paren_keys; ids percent-decoded once; empty id is malformed"),
    R4 => ("[docs][choice]", "Segment names match per knob segment_case; ids match exactly; one trailing slash accepted"),
    R5 => ("[odata]", "A path that is not a route is 400; a well-formed route whose ids do not resolve is 404"),
    R6 => ("[choice]", "Query strings are outside the operation and ignored"),
    H1 => ("[seed][docs]", "PATCH updates, GET reads, other methods 405; graph-live refuses every PATCH with 405"),
    H2 => ("[seed][docs]", "Authorization: Bearer token required (401); a read-only token on PATCH is 403"),
    H3 => ("[seed][docs]", "Content-Type: application/json required on PATCH, else 415"),
    H4 => ("[choice]", "A body over max_body_bytes is 413"),
    H5 => ("[guide]", "Prefer: include-unknown-enum-members is honoured and echoed in Preference-Applied"),
    H6 => ("[rfc][docs][choice]", "Request content coding: gzip and identity decoded before the body rules; other codings 415; a corrupt body 400; decoding stops at max_body_bytes (413)"),
    B1 => ("[odata]", "The body is one UTF-8 JSON object; anything else is 400"),
    B2 => ("[odata][choice]", "A member name twice in the body is 400 (knob duplicate_members)"),
    B3 => ("[seed][csdl]", "Five updatable properties with their types and nullability"),
    B4 => ("[seed][csdl][guide]", "Required means non-nullable: null for a required property is 400 (strict: both must be named)"),
    B5 => ("[odata]", "Each property has its JSON type; any other JSON type is 400"),
    B6 => ("[seed][csdl][guide]", "processingStatus is a closed, evolvable enum with a sentinel and members after it"),
    B7 => ("[odata][docs]", "id must equal the addressed key; read-only and navigation properties are 400"),
    B8 => ("[docs][choice]", "Unknown property names are 400 (knob unknown_properties)"),
    B9 => ("[odata]", "@odata.type must name this type; other annotations are ignored"),
    B10 => ("[choice]", "failureReason holds any Unicode string, returned exactly; up to 64 KiB accepted"),
    T1 => ("[docs][odata]", "DateTimeOffset grammar per knob timestamp_grammar (graph or odata-abnf)"),
    T2 => ("[docs][choice]", "Timestamps are instants: equality by instant within timestamp_tolerance_ns"),
    T3 => ("[choice]", "No ordering between timestamps is part of the contract (lint only)"),
    S1 => ("[seed]", "The entity exists iff its workflow, run, user result and task result chain resolves"),
    S2 => ("[seed][odata]", "An accepted PATCH sets exactly the named properties and nothing else"),
    S3 => ("[choice]", "Atomicity: a rejected request changes nothing, anywhere"),
    S4 => ("[seed][odata]", "Success is 200 with the full updated representation, equal to a later GET (knob success)"),
    S5 => ("[choice]", "Idempotence: the same accepted PATCH twice gives the same state and representation"),
    S6 => ("[choice]", "Isolation: a PATCH changes only the addressed entity"),
    S7 => ("[choice]", "Linearizability: concurrent PATCHes end in a state some serial order produces"),
    S8 => ("[invariant]", "Every entity always has a createdDateTime, a processingStatus in the enum and its id"),
    E1 => ("[guide][docs]", "Every 4xx is application/json with the Graph error envelope"),
    E2 => ("[docs]", "Error codes compared only under strict_error_codes; innerError carries date and request ids"),
    E3 => ("[choice]", "No client input produces a 5xx, a hang or a dropped connection"),
    E4 => ("[choice]", "Precedence of several defects: 401/403, route 400, 405, 415, 413, body 400, 404"),
    F1 => ("[choice]", "The store is described by a fixture file; malformed fixtures are rejected naming the JSON path"),
    F2 => ("[choice]", "Tokens: a write token and an optional read-only token are configured"),
}

impl RuleId {
    /// The profile knobs that change what this rule demands.
    pub fn knobs(self) -> &'static [&'static str] {
        match self {
            RuleId::R3 => &["paren_keys"],
            RuleId::R4 => &["segment_case"],
            RuleId::H1 => &["patch_supported"],
            RuleId::H4 => &["max_body_bytes"],
            RuleId::H6 => &["request_encodings", "max_body_bytes"],
            RuleId::B2 => &["duplicate_members"],
            RuleId::B4 => &["required_in_body"],
            RuleId::B6 => &["members_after_sentinel", "sentinel_in_patch", "enum_case"],
            RuleId::B7 => &["id_in_body"],
            RuleId::B8 => &["unknown_properties"],
            RuleId::T1 => &["timestamp_grammar"],
            RuleId::T2 => &["timestamp_tolerance_ns"],
            RuleId::S4 => &["success"],
            RuleId::E2 => &["strict_error_codes"],
            RuleId::E4 => &["strict_precedence"],
            _ => &[],
        }
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown rule id was given (e.g. to `tpr-harness explain`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule id `{0}` (rules are R1-R6, H1-H6, B1-B10, T1-T3, S1-S8, E1-E4, F1-F2)")]
pub struct UnknownRule(pub String);

impl FromStr for RuleId {
    type Err = UnknownRule;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RuleId::ALL
            .iter()
            .copied()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownRule(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_parse_back_from_their_text() {
        for r in RuleId::ALL {
            assert_eq!(r.as_str().parse::<RuleId>(), Ok(*r));
            assert!(!r.title().is_empty());
        }
        assert_eq!("b6".parse::<RuleId>(), Ok(RuleId::B6));
        assert!("B11".parse::<RuleId>().is_err());
    }
}
