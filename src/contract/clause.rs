//! Clause ids of contract 1.2 (`R3.c`, `T1.h`, …): one testable sentence each, read from the
//! contract text itself (`docs/CONTRACT.md`, compiled in), so the list cannot drift from it. A
//! rule without lettered clauses is one clause, its own id (`S2`).

use crate::contract::rule::RuleId;
use std::sync::OnceLock;

/// One clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// The id, e.g. `R3.c`, or the rule id for a rule without lettered clauses.
    pub id: String,
    /// Its rule.
    pub rule: RuleId,
    /// The sentence, as the contract writes it (markdown emphasis removed).
    pub text: String,
}

macro_rules! clause_ids {
    ($( $name:ident = $id:literal ),* $(,)?) => {
        /// One clause of the contract, typed: a verdict, a defect kind, a variant and a finding
        /// name their clause with it, so a clause is never text that is parsed back. The list
        /// is the contract's own (a test compares it with the clauses read from `CONTRACT.md`,
        /// so a clause missing here, or here and not there, fails `cargo test`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum ClauseId {
            $(
                #[doc = $id]
                $name,
            )*
        }

        impl ClauseId {
            /// Every clause id, in contract order.
            pub const ALL: &'static [ClauseId] = &[$(ClauseId::$name),*];

            /// The id as the contract writes it, e.g. `"B6.e"`.
            pub const fn as_str(self) -> &'static str {
                match self { $(ClauseId::$name => $id),* }
            }
        }
    };
}

clause_ids! {
    R1a = "R1.a", R1b = "R1.b", R2a = "R2.a", R2b = "R2.b", R2c = "R2.c", R3a = "R3.a",
    R3b = "R3.b", R3c = "R3.c", R3d = "R3.d", R4a = "R4.a", R4b = "R4.b", R4c = "R4.c",
    R5a = "R5.a", R5b = "R5.b", R6 = "R6", H1a = "H1.a", H1b = "H1.b", H1c = "H1.c", H1d = "H1.d",
    H2a = "H2.a", H2b = "H2.b", H2c = "H2.c", H2d = "H2.d", H2e = "H2.e", H3a = "H3.a",
    H3b = "H3.b", H3c = "H3.c", H4a = "H4.a", H4b = "H4.b", H5a = "H5.a", H5b = "H5.b",
    H6a = "H6.a", H6b = "H6.b", H6c = "H6.c", H6d = "H6.d", B1a = "B1.a", B1b = "B1.b",
    B1c = "B1.c", B1d = "B1.d", B1e = "B1.e", B2 = "B2", B3 = "B3", B4a = "B4.a", B4b = "B4.b",
    B4c = "B4.c", B4d = "B4.d", B5 = "B5", B6a = "B6.a", B6b = "B6.b", B6c = "B6.c", B6d = "B6.d",
    B6e = "B6.e", B7a = "B7.a", B7b = "B7.b", B8 = "B8", B9a = "B9.a", B9b = "B9.b", B10 = "B10", T1a = "T1.a",
    T1b = "T1.b", T1c = "T1.c", T1d = "T1.d", T1e = "T1.e", T1f = "T1.f", T1g = "T1.g",
    T1h = "T1.h", T2a = "T2.a", T2b = "T2.b", T3 = "T3", S1 = "S1", S2 = "S2", S3 = "S3",
    S4a = "S4.a", S4b = "S4.b", S4c = "S4.c", S5 = "S5", S6 = "S6", S7 = "S7", S8 = "S8",
    E1 = "E1", E2 = "E2", E3 = "E3", E4 = "E4", F1 = "F1", F2 = "F2",
}

impl ClauseId {
    /// The id written as the contract writes it (case-insensitive), if it is one.
    pub fn parse(id: &str) -> Option<ClauseId> {
        let id = id.trim();
        ClauseId::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(id))
    }

    /// Its rule.
    pub fn rule(self) -> RuleId {
        let s = self.as_str();
        let rule = s.split_once('.').map_or(s, |(r, _)| r);
        RuleId::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == rule)
            .unwrap_or(RuleId::E3)
    }

    /// The first clause of `rule` (the rule itself when it has no lettered clauses): the
    /// clause a verdict names when nothing more specific is known.
    pub(crate) fn first_of(rule: RuleId) -> ClauseId {
        ClauseId::ALL
            .iter()
            .copied()
            .find(|c| c.rule() == rule)
            .unwrap_or(ClauseId::E3)
    }

    /// The clause's text in the contract.
    pub fn clause(self) -> Option<&'static Clause> {
        find(self.as_str())
    }
}

