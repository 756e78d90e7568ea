//! Every clause of the contract has a test named after it: its id in lower case, the dot as an
//! underscore, then `_` (`r3_c_…`, `s2_…`), found by reading the sources of `tests/` and `src/`
//! as text. So `grep -rn "fn r3_c_" tests src` finds the tests of R3.c, and a clause added to
//! `ClauseId` without a test fails here.

use std::collections::BTreeSet;
use std::path::Path;
use tpr_harness::contract::clause::ClauseId;
use tpr_harness::rule::RuleId;

/// The name of every test function in the `.rs` files below `dir`: a `fn` whose attributes
/// (the lines above it) hold `#[test]` or `#[tokio::test]`, or a proptest case (`x in …`).
fn test_names(dir: &Path, out: &mut BTreeSet<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            test_names(&path, out);
            continue;
        }
        if path.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            let Some(rest) = t
                .strip_prefix("fn ")
                .or_else(|| t.strip_prefix("async fn "))
            else {
                continue;
            };
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let attributes = lines[..i]
                .iter()
                .rev()
                .map(|l| l.trim_start())
                .take_while(|l| l.starts_with("#[") || l.starts_with("//"));
            let marked = attributes
                .into_iter()
                .any(|l| l.starts_with("#[test]") || l.starts_with("#[tokio::test"));
            let proptest = rest.contains(" in ");
            if marked || proptest {
                out.insert(name);
            }
        }
    }
}

fn all_test_names() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut names = BTreeSet::new();
    test_names(&root.join("tests"), &mut names);
    test_names(&root.join("src"), &mut names);
    names
}

/// `R3.c` → `r3_c_`; `S2` → `s2_`.
fn prefix(c: ClauseId) -> String {
    format!("{}_", c.as_str().to_ascii_lowercase().replace('.', "_"))
}

/// The clauses without a test named after them, among `names`.
fn untested(names: &BTreeSet<String>) -> Vec<&'static str> {
    ClauseId::ALL
        .iter()
        .filter(|c| !names.iter().any(|n| n.starts_with(&prefix(**c))))
        .map(|c| c.as_str())
        .collect()
}

#[test]
fn clause_every_clause_of_the_contract_has_a_test_named_after_it() {
    let names = all_test_names();
    assert!(names.len() > 300, "only {} tests found", names.len());
    let missing = untested(&names);
    assert!(
        missing.is_empty(),
        "no test is named after {missing:?}: name one `<id>_…` (R3.c: `fn r3_c_…`)"
    );
}

#[test]
fn clause_a_missing_clause_test_is_told_and_a_test_name_prefix_is_not_enough() {
    // the scan itself: without the tests of R3.c it names R3.c, and `r3_cx…` or a helper
    // (no #[test]) named `r3_c_…` is no test of R3.c
    let mut names = all_test_names();
    names.retain(|n| !n.starts_with("r3_c_"));
    assert_eq!(untested(&names), vec!["R3.c"]);
    names.insert("r3_cx_lookalike".into());
    assert_eq!(untested(&names), vec!["R3.c"]);
    let mut helper_only = BTreeSet::new();
    let dir = std::env::temp_dir().join(format!("tpr-clauses-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("a.rs"),
        "fn r3_c_helper() {}\n#[test]\n/// doc\nfn r3_d_named() {}\n",
    )
    .unwrap();
    test_names(&dir, &mut helper_only);
    assert_eq!(helper_only, BTreeSet::from(["r3_d_named".to_string()]));
}

#[test]
fn clause_test_names_that_start_with_a_clause_id_name_one_of_the_contract() {
    // a test named `r3_e_…` or `x7_…` claims a clause or rule the contract does not have
    let mut wrong = Vec::new();
    for name in all_test_names() {
        let mut parts = name.split('_');
        let (Some(first), Some(second)) = (parts.next(), parts.next()) else {
            continue;
        };
        let mut chars = first.chars();
        let looks_like_a_rule = chars.next().is_some_and(|c| "rhbtsef".contains(c))
            && chars.as_str().parse::<u32>().is_ok();
        if !looks_like_a_rule {
            continue;
        }
        let Some(rule) = RuleId::ALL
            .iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(first))
        else {
            wrong.push(name);
            continue;
        };
        let lettered = ClauseId::ALL
            .iter()
            .any(|c| c.rule() == *rule && c.as_str().contains('.'));
        let one_letter = second.len() == 1 && second.chars().all(|c| c.is_ascii_lowercase());
        if lettered && one_letter && ClauseId::parse(&format!("{first}.{second}")).is_none() {
            wrong.push(name);
        }
    }
    assert!(wrong.is_empty(), "tests named after no clause: {wrong:?}");
}
