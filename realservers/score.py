#!/usr/bin/env python3
"""Scores one `tpr-harness check --report-json` report against a server's ground truth.

    score.py REPORT.json GROUND_TRUTH.txt PROFILE KNOWN_CLAUSES.txt [--corrections FILE] [--details]

Precision = causes (findings) filed under a ground-truth clause / all causes.
Recall    = ground-truth clauses named by at least one cause / ground-truth clauses.
Recall (known) = the same over the ground-truth clauses the harness binary knows (a harness of
contract 1.1 cannot name H2.e, new in 1.2). With --corrections (clauses added after a run, each
verified by hand; a line `-CLAUSE PROFILES` takes a clause out: the server was shown by hand not
to break it, or only as the contract allows), the figures use both files and the `*_as_written`
ones the ground truth alone.
Prints one JSON object; with --details, also every cause outside the (corrected) ground truth and
every ground-truth clause not reported (to stderr)."""
import json
import sys


def ground_truth(path, profile, removals=None):
    """The clauses a file lists for `profile`; lines `-CLAUSE PROFILES` go to `removals` (only
    a corrections file may have them)."""
    clauses = set()
    for line in open(path):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2:
            sys.exit(f"{path}: malformed line {line!r} (want: CLAUSE PROFILES or -CLAUSE PROFILES)")
        clause, profiles = parts
        if profile not in profiles.split(","):
            continue
        if clause.startswith("-"):
            if removals is None:
                sys.exit(f"{path}: {clause!r}: only a corrections file may take a clause out")
            removals.add(clause[1:])
        else:
            clauses.add(clause)
    return clauses


def scores(findings, truth, known):
    hits = [f for f in findings if f["clause"] in truth]
    found = truth & {f["clause"] for f in findings}
    ratio = lambda a, b: round(a / b, 3) if b else None
    return {
        "causes_in_ground_truth": len(hits),
        "precision": ratio(len(hits), len(findings)),
        "ground_truth_clauses": len(truth),
        "ground_truth_clauses_reported": len(found),
        "recall": ratio(len(found), len(truth)),
        "recall_known": ratio(len(found & truth & known), len(truth & known)),
    }


def main():
    report_path, gt_path, profile, known_path = sys.argv[1:5]
    rest = sys.argv[5:]
    details = "--details" in rest
    corrections = rest[rest.index("--corrections") + 1] if "--corrections" in rest else None
    report = json.load(open(report_path))
    written = ground_truth(gt_path, profile)
    removed = set()
    added = ground_truth(corrections, profile, removed) if corrections else set()
    unknown = removed - written
    if unknown:
        sys.exit(f"{corrections}: takes out {sorted(unknown)}, which the ground truth does not list")
    truth = (written | added) - removed
    known = {line.strip() for line in open(known_path) if line.strip()}
    findings = report.get("findings")
    if findings is None:
        sys.exit(f"{report_path}: no `findings` array")
    reported = {f["clause"] for f in findings}
    out = {"profile": report.get("profile"), "contract_version": report.get("contract_version"),
           "causes": len(findings), "failing_cases": sum(f.get("count", 1) for f in findings)}
    out.update(scores(findings, truth, known))
    out.update({f"{k}_as_written": v for k, v in scores(findings, written, known).items()})
    out.update({
        "corrections": sorted(truth - written) + sorted(f"-{c}" for c in removed),
        "missed": sorted(truth - reported),
        "missed_unknown_to_harness": sorted(truth - known),
        "outside_ground_truth": sorted(reported - truth),
        "cases": report.get("cases"), "requests": report.get("requests"),
        "duration_ms": report.get("duration_ms"), "stopped": report.get("stopped"),
    })
    print(json.dumps(out))
    if details:
        for f in findings:
            if f["clause"] not in truth:
                req = f.get("request", {})
                act = f.get("actual") or {}
                print(f"  OUTSIDE [{f['clause']}] {f['rule']} {f['kind']} cause={f['cause']!r} "
                      f"x{f.get('count', 1)}: {f['message']}\n"
                      f"      {req.get('method')} {req.get('path', '')[-60:]} "
                      f"headers={req.get('headers')} body={str(req.get('body'))[:120]!r}\n"
                      f"      -> {act.get('status')} {str(act.get('body'))[:160]!r}", file=sys.stderr)
        for clause in sorted(truth - reported):
            print(f"  MISSED  {clause}{' (not in this harness contract)' if clause not in known else ''}",
                  file=sys.stderr)


if __name__ == "__main__":
    main()
