//! Clause ids of contract 1.1 (`R3.c`, `T1.h`, …): one testable sentence each, read from the
//! contract text itself (`docs/CONTRACT.md`, compiled in), so the list cannot drift from it. A
//! rule without lettered clauses is one clause, its own id (`S2`).

use crate::rule::RuleId;
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
