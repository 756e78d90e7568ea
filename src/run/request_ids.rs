//! E2 across responses: every `request-id` an implementation sends is fresh (contract 1.2: "a
//! fresh UUID for every response: never repeated across requests"). Each session logs the ids of
//! the answers it got, in the order it got them ([`IdLog::record`]); at the end of the run the
//! logs are joined in workflow order ([`repeats`]), so what is found does not depend on the number
//! of lanes. Every response whose id an earlier one carried is one failing case; the first
//! such pair names both requests in the one E2 finding ([`finding`]). A response without a
//! `request-id` is not judged (decision 86).

use super::judge::Kind;
use super::{Expected, Finding};
use crate::contract::clause::ClauseId;
use crate::contract::spec::Request;
use crate::sut::Response;
use std::collections::HashMap;

/// A `request-id` as compared: a UUID by its 128 bits (`ABC…` and `abc…` are one id), any
/// other text as sent (trimmed).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum IdKey {
    Uuid(u128),
    Text(Box<str>),
}

impl IdKey {
    fn of(id: &str) -> Option<IdKey> {
        let id = id.trim_ascii();
        if id.is_empty() {
            return None;
        }
        Some(match crate::model::invariants::parse_uuid(id) {
            Some(bits) => IdKey::Uuid(bits),
            None => IdKey::Text(id.into()),
        })
    }
}

/// The request an answer was to, as a finding names it: its method, its path (the first 300
/// bytes) and the status that came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Carrier {
    pub(super) method: String,
    pub(super) path: String,
    pub(super) status: u16,
    /// The `request-id` as the answer spelled it.
    pub(super) id: String,
}

impl Carrier {
    /// `METHOD path` (answered `status`).
    fn describe(&self) -> String {
        format!("{} {} (answered {})", self.method, self.path, self.status)
    }
}

/// The `request-id`s one session saw, in the order it got them.
#[derive(Debug, Default)]
pub(super) struct IdLog {
    entries: Vec<(IdKey, Carrier)>,
}

impl IdLog {
    /// Logs the id of one answer to `req` (an answer without one is not logged).
    pub(super) fn record(&mut self, req: &Request, resp: &Response) {
        let Some(id) = resp.header("request-id") else {
            return;
        };
        let Some(key) = IdKey::of(id) else {
            return;
        };
        let mut path = req.path.clone();
        if path.len() > 300 {
            let mut end = 300;
            while !path.is_char_boundary(end) {
                end -= 1;
            }
            path.truncate(end);
            path.push('…');
        }
        self.entries.push((
            key,
            Carrier {
                method: req.method.clone(),
                path,
                status: resp.status,
                id: id.trim_ascii().to_string(),
            },
        ));
    }
}

/// What the joined logs showed.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Repeats {
    /// Answers whose id was compared (each put E2 to the test).
    pub(super) checked: u64,
    /// Answers whose id an earlier answer carried (each a failing case).
    pub(super) repeated: u64,
    /// The first repeat: the earlier answer and the one that carried its id again.
    pub(super) first: Option<(Carrier, Carrier)>,
}

/// Joins the workflows' logs, in the order given (workflow order), and finds every id carried twice.
pub(super) fn repeats(logs: impl IntoIterator<Item = IdLog>) -> Repeats {
    let mut seen: HashMap<IdKey, Carrier> = HashMap::new();
    let mut out = Repeats::default();
    for log in logs {
        for (key, carrier) in log.entries {
            out.checked += 1;
            match seen.get(&key) {
                Some(earlier) => {
                    out.repeated += 1;
                    if out.first.is_none() {
                        out.first = Some((earlier.clone(), carrier));
                    }
                }
                None => {
                    seen.insert(key, carrier);
                }
            }
        }
    }
    out
}

