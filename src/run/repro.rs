//! Reproduction: the curl line and the ready-to-paste Rust test of a finding, with the write
//! token redacted. The runner attaches them to findings; reporters only print them.

use crate::contract::rule::RuleId;
use crate::contract::spec::{Framing, Request, swap_case};
use std::fmt::Write;

/// Quotes bytes for a POSIX shell as `$'…'` with every non-printable byte as `\xHH`.
pub fn shell_quote(bytes: &[u8]) -> String {
    let plain = bytes.iter().all(|b| b.is_ascii_graphic() || *b == b' ') && !bytes.contains(&b'\'');
    if plain {
        return format!("'{}'", String::from_utf8_lossy(bytes));
    }
    let mut s = String::from("$'");
    for &b in bytes {
        match b {
            b'\'' => s.push_str("\\'"),
            b'\\' => s.push_str("\\\\"),
            b' '..=b'~' => s.push(b as char),
            _ => {
                let _ = write!(s, "\\x{b:02x}");
            }
        }
    }
    s.push('\'');
    s
}

/// The placeholder reports use for the write token.
pub const TOKEN_PLACEHOLDER: &str = "$TPR_TOKEN";

/// The placeholder reports use for the write token in another letter case (H2.c's near miss).
pub const SWAPPED_TOKEN_PLACEHOLDER: &str = "$TPR_TOKEN_SWAPPED_CASE";

/// `req` with the write token replaced by [`TOKEN_PLACEHOLDER`] (and its case-swapped near miss
/// by [`SWAPPED_TOKEN_PLACEHOLDER`]), so reports never hold it. Only `Authorization` values are
/// touched, and only the credentials after the scheme, whole: a short token never rewrites
/// other text.
pub fn redact(req: &Request, write_token: &str) -> Request {
    let mut r = req.clone();
    if write_token.is_empty() {
        return r;
    }
    let swapped = swap_case(write_token);
    for (k, v) in &mut r.headers {
        if !k.eq_ignore_ascii_case("authorization") {
            continue;
        }
        let (scheme, token) = crate::contract::spec::credentials(v);
        let placeholder = if token == write_token {
            TOKEN_PLACEHOLDER
        } else if token == swapped && swapped != write_token {
            SWAPPED_TOKEN_PLACEHOLDER
        } else {
            continue;
        };
        // the credentials after the scheme, the spacing around them kept as sent
        let after = v.find(scheme).map_or(0, |i| i + scheme.len());
        let rest = v[after..].replacen(token, placeholder, 1);
        *v = format!("{}{rest}", &v[..after]);
    }
    r
}

/// `req` with the placeholders replaced by the real token (for replay).
pub fn unredact(req: &Request, write_token: &str) -> Request {
    let mut r = req.clone();
    for (_, v) in &mut r.headers {
        // the longer placeholder first: it starts with the shorter one
        *v = v
            .replace(SWAPPED_TOKEN_PLACEHOLDER, &swap_case(write_token))
            .replace(TOKEN_PLACEHOLDER, write_token);
    }
    r
}

/// A curl command that reproduces a (redacted) request against `base_url`; the token comes
/// from the `TPR_TOKEN` environment variable.
pub fn curl(base_url: &str, req: &Request) -> String {
    let mut s = format!(
        "curl -sS -i -X {} {}",
        shell_quote(req.method.as_bytes()),
        shell_quote(format!("{base_url}{}", req.path).as_bytes())
    );
    for (k, v) in &req.headers {
        if v.contains(TOKEN_PLACEHOLDER) && !v.contains(['"', '\\', '`']) {
            let _ = write!(s, " -H \"{k}: {v}\"");
        } else {
            let _ = write!(s, " -H {}", shell_quote(format!("{k}: {v}").as_bytes()));
        }
    }
    if !req.body.is_empty() {
        if req.body.len() > 4096 {
            let _ = write!(
                s,
                " --data-binary @body.bin  # {} bytes: write the body from the JSON report to body.bin",
                req.body.len()
            );
        } else {
            let _ = write!(s, " --data-binary {}", shell_quote(&req.body));
        }
    } else if Framing::of(req) == Framing::Chunked {
        // an empty chunked body (B1.a): curl sends the last chunk alone only when given data
        s.push_str(" --data-binary ''");
    }
    s
}

