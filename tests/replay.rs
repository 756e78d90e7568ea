//! `tpr-harness replay` and `Runner::replay`: a finding whose bug is gone replays FIXED (exit
//! 0), a partial fix is FIXED for one finding and STILL FAILING for the other (exit 1), a 5xx
//! or a crash is never FIXED by another 5xx, an idempotence (S5) finding replays both
//! requests, and a report's own profile knobs decide the verdicts, not the default profile's.

use crate::support::{WRITE, rt, seeded, server, tmp};
use std::sync::Arc;
use std::time::Duration;
use tpr_harness::contract::profile::Profile;
use tpr_harness::contract::rule::RuleId;
use tpr_harness::contract::spec::Request;
use tpr_harness::model::fixture::Fixture;
use tpr_harness::run::{Config, Finding, Kind, Replayed, Report, Runner};
use tpr_harness::sut::http::Remote;
use tpr_harness::sut::model::ModelTarget;
use tpr_harness::sut::mutant::{Mutant, Mutated};
use tpr_harness::sut::{Response, Target};

const SEED: u64 = 1;

fn config(profile: &Profile) -> Config {
    Config {
        profile: profile.clone(),
        seed: SEED,
        pairs: false,
        crash_wait: Duration::from_secs(3),
        ..Config::default()
    }
}

/// `check` of `target` under `profile`, read back from its JSON (as `replay` reads a file).
fn report(target: &dyn Target, profile: &Profile) -> Report {
    let r = rt()
        .block_on(Runner::new(target, seeded(SEED, profile), config(profile)).run())
        .unwrap();
    serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap()
}

/// The first finding of `report` citing `rule`.
fn first(report: &Report, rule: RuleId) -> Finding {
    report
        .findings
        .iter()
        .find(|f| f.rule == rule)
        .unwrap_or_else(|| {
            panic!(
                "no {rule} finding in {:#?}",
                report
                    .findings
                    .iter()
                    .map(|f| (f.rule, &f.cause))
                    .collect::<Vec<_>>()
            )
        })
        .clone()
}

/// `Runner::replay` of `findings` against `target`, under the report's recorded profile.
fn replay(target: &dyn Target, report: &Report, findings: &[Finding]) -> Vec<Replayed> {
    let profile = report.profile().unwrap();
    let config = Config {
        seed: report.seed,
        ..config(&profile)
    };
    rt().block_on(Runner::new(target, seeded(SEED, &profile), config).replay(findings))
}

/// `tpr-harness replay` of `findings` (the rest of `report` as it is) against the embedded
/// endpoint serving the fixture under `profile` with `mutants`: exit code and output.
#[cfg(feature = "cli")]
fn cli_replay(
    report: &Report,
    findings: &[Finding],
    profile: &Profile,
    mutants: &[Mutant],
    name: &str,
) -> (Option<i32>, String) {
    use tpr_harness::endpoint::{Endpoint, Responder};
    let file = tmp(&format!("{name}.json"));
    let fixtures = tmp(&format!("{name}-fixtures.json"));
    let mut report = report.clone();
    report.findings = findings.to_vec();
    std::fs::write(&file, serde_json::to_string(&report).unwrap()).unwrap();
    Fixture::generate(SEED, profile).write(&fixtures).unwrap();
    let rt = rt();
    let responder = Responder::new(seeded(SEED, profile), profile.clone()).with_mutants(mutants);
    let ep = rt.block_on(Endpoint::start(responder)).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tpr-harness"))
        .arg("replay")
        .arg(&file)
        .args(["--base-url", &ep.base_url(), "--token", WRITE, "--fixtures"])
        .arg(&fixtures)
        .output()
        .unwrap();
    drop(ep);
    (
        out.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[cfg(feature = "cli")]
#[test]
fn replay_a_finding_whose_bug_is_gone_is_fixed_and_exits_0() {
    let graph = Profile::graph();
    let r = report(
        &Mutated::new(seeded(SEED, &graph), graph.clone(), &[Mutant::OpenEnum]),
        &graph,
    );
    let b6 = [first(&r, RuleId::B6)];
    let (code, out) = cli_replay(&r, &b6, &graph, &[], "fixed");
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.starts_with("FIXED  B6.") && out.contains("1 finding(s): 1 fixed, 0 still failing"),
        "{out}"
    );
    // and against the same bug: still failing, exit 1
    let (code, out) = cli_replay(&r, &b6, &graph, &[Mutant::OpenEnum], "still");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.starts_with("STILL FAILING (B6."), "{out}");
}

