//! Reproduction: a finding's `case:` line, pasted, prints the case the finding shows (the
//! shrunk one) with every option it needs; `replay` of findings only a new run can judge exits
//! 2 and names the check to run; `corpus` writes sequence seeds that decode to real sequences.

use crate::support::{Running, free_port, serve_bin};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tpr-harness"))
}

fn dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("tpr-case-lines-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `serve` with `args` on a free port, once it says it is ready; its base URL.
fn serve(args: &[&str], cwd: &std::path::Path) -> (Running, String) {
    let port = free_port();
    let args: Vec<String> = std::iter::once("serve")
        .chain(args.iter().copied())
        .map(str::to_string)
        .collect();
    let (running, _) = serve_bin(&args, port, cwd);
    (running, format!("http://127.0.0.1:{port}/beta"))
}

/// The `case:` line printed under each finding of a console summary, in finding order
/// (`None` for a finding without one).
fn case_lines(console: &str) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = Vec::new();
    for line in console.lines() {
        if line.starts_with("  - [") {
            out.push(None);
        } else if let Some(c) = line.trim_start().strip_prefix("case:") {
            *out.last_mut().expect("a case: line under a finding") = Some(c.trim().to_string());
        }
    }
    out
}

#[test]
fn case_lines_rebuild_the_shrunk_case_each_finding_shows_with_its_fixture_profile_and_seed() {
    // a fixture file, a profile file and a seed other than the default: the line must carry
    // all three, and the shrunk case, to rebuild the request the finding shows
    let cwd = dir("case");
    std::fs::write(
        cwd.join("mine.toml"),
        "name = \"mine\"\nbase = \"graph\"\ntimestamp_tolerance_ns = 1000\n",
    )
    .unwrap();
    let token = "secret";
    let mut lines_checked = 0;
    let mut shrunk = 0;
    for mutant in ["OpenEnum", "DuplicatesAccepted", "PutSemantics"] {
        let (_server, base) = serve(
            &[
                "--token",
                token,
                "--seed",
                "5",
                "--profile",
                "mine.toml",
                "--mutant",
                mutant,
                "--write-fixtures",
                "fx.json",
            ],
            &cwd,
        );
        let out = bin()
            .args(["check", "--quiet", "--base-url", &base, "--token", token])
            .args([
                "--seed",
                "5",
                "--profile",
                "mine.toml",
                "--fixtures",
                "fx.json",
            ])
            .args(["--report-json", "r.json"])
            .current_dir(&cwd)
            .output()
            .unwrap();
        let console = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(out.status.code(), Some(1), "{console}");
        let report: serde_json::Value =
            serde_json::from_slice(&std::fs::read(cwd.join("r.json")).unwrap()).unwrap();
        let findings = report["findings"].as_array().unwrap();
        let lines = case_lines(&console);
        assert_eq!(lines.len(), findings.len(), "{console}");
        for (line, f) in lines.iter().zip(findings) {
            let Some(line) = line else {
                continue;
            };
            assert!(
                line.starts_with(
                    "tpr-harness cases --seed 5 --profile mine.toml --fixtures fx.json --phase "
                ),
                "{line}"
            );
            shrunk += usize::from(line.contains(" --spec "));
            // pasted into a shell as printed
            let pasted = line.replacen("tpr-harness", env!("CARGO_BIN_EXE_tpr-harness"), 1);
            let run = Command::new("bash")
                .args(["-c", &format!("{pasted} --token {token}")])
                .current_dir(&cwd)
                .output()
                .unwrap();
            assert_eq!(
                run.status.code(),
                Some(0),
                "{line}: {}",
                String::from_utf8_lossy(&run.stderr)
            );
            let text = String::from_utf8_lossy(&run.stdout);
            let cases: Vec<serde_json::Value> = text
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            assert_eq!(cases.len(), 1, "one case for {line}: {text}");
            let req: tpr_harness::contract::spec::Request =
                serde_json::from_value(cases[0]["request"].clone()).unwrap();
            let req = serde_json::to_value(tpr_harness::report::redact(&req, token)).unwrap();
            assert_eq!(req, f["request"], "{line}\n{}", f["message"]);
            lines_checked += 1;
        }
    }
    assert!(lines_checked >= 2, "{lines_checked} case lines");
    assert!(shrunk >= 1, "no finding showed a shrunk case");
    let _ = std::fs::remove_dir_all(&cwd);
}

