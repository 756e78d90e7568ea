//! Every script of `scripts/` works on a fresh clone (issue 30) as far as a test can say without
//! running its long job: it prints its usage on `--help`, refuses a wrong argument with exit 2
//! before it builds or starts anything, finds binaries where cargo put them (`CARGO_TARGET_DIR`
//! too) and names only files that exist.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every script a user runs: `scripts/*.sh` but the sourced `lib.sh`.
fn scripts() -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = std::fs::read_dir(root().join("scripts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sh"))
        .filter(|p| !p.ends_with("lib.sh"))
        .collect();
    all.sort();
    assert!(all.len() >= 10, "{all:?}");
    all
}

/// Runs `script args` from the repository root; a script still running after 60 s has started
/// its job instead of refusing the arguments: it is killed with all it started (its own process
/// group) and the test fails.
fn run(script: &Path, args: &[&str]) -> Output {
    use std::os::unix::process::CommandExt;
    let mut child = Command::new(script)
        .args(args)
        .process_group(0)
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", script.display()));
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.wait();
            panic!(
                "{} {args:?} was still running after 60 s: it started its job",
                script.display()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn scripts_print_their_usage_on_help_and_refuse_an_unknown_option_with_exit_2() {
    for script in scripts() {
        let name = name(&script);
        let help = run(&script, &["--help"]);
        let text = String::from_utf8_lossy(&help.stdout);
        assert_eq!(help.status.code(), Some(0), "{name} --help: {text}");
        assert!(
            text.contains(&format!("scripts/{name}")),
            "{name} --help shows no usage line (`scripts/{name} …`): {text}"
        );
        let wrong = run(&script, &["--no-such-option"]);
        assert_eq!(
            wrong.status.code(),
            Some(2),
            "{name} --no-such-option: {}",
            String::from_utf8_lossy(&wrong.stderr)
        );
        assert!(
            String::from_utf8_lossy(&wrong.stderr).contains("--no-such-option"),
            "{name}: the message names the wrong argument"
        );
    }
}

#[test]
fn scripts_refuse_a_wrong_argument_with_exit_2_before_starting_anything() {
    let cases: [(&str, &[&str]); 10] = [
        ("ab-check.sh", &[]),
        ("ab-check.sh", &["/no/such/binary", "/no/such/binary"]),
        ("bench.sh", &["twenty"]),
        ("bench.sh", &["20", "0"]),
        ("serve-memory.sh", &["1e6"]),
        ("nightly-fuzz.sh", &["ten"]),
        ("fuzz-smoke.sh", &["8", "no_such_target"]),
        ("mutants.sh", &["src/no_such_file.rs"]),
        ("compare-schemathesis.sh", &["many"]),
        ("check-hostile.sh", &["extra"]),
    ];
    for (script, args) in cases {
        let out = run(&root().join("scripts").join(script), args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{script} {args:?}: {err}");
        assert!(
            err.contains("--help"),
            "{script} {args:?}: the message points to --help: {err}"
        );
    }
}

#[test]
fn scripts_find_binaries_where_cargo_puts_them() {
    // a user with CARGO_TARGET_DIR set got `target/release/tpr-harness: No such file` after a
    // build that went elsewhere; scripts/lib.sh's TARGET_DIR is where cargo puts binaries.
    // real-servers.sh is another session's (issue 27): its TPR_BIN names the binary.
    for script in scripts() {
        let name = name(&script);
        if name == "real-servers.sh" {
            continue;
        }
        let text = std::fs::read_to_string(&script).unwrap();
        for (i, line) in text.lines().enumerate() {
            assert!(
                line.trim_start().starts_with('#') || !line.contains("target/release"),
                "{name}:{}: a binary under target/release, not $TARGET_DIR/release: {line}",
                i + 1
            );
        }
    }
}

#[test]
fn scripts_mutants_default_files_exist() {
    // cargo-mutants takes --file as a filter: a file that moved is silently left out
    let text = std::fs::read_to_string(root().join("scripts/mutants.sh")).unwrap();
    let list = text
        .split("FILES=(src/")
        .nth(1)
        .and_then(|t| t.split(')').next())
        .expect("mutants.sh's default FILES=(…)");
    let files: Vec<String> = format!("src/{list}")
        .split_whitespace()
        .map(str::to_string)
        .collect();
    assert!(files.len() >= 7, "{files:?}");
    for f in files {
        assert!(
            root().join(&f).is_file(),
            "mutants.sh's default list names {f}, which does not exist"
        );
    }
}
