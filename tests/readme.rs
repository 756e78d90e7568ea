//! README.md is held to the code: every number it states (built-in bugs, rules, clauses, the
//! contract's version, the tour's findings), every file and fuzz target it names, the one seed
//! of its library snippet, and its five-line tour run as written (on a free port) ending FIXED.

use crate::support::{bin, free_port, serve_bin as serve};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).unwrap()
}

/// Every number in front of `what` in the README (e.g. `89 built-in bugs`).
fn numbers_before(text: &str, what: &str) -> Vec<usize> {
    let re = regex::Regex::new(&format!(r"(\d+) {what}")).unwrap();
    re.captures_iter(text)
        .map(|c| c[1].parse().unwrap())
        .collect()
}

#[test]
fn readme_numbers_are_the_codes_own() {
    let text = readme();
    let bugs = numbers_before(&text, "built-in bugs");
    assert!(
        !bugs.is_empty(),
        "the README names the number of built-in bugs"
    );
    assert!(
        bugs.iter()
            .all(|&n| n == tpr_harness::sut::mutant::Mutant::ALL.len()),
        "README says {bugs:?} built-in bugs; src/sut/mutant.rs has {}",
        tpr_harness::sut::mutant::Mutant::ALL.len()
    );
    let clauses = numbers_before(&text, "(?:testable )?clauses");
    assert!(
        !clauses.is_empty(),
        "the README names the number of clauses"
    );
    let all = tpr_harness::contract::clause::all().len();
    assert_eq!(all, tpr_harness::contract::clause::ClauseId::ALL.len());
    assert!(
        clauses.iter().all(|&n| n == all),
        "README says {clauses:?} clauses; CONTRACT.md has {all}"
    );
    let rules = numbers_before(&text, "rules");
    assert!(
        !rules.is_empty()
            && rules
                .iter()
                .all(|&n| n == tpr_harness::contract::rule::RuleId::ALL.len()),
        "README says {rules:?} rules; the contract has {}",
        tpr_harness::contract::rule::RuleId::ALL.len()
    );
    // every version the README gives is the contract's
    let version = regex::Regex::new(r"(?i)(?:version|contract) (\d+\.\d+)").unwrap();
    let versions: Vec<String> = version
        .captures_iter(&text)
        .map(|c| c[1].to_string())
        .collect();
    assert!(
        versions.contains(&tpr_harness::contract::rule::CONTRACT_VERSION.to_string())
            && versions
                .iter()
                .all(|v| v == tpr_harness::contract::rule::CONTRACT_VERSION),
        "README gives contract version(s) {versions:?}; the code is {}",
        tpr_harness::contract::rule::CONTRACT_VERSION
    );
    // the rule families it lists (`R1–R6, H1–H6, …`) are exactly the contract's
    let family = regex::Regex::new(r"\b([A-Z])1–[A-Z](\d+)\b").unwrap();
    let mut listed: Vec<String> = family
        .captures_iter(&text)
        .flat_map(|c| {
            let n: usize = c[2].parse().unwrap();
            let letter = c[1].to_string();
            (1..=n).map(move |i| format!("{letter}{i}"))
        })
        .collect();
    listed.sort();
    let mut ids: Vec<String> = tpr_harness::contract::rule::RuleId::ALL
        .iter()
        .map(|r| r.as_str().to_string())
        .collect();
    ids.sort();
    assert_eq!(listed, ids, "the README's rule ranges");
}

#[test]
fn readme_names_only_files_that_exist_and_every_fuzz_target() {
    let text = readme();
    let link = regex::Regex::new(r"\]\(([^)#:]+)\)").unwrap();
    let path = regex::Regex::new(
        r"`((?:scripts|examples|src|tests|fuzz|docs|profiles|ci-templates)/[^`*<…\s]*)`",
    )
    .unwrap();
    let named: Vec<String> = link
        .captures_iter(&text)
        .chain(path.captures_iter(&text))
        .map(|c| c[1].to_string())
        .collect();
    assert!(named.len() > 10, "{named:?}");
    for p in named {
        assert!(
            root().join(&p).exists(),
            "README names `{p}`, which does not exist"
        );
    }
    for entry in std::fs::read_dir(root().join("fuzz/fuzz_targets")).unwrap() {
        let name = entry.unwrap().path();
        let target = name.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(
            text.contains(&format!("`{target}`")),
            "the README's fuzz target list misses `{target}`"
        );
    }
}

#[test]
fn readme_snippet_and_tiny_server_use_one_seed_for_fixture_and_run() {
    // a finding's `case:` line names the run's seed; the fixture must come from the same one
    let example = std::fs::read_to_string(root().join("examples/tiny_server.rs")).unwrap();
    let config = regex::Regex::new(r"Config \{[^}]*\bseed\b[^}]*\.\.Config::default\(\)").unwrap();
    for (name, text) in [("README.md", readme()), ("tiny_server.rs", example)] {
        assert!(
            text.contains("Fixture::generate(seed, &profile)"),
            "{name}: the fixture is not generated from `seed`"
        );
        assert!(
            config.is_match(&text),
            "{name}: Config does not take `seed`"
        );
    }
}

/// The args of a tour line (`cargo run -q --release -- ARGS`), without the shell around it.
fn tour_args(line: &str) -> Vec<String> {
    let line = line.trim_start_matches("kill %1; sleep 1; ");
    let line = line.split(" & ").next().unwrap();
    let args = line
        .strip_prefix("cargo run -q --release -- ")
        .unwrap_or_else(|| panic!("a tour line runs the binary: {line}"));
    // (a `case:` line quotes its `--spec` for the shell: no argument holds white space)
    args.split_whitespace()
        .map(|a| {
            a.strip_prefix('\'')
                .and_then(|a| a.strip_suffix('\''))
                .unwrap_or(a)
                .to_string()
        })
        .collect()
}