/// A ready-to-paste `#[tokio::test]` that replays a (redacted) request against a running
/// implementation and asserts the contract's statuses.
pub fn rust_test(base_url: &str, rule: RuleId, req: &Request, statuses: &[u16]) -> String {
    // a body over 4 KiB is read from `body.bin`, as the curl line reads it: a report keeps one
    // copy of it (its request), not one per way of replaying it
    let large = req.body.len() > 4096;
    let json = if large {
        let headers_only = Request {
            method: req.method.clone(),
            path: req.path.clone(),
            headers: req.headers.clone(),
            body: Vec::new(),
        };
        serde_json::to_string(&headers_only).unwrap_or_default()
    } else {
        serde_json::to_string(req).unwrap_or_default()
    };
    let hashes = "#".repeat(json.matches('#').count().min(1) + 2);
    let name = format!("{}_regression", rule.as_str().to_lowercase());
    let body = if large {
        format!(
            "\n    // {} bytes: write the body from the JSON report to body.bin\n    req.body = std::fs::read(\"body.bin\").expect(\"body.bin\");",
            req.body.len()
        )
    } else {
        String::new()
    };
    let binding = if large { "let mut req" } else { "let req" };
    format!(
        r#"#[tokio::test]
async fn {name}() {{
    // {title}
    let token = std::env::var("TPR_TOKEN").expect("TPR_TOKEN");
    let json = r{hashes}"{json}"{hashes}.replace("{placeholder}", &token);
    {binding}: tpr_harness::contract::spec::Request = serde_json::from_str(&json).unwrap();{body}
    let remote = tpr_harness::sut::http::Remote::new("{base_url}", std::time::Duration::from_secs(10));
    let resp = remote.send(&req).await.unwrap();
    assert!({statuses:?}.contains(&resp.status), "{rule}: got {{}}", resp.status);
}}"#,
        title = rule.title(),
        placeholder = TOKEN_PLACEHOLDER,
    )
}

/// The `tpr-harness cases …` line that rebuilds the case finding `f` shows, the shrunk one:
/// the run's seed, the options that rebuild its fixture and profile (`--fixtures`,
/// `--profile`, `--workflows`, from [`Report::case_source`](super::Report)), the phase and
/// index the case came from (they pick the fixture workflow it was built against) and, when the
/// case shown is not the one generated there (shrunk, or one step of a sequence), its spec as
/// `--spec` (only what differs from the default spec). `None` for findings that are no
/// generated case (preflight, concurrency, the whole run).
pub fn case_line(report: &super::Report, f: &super::Finding) -> Option<String> {
    use crate::generate::{self, CaseSpec};
    let spec = f.spec.as_ref()?;
    if !matches!(f.phase.as_str(), "boundary" | "random" | "sequence") {
        return None;
    }
    let profile = report.profile().ok()?;
    let generated = match f.phase.as_str() {
        "random" => Some(generate::random_case(f.seed, f.case_index, &profile)),
        "boundary" => generate::deterministic_cases(&profile)
            .into_iter()
            .nth(f.case_index),
        _ => None,
    };
    let mut line = format!("tpr-harness cases --seed {}", f.seed);
    // quoted only when a shell would read it otherwise
    let quote = |s: &str| {
        let bare = !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._/-:=,+@%".contains(&b));
        if bare {
            s.to_string()
        } else {
            shell_quote(s.as_bytes())
        }
    };
    match &report.case_source {
        Some(src) => {
            if src.profile != "graph" {
                let _ = write!(line, " --profile {}", quote(&src.profile));
            }
            if let Some(file) = &src.fixtures {
                let _ = write!(line, " --fixtures {}", quote(file));
            } else if src.workflows != crate::model::fixture::DEFAULT_WORKFLOWS {
                let _ = write!(line, " --workflows {}", src.workflows);
            }
        }
        None if report.profile != "graph" => {
            let _ = write!(line, " --profile {}", quote(&report.profile));
        }
        None => {}
    }
    let _ = write!(line, " --phase {} --index {}", f.phase, f.case_index);
    if generated.as_ref() != Some(spec) {
        let mut v = serde_json::to_value(spec).ok()?;
        let default = serde_json::to_value(CaseSpec::default()).ok()?;
        if let (Some(o), Some(d)) = (v.as_object_mut(), default.as_object()) {
            o.retain(|k, x| d.get(k) != Some(x));
        }
        let _ = write!(line, " --spec {}", quote(&v.to_string()));
    }
    Some(line)
}