#[cfg(feature = "cli")]
#[test]
fn replay_a_partial_fix_is_fixed_for_one_finding_and_still_failing_for_the_other() {
    let graph = Profile::graph();
    let both = [Mutant::OpenEnum, Mutant::AcceptNullCreated];
    let r = report(
        &Mutated::new(seeded(SEED, &graph), graph.clone(), &both),
        &graph,
    );
    let findings = [first(&r, RuleId::B6), first(&r, RuleId::B4)];
    // the open enum fixed, `"createdDateTime": null` still accepted
    let (code, out) = cli_replay(
        &r,
        &findings,
        &graph,
        &[Mutant::AcceptNullCreated],
        "partial",
    );
    assert_eq!(code, Some(1), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[0].starts_with("FIXED  B6."), "{out}");
    assert!(lines[1].starts_with("STILL FAILING (B4."), "{out}");
    assert!(lines[1].contains(")  B4."), "{out}");
    assert_eq!(
        lines[2],
        "2 finding(s): 1 fixed, 1 still failing, 0 not re-tested, 0 to re-run with check"
    );
}

#[test]
fn e3_replay_a_server_error_finding_is_never_fixed_by_a_5xx() {
    // a 500 to a malformed body: still failing against the same bug and against any other
    // 5xx; fixed only once the contract's 400 comes back
    let graph = Profile::graph();
    let r = report(
        &Mutated::new(
            seeded(SEED, &graph),
            graph.clone(),
            &[Mutant::ServerErrorOnBadJson],
        ),
        &graph,
    );
    let e3 = [first(&r, RuleId::E3)];
    assert_eq!(e3[0].kind, Kind::ServerError);
    let same = Mutated::new(
        seeded(SEED, &graph),
        graph.clone(),
        &[Mutant::ServerErrorOnBadJson],
    );
    let v = replay(&same, &r, &e3);
    assert!(
        matches!(&v[..], [Replayed::StillFailing(m)] if m.starts_with("E3: ")),
        "{v:?}"
    );
    let other = FiveXxOn(
        ModelTarget::new(seeded(SEED, &graph), graph.clone()),
        503,
        |q| q.method == "PATCH",
    );
    let v = replay(&other, &r, &e3);
    assert!(
        matches!(&v[..], [Replayed::StillFailing(m)] if m.starts_with("E3: ")),
        "{v:?}"
    );
    let fixed = ModelTarget::new(seeded(SEED, &graph), graph.clone());
    assert_eq!(replay(&fixed, &r, &e3), vec![Replayed::Fixed]);
}

/// The model, except that requests `when` picks are answered `status` (a 5xx).
struct FiveXxOn(ModelTarget, u16, fn(&Request) -> bool);

impl Target for FiveXxOn {
    fn send<'a>(
        &'a self,
        req: &'a Request,
    ) -> tpr_harness::sut::BoxFuture<'a, Result<Response, tpr_harness::sut::TransportError>> {
        if (self.2)(req) {
            return Box::pin(std::future::ready(Ok(Response::new(
                self.1,
                vec![],
                vec![],
            ))));
        }
        self.0.send(req)
    }
    fn describe(&self) -> String {
        format!("model answering {} to some requests", self.1)
    }
}

/// Requests the crashing server crashes on: bodies over 100 kB.
fn big(req: &Request) -> bool {
    req.body.len() > 100_000
}

/// A report of `check` over HTTP against the model that crashes (stops listening) on bodies
/// over 100 kB and comes back after 300 ms, with its crash (E3, `Kind::Stopped`) findings.
fn crash_report() -> (Report, Vec<Finding>) {
    let graph = Profile::graph();
    let model = Arc::new(ModelTarget::new(seeded(SEED, &graph), graph.clone()));
    let srv = server::serve(0, Some(Duration::from_millis(300)), move |req: &Request| {
        if big(req) {
            server::Act::Crash
        } else {
            server::Act::Answer(server::from_target(&*model, req))
        }
    });
    let remote = Remote::new(&srv.base_url(), Duration::from_secs(5));
    let r = report(&remote, &graph);
    let crashes: Vec<Finding> = r
        .findings
        .iter()
        .filter(|f| f.kind == Kind::Stopped)
        .cloned()
        .collect();
    assert!(!crashes.is_empty(), "{:#?}", r.findings);
    for f in &crashes {
        assert_eq!(f.rule, RuleId::E3);
        assert!(
            big(&f.request),
            "a crash filed under another request: {f:#?}"
        );
    }
    (r, crashes)
}

