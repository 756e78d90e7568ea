//! `tpr-harness explain`: a rule or clause, its source, its clauses and its knobs.

use super::{CliError, Status};
use crate::contract::profile::Profile;
use crate::contract::rule::RuleId;
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
        for (i, line) in wrap(&c.text, WIDTH - c.id.len() - 2).iter().enumerate() {
            let lead = if i == 0 {
                format!("{}  ", c.id)
            } else {
                " ".repeat(c.id.len() + 2)
            };
            println!("{lead}{line}");
        }
        println!("    rule: {}  {}", c.rule, c.rule.title());
        println!("    full text: docs/CONTRACT.md, clause {}", c.id);
        return Ok(Status::Clean);
    }
    // one rule: every clause whole; `all`: one line per clause, shortened at a word
    let whole = !a.rule.eq_ignore_ascii_case("all");
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
            let head = format!("    {:<6}", c.id);
            if whole {
                // the whole clause, wrapped at word boundaries under its text
                for (i, line) in wrap(&c.text, WIDTH - head.len()).iter().enumerate() {
                    let lead = if i == 0 { head.as_str() } else { "          " };
                    println!("{lead}{line}");
                }
            } else {
                println!("{head}{}", shorten(&c.text, WIDTH - head.len()));
            }
        }
        println!("    full text: docs/CONTRACT.md, rule {r}");
    }
    Ok(Status::Clean)
}

/// What a shortened clause does not end with before its "…".
const PUNCT: &[char] = &[',', ';', ':', '(', '—', '–', '-'];

/// Columns `explain` prints to.
const WIDTH: usize = 100;

/// `text` in lines of at most `width` characters, broken between words (a word longer than
/// the width stands alone on its line).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text` on one line of at most `width` characters: whole, or cut between two words and
/// ended with "…".
fn shorten(text: &str, width: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= width {
        return text;
    }
    let mut out = String::new();
    for word in text.split(' ') {
        let more = usize::from(!out.is_empty()) + word.chars().count();
        if out.chars().count() + more + 2 > width {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    let out = out.trim_end_matches(PUNCT).trim_end();
    format!("{out} …")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clause_is_wrapped_or_shortened_between_words_never_inside_one() {
        for c in crate::contract::clause::all() {
            let words: Vec<&str> = c.text.split_whitespace().collect();
            let lines = wrap(&c.text, 60);
            assert!(
                lines
                    .iter()
                    .all(|l| l.chars().count() <= 60 || !l.contains(' '))
            );
            assert_eq!(
                lines.join(" ").split(' ').collect::<Vec<_>>(),
                words,
                "{}",
                c.id
            );
            let short = shorten(&c.text, 60);
            assert!(short.chars().count() <= 60, "{short}");
            match short.strip_suffix(" …") {
                None => assert_eq!(short, words.join(" ")),
                Some(cut) => {
                    let kept: Vec<&str> = cut.split(' ').collect();
                    let n = kept.len();
                    assert_eq!(kept[..n - 1], words[..n - 1], "{}: {short}", c.id);
                    // the last word kept is whole (a trailing comma or dash may go)
                    assert_eq!(
                        kept[n - 1],
                        words[n - 1].trim_end_matches(PUNCT),
                        "{}: {short}",
                        c.id
                    );
                }
            }
        }
    }
}