impl std::fmt::Display for ClauseId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ClauseId {
    type Err = String;
    fn from_str(s: &str) -> Result<ClauseId, String> {
        ClauseId::parse(s).ok_or_else(|| {
            format!(
                "`{s}` is not a clause of contract {}",
                crate::contract::rule::CONTRACT_VERSION
            )
        })
    }
}

impl serde::Serialize for ClauseId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for ClauseId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ClauseId, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

const CONTRACT: &str = include_str!("../../docs/CONTRACT.md");

/// Every clause, in contract order.
pub fn all() -> &'static [Clause] {
    static ALL: OnceLock<Vec<Clause>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut out: Vec<Clause> = Vec::new();
        let lines: Vec<&str> = CONTRACT.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            let indent = line.len() - t.len();
            let Some(rest) = t.strip_prefix("- **") else {
                continue;
            };
            // the sentence goes on over the lines indented deeper than its bullet
            let mut text = rest.to_string();
            for next in &lines[i + 1..] {
                let n = next.trim_start();
                if n.is_empty() || n.starts_with("- ") || next.len() - n.len() <= indent {
                    break;
                }
                text.push(' ');
                text.push_str(n);
            }
            let rest = text.as_str();
            let Some((id, text)) = rest.split_once("**") else {
                continue;
            };
            let rule_part = id.split('.').next().unwrap_or(id);
            let Ok(rule) = rule_part.parse::<RuleId>() else {
                continue;
            };
            if rule.as_str() != rule_part {
                continue;
            }
            out.push(Clause {
                id: id.to_string(),
                rule,
                text: text.trim().replace("**", ""),
            });
        }
        // a rule with lettered clauses is counted by them, not by itself
        let lettered: Vec<RuleId> = out
            .iter()
            .filter(|c| c.id.contains('.'))
            .map(|c| c.rule)
            .collect();
        out.retain(|c| c.id.contains('.') || !lettered.contains(&c.rule));
        out
    })
}

/// The clause with this id (case-insensitive), if any.
pub fn find(id: &str) -> Option<&'static Clause> {
    all().iter().find(|c| c.id.eq_ignore_ascii_case(id.trim()))
}

/// The clauses of `rule`.
pub fn of(rule: RuleId) -> impl Iterator<Item = &'static Clause> {
    all().iter().filter(move |c| c.rule == rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clause_ids_are_exactly_the_contracts_clauses() {
        let typed: Vec<&str> = ClauseId::ALL.iter().map(|c| c.as_str()).collect();
        let read: Vec<&str> = all().iter().map(|c| c.id.as_str()).collect();
        assert_eq!(typed, read);
        for c in ClauseId::ALL {
            assert_eq!(c.clause().map(|x| x.rule), Some(c.rule()), "{c}");
            assert_eq!(ClauseId::parse(&c.as_str().to_lowercase()), Some(*c));
        }
        assert_eq!(ClauseId::first_of(RuleId::B6), ClauseId::B6a);
        assert_eq!(ClauseId::first_of(RuleId::S2), ClauseId::S2);
        assert_eq!(ClauseId::parse("B6.f"), None);
    }

    #[test]
    fn clauses_are_read_from_the_contract_and_cover_every_rule() {
        let all = all();
        assert!(all.len() > 70, "{}", all.len());
        for r in RuleId::ALL {
            assert!(of(*r).next().is_some(), "{r} has no clause");
        }
        assert_eq!(find("t1.h").map(|c| c.rule), Some(RuleId::T1));
        assert!(
            find("T1.h").unwrap().text.contains(".NET"),
            "{}",
            find("T1.h").unwrap().text
        );
        assert!(
            find("S2").is_some() && find("R3").is_none(),
            "R3 is counted by its clauses"
        );
    }
}