#[test]
fn f1_replaying_only_findings_a_whole_run_judges_exits_2_with_the_check_to_run() {
    // a real F1 finding: the fixture file says one value, the implementation holds another
    let cwd = dir("replay");
    let token = "secret";
    let (_server, base) = serve(&["--token", token, "--write-fixtures", "fx.json"], &cwd);
    let fx = std::fs::read_to_string(cwd.join("fx.json")).unwrap();
    let other = fx.replacen(
        r#""failureReason": null"#,
        r#""failureReason": "changed""#,
        1,
    );
    assert_ne!(fx, other);
    std::fs::write(cwd.join("other.json"), other).unwrap();
    let out = bin()
        .args(["check", "--quiet", "--base-url", &base, "--token", token])
        .args(["--fixtures", "other.json", "--report-json", "r.json"])
        .args(["--cases", "20", "--sequences", "2"])
        .current_dir(&cwd)
        .output()
        .unwrap();
    let console = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "{console}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(cwd.join("r.json")).unwrap()).unwrap();
    let clauses: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["clause"].as_str().unwrap())
        .collect();
    assert_eq!(clauses, ["F1"], "{console}");
    // replay judges nothing: not "still failing" (exit 1), not clean (exit 0), but exit 2
    // with the check that will judge it
    let out = bin()
        .args(["replay", "r.json", "--token", token])
        .current_dir(&cwd)
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(stdout.starts_with("RE-RUN CHECK"), "{stdout}");
    assert!(
        stdout.contains(
            "1 finding(s): 0 fixed, 0 still failing, 0 not re-tested, 1 to re-run with check"
        ),
        "{stdout}"
    );
    assert!(
        stderr.contains(&format!(
            "tpr-harness check --base-url {base} --seed 1 --fixtures other.json"
        )),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&cwd);
}

#[test]
fn corpus_sequence_inputs_decode_to_the_sequences_check_generates() {
    use tpr_harness::fuzz::{fuzz_profile, sequence_input};
    use tpr_harness::generate::{CaseSpec, sequence_case};
    let out = dir("corpus");
    let (count, seed) = (30, 7);
    let run = bin()
        .args([
            "corpus",
            "--count",
            &count.to_string(),
            "--seed",
            &seed.to_string(),
        ])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let mut decoded = 0;
    for i in 0..count {
        let Ok(data) = std::fs::read(out.join("sequence").join(format!("generated-{i:05}"))) else {
            continue;
        };
        let (profile, specs) = sequence_input(&data).expect("a sequence");
        let which = (i % 3) as u8;
        assert_eq!(profile, fuzz_profile(which), "{i}");
        // the generated sequence (fields the fuzz input never sets at their defaults), a lone
        // step followed by a GET of its target
        let mut want = sequence_case(seed, i, &fuzz_profile(which), 8);
        for s in &mut want {
            s.pad_to_limit = false;
            s.chunked = false;
        }
        if want.len() == 1 {
            want.push(CaseSpec {
                get: true,
                target: want[0].target,
                ..CaseSpec::default()
            });
        }
        assert_eq!(specs, want, "sequence {i}");
        assert!(specs.len() >= 2);
        decoded += 1;
    }
    // every one of them is in the fuzz input space (the writer leaves none out)
    assert_eq!(decoded, count, "sequence inputs written and decoded");
    let _ = std::fs::remove_dir_all(&out);
}
