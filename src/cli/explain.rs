//! `tpr-harness explain`: a rule, its source and its knobs.

use super::{CliError, Status};
use crate::profile::Profile;
use crate::rule::RuleId;
use clap::Args;

/// Explain a rule of the contract: its title, source and the knobs that change it.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule id such as B6 (or `all`).
    rule: String,
}

pub fn explain(a: ExplainArgs) -> Result<Status, CliError> {
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
        println!("    full text: docs/CONTRACT.md, rule {r}");
    }
    Ok(Status::Clean)
}