/// The one E2 finding of a run whose answers repeated ids, or `None` when none did. It names
/// both requests of the first repeat; `count` is every answer that repeated an id. A property
/// of the whole run: `replay` asks for `check` again (as for drift and concurrency).
pub(super) fn finding(r: &Repeats, base_url: &str, seed: u64) -> Option<Finding> {
    let (earlier, again) = r.first.as_ref()?;
    let clause = ClauseId::E2;
    let rule = clause.rule();
    let named = |c: &Carrier| {
        Request::new(&c.method, &c.path).header(
            "Authorization",
            &format!("Bearer {}", super::repro::TOKEN_PLACEHOLDER),
        )
    };
    let request = named(again);
    Some(Finding {
        rule,
        clause: clause.to_string(),
        title: format!("{rule}: {}", rule.title()),
        kind: Kind::RequestId,
        cause: format!("{clause} {:?}", Kind::RequestId),
        count: r.repeated,
        message: format!(
            "request-id `{}` came back twice: first on {}, then on {}; a request-id is fresh for every response ({} of {} answers repeated an earlier one's)",
            again.id,
            earlier.describe(),
            again.describe(),
            r.repeated,
            r.checked
        ),
        phase: "run".into(),
        seed,
        case_index: 0,
        defects: vec![],
        spec: None,
        before: None,
        curl: super::repro::curl(base_url, &request),
        rust_test: super::repro::rust_test(base_url, rule, &request, &[again.status]),
        request,
        sequence: vec![named(earlier)],
        expected: Expected {
            statuses: vec![again.status],
            body: None,
            rules: vec![rule],
        },
        actual: Some(Response {
            status: again.status,
            headers: vec![("request-id".into(), again.id.clone())],
            body: vec![],
            body_len: None,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(id: Option<&str>) -> Response {
        Response {
            status: 200,
            headers: id
                .map(|i| vec![("Request-Id".to_string(), i.to_string())])
                .unwrap_or_default(),
            body: vec![],
            body_len: None,
        }
    }

    fn log(ids: &[(&str, Option<&str>)]) -> IdLog {
        let mut l = IdLog::default();
        for (path, id) in ids {
            l.record(&Request::new("GET", path), &answer(*id));
        }
        l
    }

    #[test]
    fn e2_repeats_are_found_across_units_in_unit_order_and_spellings_of_one_uuid_are_one_id() {
        let a = "0f8fad5b-d9cb-469f-a165-70867728950e";
        let b = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
        let fresh = repeats([log(&[("/1", Some(a))]), log(&[("/2", Some(b))])]);
        assert_eq!((fresh.checked, fresh.repeated), (2, 0));
        assert!(fresh.first.is_none());
        // one UUID in two spellings, in two sessions: the first session's answer is the earlier
        let upper = a.to_uppercase();
        let r = repeats([
            log(&[("/1", Some(a)), ("/3", None)]),
            log(&[("/2", Some(b)), ("/4", Some(&upper)), ("/5", Some(a))]),
        ]);
        assert_eq!(
            (r.checked, r.repeated),
            (4, 2),
            "an answer without id is not judged"
        );
        let (earlier, again) = r.first.clone().unwrap();
        assert_eq!((earlier.path.as_str(), again.path.as_str()), ("/1", "/4"));
        let f = finding(&r, "http://x/beta", 7).unwrap();
        assert_eq!(
            (f.clause.as_str(), f.count, f.kind),
            ("E2", 2, Kind::RequestId)
        );
        // the finding says which two requests got the same id
        let said = f.message.as_str();
        assert!(said.contains("GET /1") && said.contains("GET /4"), "{said}");
        assert_eq!(f.sequence[0].path, "/1");
        assert_eq!(f.request.path, "/4");
        // other text is compared as sent
        let t = repeats([log(&[
            ("/1", Some("r1")),
            ("/2", Some(" r1 ")),
            ("/3", Some("")),
        ])]);
        assert_eq!((t.checked, t.repeated), (2, 1));
        assert!(finding(&fresh, "http://x/beta", 7).is_none());
    }
}