/// A spec as `--spec` gives it: a JSON object of [`CaseSpec`](crate::generate::CaseSpec)
/// fields, each one left out being the default spec's.
pub fn spec_from_arg(text: &str) -> Result<crate::generate::CaseSpec, String> {
    let given: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("--spec is not JSON: {e}"))?;
    let Some(given) = given.as_object() else {
        return Err("--spec is a JSON object of a case's fields".into());
    };
    let mut spec =
        serde_json::to_value(crate::generate::CaseSpec::default()).map_err(|e| e.to_string())?;
    if let Some(o) = spec.as_object_mut() {
        for (k, v) in given {
            if !o.contains_key(k) && k != "chunked" {
                return Err(format!("--spec: a case has no field `{k}`"));
            }
            o.insert(k.clone(), v.clone());
        }
    }
    serde_json::from_value(spec).map_err(|e| format!("--spec: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn h4_b_a_chunked_request_replays_chunked_in_curl_and_in_the_json() {
        let req = Request::new("PATCH", "/x")
            .header("Transfer-Encoding", "chunked")
            .body(b"{}".to_vec());
        let c = curl("http://h/beta", &req);
        assert!(c.contains("-H 'Transfer-Encoding: chunked'"), "{c}");
        let empty = Request {
            body: vec![],
            ..req.clone()
        };
        assert!(curl("http://h/beta", &empty).ends_with(" --data-binary ''"));
        assert!(!curl("http://h/beta", &Request::new("PATCH", "/x")).contains("--data"));
        let back: Request = serde_json::from_str(&serde_json::to_string(&req).unwrap()).unwrap();
        assert_eq!(Framing::of(&back), Framing::Chunked);
        let t = rust_test("http://h/beta", RuleId::H4, &req, &[413]);
        assert!(t.contains(r#"["Transfer-Encoding","chunked"]"#), "{t}");
    }

    #[test]
    fn curl_quotes_control_bytes_and_hides_the_token() {
        let req = Request::new("PATCH", "/x('a b')")
            .header("Authorization", "Bearer s3cret")
            .header("Content-Type", "application/json")
            .body(b"{\"a\":\"it's\xff\"}".to_vec());
        let c = curl("http://h/beta", &redact(&req, "s3cret"));
        assert!(!c.contains("s3cret"), "{c}");
        assert!(c.contains("-H \"Authorization: Bearer $TPR_TOKEN\""), "{c}");
        assert!(c.contains(r"$'{"), "{c}");
        assert!(c.contains(r"\xff"), "{c}");
        assert!(c.contains(r"it\'s"), "{c}");
        assert_eq!(shell_quote(b"plain"), "'plain'");
        assert_eq!(unredact(&redact(&req, "s3cret"), "s3cret"), req);
    }

    #[test]
    fn h2_c_a_short_token_is_redacted_only_as_the_credentials_and_its_near_miss_too() {
        // was: a write token `w` rewrote every `w` of every header (`Include-Unkno$TPR_TOKENn`)
        let req = Request::new("PATCH", "/p")
            .header("Authorization", "Bearer w")
            .header("Prefer", "include-unknown-enum-members");
        let r = redact(&req, "w");
        assert_eq!(
            r.header_values("prefer").next(),
            Some("include-unknown-enum-members")
        );
        assert_eq!(
            r.header_values("authorization").next(),
            Some("Bearer $TPR_TOKEN")
        );
        // the known token in another letter case (H2.c) is the token too: never in a report,
        // and replayed as that near miss
        let near = Request::new("GET", "/p").header("Authorization", "Bearer S3CRET");
        let r = redact(&near, "s3cret");
        assert_eq!(
            r.header_values("authorization").next(),
            Some("Bearer $TPR_TOKEN_SWAPPED_CASE")
        );
        assert_eq!(unredact(&r, "s3cret"), near);
        // another scheme with the token (H2.b)
        // spacing around the token is kept as sent (replay sends the same bytes)
        let spaced = Request::new("GET", "/p").header("Authorization", "Bearer  s3cret ");
        assert_eq!(unredact(&redact(&spaced, "s3cret"), "s3cret"), spaced);
        let other = Request::new("GET", "/p").header("Authorization", "Token s3cret");
        assert_eq!(
            redact(&other, "s3cret")
                .header_values("authorization")
                .next(),
            Some("Token $TPR_TOKEN")
        );
    }

    #[test]
    fn rust_test_reads_a_body_over_4_kib_from_body_bin_as_curl_does() {
        let req = Request::new("PATCH", "/p")
            .header("Authorization", "Bearer s3cret")
            .body(vec![b' '; 4 * 1024 * 1024 + 1]);
        let t = rust_test("http://h/beta", RuleId::H4, &redact(&req, "s3cret"), &[413]);
        assert!(t.len() < 2048, "{} bytes", t.len());
        assert!(t.contains("4194305 bytes"), "{t}");
        assert!(t.contains(r#"req.body = std::fs::read("body.bin")"#), "{t}");
        assert!(t.contains("let mut req"), "{t}");
        let c = curl("http://h/beta", &redact(&req, "s3cret"));
        assert!(c.len() < 2048 && c.contains("@body.bin"), "{c}");
        // at the limit it is still written out in full
        let small = Request::new("PATCH", "/p").body(vec![b'x'; 4096]);
        let t = rust_test("http://h/beta", RuleId::H4, &small, &[413]);
        assert!(
            t.contains(&"x".repeat(4096)) && !t.contains("body.bin"),
            "{t}"
        );
    }

    #[test]
    fn rust_test_embeds_the_request_without_the_token() {
        let req = Request::new("PATCH", "/p")
            .header("Authorization", "Bearer s3cret")
            .body(r##"{"@odata.type":"#x"}"##);
        let t = rust_test("http://h/beta", RuleId::B6, &redact(&req, "s3cret"), &[400]);
        assert!(!t.contains("s3cret"));
        assert!(t.contains("async fn b6_regression()"));
        assert!(t.contains("[400].contains"));
    }
}