/// The status line of a GET of `url` with `token` (plain HTTP/1.1 on loopback).
fn get_status(url: &str, token: &str) -> String {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let mut s = std::net::TcpStream::connect(host).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    answer.lines().next().unwrap_or_default().to_string()
}

#[test]
fn readme_tour_runs_as_written_and_ends_fixed() {
    let text = readme();
    let tour = text
        .split("## A tour")
        .nth(1)
        .and_then(|t| t.split("```sh\n").nth(1))
        .and_then(|t| t.split("```").next())
        .expect("the README has a tour");
    let lines: Vec<&str> = tour.lines().collect();
    assert_eq!(lines.len(), 5, "a five-line tour: {lines:?}");
    let dir = std::env::temp_dir().join(format!("tpr-readme-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // the tour's port, 8080, may be taken here: the same commands on a free port
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}/beta");
    let local = |args: Vec<String>| -> Vec<String> {
        args.into_iter()
            .map(|a| a.replace("http://127.0.0.1:8080/beta", &base))
            .collect()
    };

    // 1. serve with a built-in bug
    let first = local(tour_args(lines[0]));
    assert!(first[0] == "serve" && first.contains(&"--mutant".to_string()));
    let (broken, printed) = serve(&first, port, &dir);
    // `serve` on its own: the URL=… line it prints answers a GET with the README's token
    let url = printed
        .iter()
        .find_map(|l| l.strip_prefix("URL="))
        .expect("serve prints a URL=… line");
    assert!(text.contains("It prints a `URL=…` line for one entity"));
    assert!(get_status(url, "secret").contains(" 200 "), "GET {url}");

    // 2. check finds the bug: exit 1, the README's number of findings, all of its clause
    let out = bin()
        .args(local(tour_args(lines[1])))
        .current_dir(&dir)
        .output()
        .unwrap();
    let console = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{console}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said =
        regex::Regex::new(r"`check` exits 1 with (\d+) findings, all `\[([A-Z]\d\.[a-z])\]`")
            .unwrap();
    let said = said
        .captures(&text)
        .expect("the README says what check finds");
    let findings = regex::Regex::new(r"(?m)^  - \[([A-Z0-9.a-z]+)\]").unwrap();
    let clauses: Vec<&str> = findings
        .captures_iter(&console)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    assert_eq!(
        clauses.len(),
        said[1].parse::<usize>().unwrap(),
        "{console}"
    );
    assert!(clauses.iter().all(|c| *c == &said[2]), "{console}");
    assert!(
        console.contains(&format!("{} finding(s)", clauses.len())),
        "{console}"
    );
    drop(broken);

    // 3. the cases line is the first finding's `case:` line, and it prints the case
    let cases = tour_args(lines[2]);
    let case_line = format!(
        "case:     tpr-harness {}",
        lines[2].trim_start_matches("cargo run -q --release -- ")
    );
    let first_case = console
        .lines()
        .find(|l| l.trim_start().starts_with("case:"))
        .expect("a case: line");
    assert_eq!(first_case.trim_start(), case_line, "{console}");
    let out = bin().args(&cases).current_dir(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let case: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        case["request"]["path"].is_string() && case["demand"].is_object(),
        "{case}"
    );

    // 4. restart without the bug, 5. replay: FIXED for every finding, exit 0
    let restart = local(tour_args(lines[3]));
    assert!(restart[0] == "serve" && !restart.contains(&"--mutant".to_string()));
    let (_fixed, _) = serve(&restart, port, &dir);
    let out = bin()
        .args(local(tour_args(lines[4])))
        .current_dir(&dir)
        .output()
        .unwrap();
    let replayed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{replayed}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let n = clauses.len();
    assert_eq!(replayed.matches("FIXED").count(), n, "{replayed}");
    // the summary line, in the wording of this version or the next
    let summary = regex::Regex::new(&format!(
        r"0 of {n} finding\(s\) still failing|{n} finding\(s\): {n} fixed, 0 still failing"
    ))
    .unwrap();
    assert!(summary.is_match(&replayed), "{replayed}");
    let said = if n == 4 { "four" } else { "" };
    assert!(
        text.contains(&format!("`FIXED` {said} times, none still failing, exit 0")),
        "the README's replay step says how many FIXED ({n})"
    );
    let _ = std::fs::remove_dir_all(PathBuf::from(&dir));
}

#[test]
fn readme_runs_tpr_harness_by_name_only_after_installing_it() {
    // followed in order, `tpr-harness …` before `cargo install` is "command not found": until
    // then the README runs it through cargo (a span ending in `…` only names a command)
    let text = readme();
    let install = text
        .find("cargo install --locked --path .")
        .expect("the README installs the binary");
    let before = &text[..install];
    let span = regex::Regex::new(r"`(tpr-harness [^`]*)`").unwrap();
    for c in span.captures_iter(before) {
        assert!(
            c[1].ends_with('…'),
            "`{}` is run by name before the README installs it",
            &c[1]
        );
    }
    // the shell blocks' lines (not the TOML's `tpr-harness = …`)
    let shell = before
        .split("```sh\n")
        .skip(1)
        .filter_map(|block| block.split("```").next());
    for line in shell.flat_map(str::lines) {
        assert!(
            !line.trim_start().starts_with("tpr-harness "),
            "`{line}` is run by name before the README installs it"
        );
    }
}