/// The model over HTTP, answering what `on_big` says to bodies over 100 kB.
fn serving(on_big: fn() -> server::Act) -> server::Server {
    let graph = Profile::graph();
    let model = Arc::new(ModelTarget::new(seeded(SEED, &graph), graph));
    server::serve(0, None, move |req: &Request| {
        if big(req) {
            on_big()
        } else {
            server::Act::Answer(server::from_target(&*model, req))
        }
    })
}

fn replay_over_http(srv: &server::Server, report: &Report, findings: &[Finding]) -> Vec<Replayed> {
    let remote = Remote::new(&srv.base_url(), Duration::from_secs(5));
    replay(&remote, report, findings)
}

#[test]
fn e3_replay_a_crash_finding_is_fixed_once_answered_right_and_still_failing_while_it_crashes() {
    let (r, crashes) = crash_report();
    let right = serving(|| {
        server::Act::Answer(Response::new(
            413,
            vec![("Content-Type".into(), "application/json".into())],
            br#"{"error":{"code":"RequestEntityTooLarge","message":"too large"}}"#.to_vec(),
        ))
    });
    let v = replay_over_http(&right, &r, &crashes);
    assert!(v.iter().all(|v| *v == Replayed::Fixed), "{v:?}");
    let still = serving(|| server::Act::Crash);
    let v = replay_over_http(&still, &r, &crashes[..1]);
    assert!(matches!(&v[..], [Replayed::StillFailing(_)]), "{v:?}");
}

#[test]
fn e3_replay_a_crash_finding_answered_with_a_5xx_is_still_failing() {
    let (r, crashes) = crash_report();
    let five_hundred = serving(|| server::Act::Answer(Response::new(500, vec![], vec![])));
    let v = replay_over_http(&five_hundred, &r, &crashes);
    assert!(
        v.iter().all(|v| matches!(v, Replayed::StillFailing(_))),
        "a 5xx is never FIXED: {v:?}"
    );
}

#[test]
fn s5_replay_an_idempotence_finding_sends_the_patch_twice_and_compares() {
    let graph = Profile::graph();
    let r = report(
        &Mutated::new(
            seeded(SEED, &graph),
            graph.clone(),
            &[Mutant::NotIdempotent],
        ),
        &graph,
    );
    let s5 = [r
        .findings
        .iter()
        .find(|f| f.kind == Kind::Idempotence)
        .unwrap_or_else(|| panic!("no S5 finding: {:#?}", r.findings))
        .clone()];
    assert_eq!(s5[0].rule, RuleId::S5);
    let broken = Mutated::new(
        seeded(SEED, &graph),
        graph.clone(),
        &[Mutant::NotIdempotent],
    );
    let v = replay(&broken, &r, &s5);
    assert!(matches!(&v[..], [Replayed::StillFailing(_)]), "{v:?}");
    let fixed = ModelTarget::new(seeded(SEED, &graph), graph.clone());
    assert_eq!(replay(&fixed, &r, &s5), vec![Replayed::Fixed]);
}

#[cfg(feature = "cli")]
#[test]
fn replay_judges_under_the_report_s_own_profile_knobs() {
    // a profile no built-in has (graph with required members, B4.d): a report made under it
    // carries its knobs, and `replay` (given no profile) judges by them: the bug is still
    // there. Under the default profile the same answer is right and would replay FIXED.
    let custom = Profile {
        name: "graph-with-required".into(),
        required_in_body: true,
        ..Profile::graph()
    };
    let bug = [Mutant::RequiredNotEnforcedUnderStrict];
    let r = report(
        &Mutated::new(seeded(SEED, &custom), custom.clone(), &bug),
        &custom,
    );
    assert_eq!(
        r.profile().unwrap(),
        custom,
        "the knobs travel with the report"
    );
    let b4 = [first(&r, RuleId::B4)];
    let (code, out) = cli_replay(&r, &b4, &custom, &bug, "knobs-still");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.starts_with("STILL FAILING (B4."), "{out}");
    let (code, out) = cli_replay(&r, &b4, &custom, &[], "knobs-fixed");
    assert_eq!(code, Some(0), "{out}");
    assert!(out.starts_with("FIXED  B4."), "{out}");
    // what the default profile would say of the broken answer: nothing wrong
    let graph = Profile::graph();
    let under_graph = Mutated::new(seeded(SEED, &graph), graph.clone(), &bug);
    let mut as_graph = r.clone();
    as_graph.profile = "graph".into();
    as_graph.profile_knobs = serde_json::Value::Null;
    assert_eq!(replay(&under_graph, &as_graph, &b4), vec![Replayed::Fixed]);
}
