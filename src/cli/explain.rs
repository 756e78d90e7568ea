//! `tpr-harness explain`: a rule or clause, its source, its clauses and its knobs.

use super::{CliError, Status};
use crate::profile::Profile;
use crate::rule::RuleId;
use clap::Args;

/// Explain a rule or clause of the contract: its title, source, lettered clauses and the knobs
/// that change it.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tpr-harness explain B6\n  tpr-harness explain R3.c\n  tpr-harness explain all"
)]
pub struct ExplainArgs {
    /// A rule id such as B6, a clause id such as R3.c (or `all`).
    rule: String,
}

pub fn explain(a: ExplainArgs) -> Result<Status, CliError> {
    if a.rule.contains('.') {
        let c = crate::contract::clause::find(&a.rule).ok_or_else(|| {
            CliError::Usage(format!(
                "unknown clause `{}` (clauses look like R3.c; `tpr-harness explain R3` lists a rule's)",
                a.rule
            ))
        })?;
        println!("{}  {}", c.id, c.text);
        println!("    rule: {}  {}", c.rule, c.rule.title());
        println!("    full text: docs/CONTRACT.md, clause {}", c.id);
        return Ok(Status::Clean);
    }
    let rules: Vec<RuleId> = if a.rule.eq_ignore_ascii_case("all") {
        RuleId::ALL.to_vec()
    } else {
        vec![a.rule.parse::<RuleId>()?]
    };
    for r in rules {
        println!("{r}  {}", r.title());
        println!("    source: {}", r.source());
        if !r.knobs().is_empty() {
            let values: Vec<String> = r
                .knobs()
                .iter()
                .map(|k| {
                    let v = |p: &Profile| {
                        toml::Value::try_from(p)
                            .ok()
                            .and_then(|t| t.get(*k).map(|x| x.to_string()))
                            .unwrap_or_default()
                    };
                    format!(
                        "{k} (graph {}, strict {}, graph-live {})",
                        v(&Profile::graph()),
                        v(&Profile::strict()),
                        v(&Profile::graph_live())
                    )
                })
                .collect();
            println!("    knobs: {}", values.join("; "));
        }
        for c in crate::contract::clause::of(r).filter(|c| c.id.contains('.')) {
            let text: String = c.text.chars().take(110).collect();
            println!("    {}  {text}", c.id);
        }
        println!("    full text: docs/CONTRACT.md, rule {r}");
    }
    Ok(Status::Clean)
}
