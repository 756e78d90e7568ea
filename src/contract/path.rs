//! The routes of R1–R5: parse a request path into a [`Route`], and format a route back into a
//! path in any spelling the contract allows (so generators can build them).
//!
//! ```
//! use tpr_harness::contract::path::{Route, PathStyle};
//! use tpr_harness::contract::profile::Profile;
//! let p = "/identityGovernance/lifecycleWorkflows/deletedItems/workflows('w1')/runs/r1/userProcessingResults/u1/taskProcessingResults/t1/";
//! let route = Route::parse(p, &Profile::graph()).unwrap();
//! assert_eq!(route.addressed(), "t1");
//! assert!(Route::parse(p, &Profile::strict()).is_ok());
//! assert_eq!(Route::parse(&route.to_path(&PathStyle::default()), &Profile::graph()).unwrap(), route);
//! ```

use crate::contract::profile::{ParenKeys, Profile, SegmentCase};
use crate::contract::rule::RuleId;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// The fixed segments before the first key.
pub const PREFIX: [&str; 3] = ["identityGovernance", "lifecycleWorkflows", "deletedItems"];

/// A parsed route. The direct route addresses `result`; the via-task route (R2) addresses
/// `via_task` under the task of `result`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Route {
    /// `{w}`: a deleted workflow.
    pub workflow: String,
    /// `{r}`: a run of it.
    pub run: String,
    /// `{u}`: a user processing result of the run.
    pub user_result: String,
    /// `{t}` on the direct route, `{t0}` on the via-task route.
    pub result: String,
    /// `{t}` of the via-task route.
    pub via_task: Option<String>,
}

impl Route {
    /// The direct route to `t`.
    pub fn direct(w: &str, r: &str, u: &str, t: &str) -> Route {
        Route {
            workflow: w.into(),
            run: r.into(),
            user_result: u.into(),
            result: t.into(),
            via_task: None,
        }
    }

    /// The via-task route: `{t0}`'s task, then its result `t`.
    pub fn via_task(w: &str, r: &str, u: &str, t0: &str, t: &str) -> Route {
        Route {
            via_task: Some(t.into()),
            ..Route::direct(w, r, u, t0)
        }
    }

    /// The id of the addressed entity.
    pub fn addressed(&self) -> &str {
        self.via_task.as_deref().unwrap_or(&self.result)
    }
}

/// Why a path is not a route (R5 → 400); `rule` says which rule the defect breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a route ({rule}): {reason}")]
pub struct PathError {
    /// R3 (key form, percent-encoding, empty id), R4 (segment case) or R5 (shape).
    pub rule: RuleId,
    /// What is wrong.
    pub reason: String,
}

fn perr(rule: RuleId, reason: impl Into<String>) -> PathError {
    PathError {
        rule,
        reason: reason.into(),
    }
}

/// Decodes `%XX` escapes once (R3.c); a key with a bad escape, or that does not decode to
/// UTF-8, is malformed (R5.a).
pub(crate) fn percent_decode(s: &str) -> Result<Cow<'_, str>, PathError> {
    let b = s.as_bytes();
    let Some(first) = memchr::memchr(b'%', b) else {
        return Ok(Cow::Borrowed(s));
    };
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let mut next = Some(first);
    // each run up to the next `%` copied at once, then the escape decoded
    while let Some(at) = next {
        out.extend_from_slice(b.get(i..i + at).unwrap_or_default());
        i += at;
        let hex = |c: u8| crate::contract::digits::hex_value(c).map(u32::from);
        match (
            b.get(i + 1).and_then(|&c| hex(c)),
            b.get(i + 2).and_then(|&c| hex(c)),
        ) {
            (Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            // a key that cannot be decoded is malformed (R5.a), not decoded wrongly (R3.c):
            // decision 89
            _ => return Err(perr(RuleId::R5, format!("bad percent-escape in `{s}`"))),
        }
        next = memchr::memchr(b'%', b.get(i..).unwrap_or_default());
    }
    out.extend_from_slice(b.get(i..).unwrap_or_default());
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|_| perr(RuleId::R5, format!("`{s}` does not decode to UTF-8")))
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    percent_encode_into(&mut out, s);
    out
}

/// [`percent_encode`], appended to `out`.
fn percent_encode_into(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut run = 0;
    for (i, &c) in bytes.iter().enumerate() {
        if !(c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~')) {
            // ASCII up to here, so `i` is a char boundary
            out.push_str(s.get(run..i).unwrap_or_default());
            push_escape(out, c);
            run = i + 1;
        }
    }
    out.push_str(s.get(run..).unwrap_or_default());
}

/// `%XX` for byte `c` (upper-case hex, as RFC 3986 recommends).
fn push_escape(out: &mut String, c: u8) {
    let mut hex = *b"%00";
    crate::contract::digits::put(&mut hex[1..], 16, u64::from(c));
    hex.make_ascii_uppercase();
    out.push_str(std::str::from_utf8(&hex).unwrap_or_default());
}

/// The segments of a path, split at `/` (memchr), decoded lazily.
struct Segments<'a> {
    rest: Option<&'a str>,
    profile: &'a Profile,
    /// Whether the path holds a `%` at all (one SIMD scan): without one, no segment is
    /// scanned again for escapes.
    escaped: bool,
}

impl<'a> Segments<'a> {
    fn raw(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        match memchr::memchr(b'/', rest.as_bytes()) {
            Some(i) => {
                self.rest = rest.get(i + 1..);
                rest.get(..i)
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }

    fn more(&self) -> bool {
        self.rest.is_some()
    }

    fn name_matches(&self, seg: &str, name: &str) -> Result<bool, PathError> {
        if seg == name {
            return Ok(true);
        }
        if seg.eq_ignore_ascii_case(name) {
            return match self.profile.segment_case {
                SegmentCase::Insensitive => Ok(true),
                SegmentCase::Exact => Err(perr(
                    RuleId::R4,
                    format!("segment `{seg}` must be spelled `{name}` (segment_case = exact)"),
                )),
            };
        }
        Ok(false)
    }

    fn next(&mut self, what: &str, name: &str) -> Result<Cow<'a, str>, PathError> {
        let seg = self
            .raw()
            .ok_or_else(|| perr(RuleId::R5, format!("missing {what} `{name}`")))?;
        if self.escaped {
            percent_decode(seg)
        } else {
            Ok(Cow::Borrowed(seg))
        }
    }

    fn literal(&mut self, name: &str) -> Result<(), PathError> {
        let seg = self.next("segment", name)?;
        if self.name_matches(&seg, name)? {
            Ok(())
        } else {
            Err(perr(
                RuleId::R5,
                format!("expected segment `{name}`, found `{seg}`"),
            ))
        }
    }

    /// `name/{id}` or `name('{id}')`.
    fn collection(&mut self, name: &str) -> Result<Cow<'a, str>, PathError> {
        let seg = self.next("segment", name)?;
        if self.name_matches(&seg, name)? {
            let id = self.next("key after", name)?;
            if id.is_empty() {
                return Err(perr(RuleId::R3, format!("empty key after `{name}`")));
            }
            return Ok(id);
        }
        let Some(open) = memchr::memchr(b'(', seg.as_bytes()) else {
            return Err(perr(
                RuleId::R5,
                format!("expected segment `{name}`, found `{seg}`"),
            ));
        };
        if !self.name_matches(&seg[..open], name)? {
            return Err(perr(
                RuleId::R5,
                format!("expected segment `{name}`, found `{seg}`"),
            ));
        }
        if self.profile.paren_keys == ParenKeys::Reject {
            return Err(perr(
                RuleId::R3,
                format!("parenthesised key `{seg}` (paren_keys = reject)"),
            ));
        }
        // borrow the key from the path when it was not percent-decoded and has no quote
        let whole: Option<&'a str> = match &seg {
            Cow::Borrowed(b) => Some(b),
            Cow::Owned(_) => None,
        };
        let inner = seg[open + 1..]
            .strip_suffix(')')
            .ok_or_else(|| perr(RuleId::R3, format!("unclosed key in `{seg}`")))?;
        let quoted = inner
            .strip_prefix('\'')
            .and_then(|s| s.strip_suffix('\''))
            .filter(|_| inner.len() >= 2)
            .ok_or_else(|| {
                perr(
                    RuleId::R3,
                    format!("key in `{seg}` must be a quoted string"),
                )
            })?;
        if quoted.is_empty() {
            return Err(perr(RuleId::R3, format!("empty key in `{seg}`")));
        }
        if !quoted.as_bytes().contains(&b'\'') {
            // `quoted` lies at `open + 2 .. len - 2` of the segment
            let (from, to) = (open + 2, seg.len() - 2);
            return Ok(match whole.and_then(|w| w.get(from..to)) {
                Some(b) => Cow::Borrowed(b),
                None => Cow::Owned(quoted.to_string()),
            });
        }
        // inside quotes a quote is doubled
        let mut id = String::with_capacity(quoted.len());
        let mut chars = quoted.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\'' && chars.next() != Some('\'') {
                return Err(perr(RuleId::R3, format!("unescaped quote in key `{seg}`")));
            }
            id.push(c);
        }
        if id.is_empty() {
            return Err(perr(RuleId::R3, format!("empty key in `{seg}`")));
        }
        Ok(Cow::Owned(id))
    }
}

/// A parsed route borrowing its ids from the path where it can (no escapes, no parentheses):
/// what the model parses on every request. [`Route`] is its owned form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteRef<'a> {
    /// `{w}`.
    pub workflow: Cow<'a, str>,
    /// `{r}`.
    pub run: Cow<'a, str>,
    /// `{u}`.
    pub user_result: Cow<'a, str>,
    /// `{t}` on the direct route, `{t0}` on the via-task route.
    pub result: Cow<'a, str>,
    /// `{t}` of the via-task route.
    pub via_task: Option<Cow<'a, str>>,
}

impl<'a> RouteRef<'a> {
    /// Parses a path below the version root under `profile` (R1–R6), as [`Route::parse`].
    pub fn parse(path: &'a str, profile: &'a Profile) -> Result<RouteRef<'a>, PathError> {
        let end = memchr::memchr2(b'?', b'#', path.as_bytes()).unwrap_or(path.len());
        let path = &path[..end];
        let rest = path
            .strip_prefix('/')
            .ok_or_else(|| perr(RuleId::R5, "path must start with '/'"))?;
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        // R4.c: one trailing slash is accepted; two or more is a malformed path
        if rest.ends_with('/') {
            return Err(perr(RuleId::R4, "two or more trailing slashes"));
        }
        let mut s = Segments {
            rest: Some(rest),
            profile,
            escaped: memchr::memchr(b'%', rest.as_bytes()).is_some(),
        };
        for name in PREFIX {
            s.literal(name)?;
        }
        let workflow = s.collection("workflows")?;
        let run = s.collection("runs")?;
        let user_result = s.collection("userProcessingResults")?;
        let result = s.collection("taskProcessingResults")?;
        let via_task = if s.more() {
            s.literal("task")?;
            Some(s.collection("taskProcessingResults")?)
        } else {
            None
        };
        if let Some(extra) = s.raw() {
            return Err(perr(RuleId::R5, format!("extra segment `{extra}`")));
        }
        Ok(RouteRef {
            workflow,
            run,
            user_result,
            result,
            via_task,
        })
    }

    /// The id of the addressed entity.
    pub fn addressed(&self) -> &str {
        self.via_task.as_deref().unwrap_or(&self.result)
    }

    /// The owned route.
    pub fn into_owned(self) -> Route {
        Route {
            workflow: self.workflow.into_owned(),
            run: self.run.into_owned(),
            user_result: self.user_result.into_owned(),
            result: self.result.into_owned(),
            via_task: self.via_task.map(Cow::into_owned),
        }
    }
}

impl Route {
    /// Parses a path below the version root under `profile` (R1–R6). A query string or
    /// fragment is ignored (R6). Never panics.
    pub fn parse(path: &str, profile: &Profile) -> Result<Route, PathError> {
        RouteRef::parse(path, profile).map(RouteRef::into_owned)
    }

    /// The route borrowed (to resolve it without copying).
    pub fn as_ref(&self) -> RouteRef<'_> {
        RouteRef {
            workflow: Cow::Borrowed(&self.workflow),
            run: Cow::Borrowed(&self.run),
            user_result: Cow::Borrowed(&self.user_result),
            result: Cow::Borrowed(&self.result),
            via_task: self.via_task.as_deref().map(Cow::Borrowed),
        }
    }

    /// Formats the route as a path in `style`.
    pub fn to_path(&self, style: &PathStyle) -> String {
        let mut out = String::with_capacity(160);
        let mut k = 0;
        let mut seg = |out: &mut String, name: &str, key: Option<&str>| {
            out.push('/');
            let start = out.len();
            style.case.write(out, name);
            if style.encode_names {
                // segment names are ASCII: the first byte is the first letter
                if let Some(&c) = out.as_bytes().get(start) {
                    let rest = out.split_off(start + 1);
                    out.truncate(start);
                    push_escape(out, c);
                    out.push_str(&rest);
                }
            }
            if let Some(id) = key {
                let paren = style.paren & (1 << k) != 0;
                k += 1;
                let encoded = |out: &mut String, id: &str| match id.as_bytes().first() {
                    Some(&c) if style.encode && c.is_ascii() => {
                        push_escape(out, c);
                        percent_encode_into(out, id.get(1..).unwrap_or_default());
                    }
                    _ => percent_encode_into(out, id),
                };
                if paren {
                    out.push_str("('");
                    if id.contains('\'') {
                        encoded(out, &id.replace('\'', "''"));
                    } else {
                        encoded(out, id);
                    }
                    out.push_str("')");
                } else {
                    out.push('/');
                    encoded(out, id);
                }
            }
        };
        for name in PREFIX {
            seg(&mut out, name, None);
        }
        seg(&mut out, "workflows", Some(&self.workflow));
        seg(&mut out, "runs", Some(&self.run));
        seg(&mut out, "userProcessingResults", Some(&self.user_result));
        seg(&mut out, "taskProcessingResults", Some(&self.result));
        if let Some(t) = &self.via_task {
            seg(&mut out, "task", None);
            seg(&mut out, "taskProcessingResults", Some(t));
        }
        if style.trailing_slash {
            out.push('/');
        }
        out
    }
}

/// How segment names are written.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, arbitrary::Arbitrary,
)]
pub enum NameCase {
    /// As the contract spells them.
    #[default]
    Canonical,
    /// All lower case.
    Lower,
    /// All upper case.
    Upper,
    /// First letter flipped (`IdentityGovernance`, as a docs example does).
    FirstFlipped,
}

impl NameCase {
    /// Appends `name`, written in this case, to `out`.
    pub fn write(self, out: &mut String, name: &str) {
        let start = out.len();
        out.push_str(name);
        // ASCII case changes keep every byte where it is; `name` is ASCII (a segment name)
        // or changes only where it is
        let written = out.get_mut(start..).unwrap_or_default();
        match self {
            NameCase::Canonical => {}
            NameCase::Lower => written.make_ascii_lowercase(),
            NameCase::Upper => written.make_ascii_uppercase(),
            NameCase::FirstFlipped => {
                if let Some(first) = written.get_mut(..1) {
                    if first.as_bytes().first().is_some_and(u8::is_ascii_lowercase) {
                        first.make_ascii_uppercase();
                    } else {
                        first.make_ascii_lowercase();
                    }
                }
            }
        }
    }
}

/// A spelling of a route: which keys are parenthesised, segment case, trailing slash.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, arbitrary::Arbitrary,
)]
pub struct PathStyle {
    /// Bit `k` set: the `k`-th key (workflows, runs, userProcessingResults,
    /// taskProcessingResults, then the via-task one) is written `name('id')`.
    pub paren: u8,
    /// Case of segment names.
    pub case: NameCase,
    /// End with one `/`.
    pub trailing_slash: bool,
    /// Percent-encode the first character of every id even where it needs no encoding
    /// (`7f…` as `%37f…`): the implementation must decode ids once (R3.c).
    #[serde(default)]
    pub encode: bool,
    /// Percent-encode the first letter of every segment name (`runs` as `%72uns`): names are
    /// percent-decoded before matching (R4.a). Never drawn at random; boundary cases set it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[arbitrary(default)]
    pub encode_names: bool,
}

impl PathStyle {
    /// The same spelling with what `profile` does not allow put back to the canonical form,
    /// part by part (parenthesised keys, segment case); what it allows is kept, so that two
    /// styles differing in one part the profile normalises build the same path.
    pub fn within(self, profile: &Profile) -> PathStyle {
        PathStyle {
            paren: if profile.paren_keys == ParenKeys::Accept {
                self.paren
            } else {
                0
            },
            case: if profile.segment_case == SegmentCase::Insensitive {
                self.case
            } else {
                NameCase::Canonical
            },
            ..self
        }
    }

    /// Whether `profile` accepts paths in this style.
    pub(crate) fn allowed_by(&self, profile: &Profile) -> bool {
        (self.paren == 0 || profile.paren_keys == ParenKeys::Accept)
            && (self.case == NameCase::Canonical
                || profile.segment_case == SegmentCase::Insensitive)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const BASE: &str = "/identityGovernance/lifecycleWorkflows/deletedItems/workflows/w1/runs/r1/userProcessingResults/u1/taskProcessingResults/t1";

    fn parse(p: &str) -> Result<Route, PathError> {
        Route::parse(p, &Profile::graph())
    }

    #[test]
    fn r1_both_routes_parse() {
        assert_eq!(parse(BASE).unwrap(), Route::direct("w1", "r1", "u1", "t1"));
        let via = format!("{BASE}/task/taskProcessingResults/t2");
        let r = parse(&via).unwrap();
        assert_eq!(r, Route::via_task("w1", "r1", "u1", "t1", "t2"));
        assert_eq!(r.addressed(), "t2");
    }

    #[test]
    fn r3_paren_keys_follow_the_knob_and_ids_decode_once() {
        let p = BASE.replace("runs/r1", "runs('r1')");
        assert_eq!(parse(&p).unwrap().run, "r1");
        let p2 = BASE.replace("runs/r1", "runs(%27r1%27)");
        assert_eq!(parse(&p2).unwrap().run, "r1");
        let reject = Profile {
            paren_keys: ParenKeys::Reject,
            ..Profile::graph()
        };
        assert_eq!(Route::parse(&p, &reject).unwrap_err().rule, RuleId::R3);
        assert_eq!(
            parse(&BASE.replace("runs/r1", "runs(r1)"))
                .unwrap_err()
                .rule,
            RuleId::R3
        );
        assert_eq!(
            parse(&BASE.replace("runs/r1", "runs('')"))
                .unwrap_err()
                .rule,
            RuleId::R3
        );
        assert_eq!(
            parse(&BASE.replace("runs/r1", "runs('it''s')"))
                .unwrap()
                .run,
            "it's"
        );
        assert_eq!(
            parse(&BASE.replace("/r1/", "/a%2Fb%2541/")).unwrap().run,
            "a/b%41"
        );
        assert_eq!(
            parse(&BASE.replace("/r1/", "/%zz/")).unwrap_err().rule,
            RuleId::R5
        );
        assert_eq!(
            parse(&BASE.replace("/r1/", "/%ff/")).unwrap_err().rule,
            RuleId::R5
        );
        assert_eq!(
            parse(&BASE.replace("/r1/", "//")).unwrap_err().rule,
            RuleId::R3
        );
    }

    #[test]
    fn r4_segment_case_follows_the_knob_ids_are_exact_and_one_trailing_slash_is_accepted() {
        let upper = BASE.replace("identityGovernance", "IdentityGovernance");
        assert!(parse(&upper).is_ok());
        assert_eq!(
            Route::parse(&upper, &Profile::strict()).unwrap_err().rule,
            RuleId::R4
        );
        assert_eq!(parse(&BASE.replace("/r1/", "/R1/")).unwrap().run, "R1");
        assert!(parse(&format!("{BASE}/")).is_ok());
        // R4.c: two or more trailing slashes are a malformed path, named by R4 (decision 93)
        assert_eq!(parse(&format!("{BASE}//")).unwrap_err().rule, RuleId::R4);
        assert_eq!(parse(&format!("{BASE}///")).unwrap_err().rule, RuleId::R4);
    }

    #[test]
    fn r5_shapes_that_are_not_routes_are_rejected() {
        for p in [
            "",
            "identityGovernance",
            "/",
            &BASE.replace("deletedItems/", ""),
            &BASE.replace("runs", "run"),
            &format!("{BASE}/extra"),
            &format!("{BASE}/task/taskProcessingResults"),
            &format!("{BASE}/task/taskProcessingResults/t2/x"),
            &format!("{BASE}/subject"),
            &BASE.replace("/t1", ""),
        ] {
            assert_eq!(parse(p).unwrap_err().rule, RuleId::R5, "{p}");
        }
    }

    #[test]
    fn r6_query_strings_are_ignored() {
        assert_eq!(
            parse(&format!("{BASE}?$select=id")).unwrap(),
            parse(BASE).unwrap()
        );
    }

    fn id() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9-]{1,12}",
            "\\PC{1,8}",
            Just("it's (x)/y%".to_string()),
        ]
    }

    #[test]
    fn r4_a_first_flipped_flips_the_first_letter_either_way() {
        // written after what `out` holds already, which it leaves as it is
        let apply = |case: NameCase, name: &str| {
            let mut out = String::from("/xY");
            case.write(&mut out, name);
            out
        };
        assert_eq!(apply(NameCase::FirstFlipped, "runs"), "/xYRuns");
        assert_eq!(apply(NameCase::FirstFlipped, "Runs"), "/xYruns");
        assert_eq!(apply(NameCase::FirstFlipped, ""), "/xY");
        assert_eq!(apply(NameCase::Upper, "runs"), "/xYRUNS");
        assert_eq!(apply(NameCase::Lower, "RUNS"), "/xYruns");
        assert_eq!(apply(NameCase::Canonical, "rUns"), "/xYrUns");
    }

    #[test]
    fn r3_b_each_paren_bit_parenthesises_its_own_key() {
        let route = Route {
            via_task: Some("t2".into()),
            ..Route::direct("w", "r", "u", "t")
        };
        let keys = ["w", "r", "u", "t", "t2"];
        for (bit, key) in keys.iter().enumerate() {
            let style = PathStyle {
                paren: 1 << bit,
                ..PathStyle::default()
            };
            let path = route.to_path(&style);
            // exactly one key in parentheses, the one of this bit (the via-task key last)
            assert_eq!(path.matches("('").count(), 1, "{bit}: {path}");
            let wanted = format!("('{key}')");
            assert!(path.contains(&wanted), "{bit}: {path}");
        }
        let all = route.to_path(&PathStyle {
            paren: 0b1_1111,
            ..PathStyle::default()
        });
        assert_eq!(all.matches("('").count(), 5, "{all}");
        // R3.c: with `encode`, each id's first character goes percent-encoded, in or out of
        // parentheses
        let encoded = route.to_path(&PathStyle {
            encode: true,
            paren: 0b0_0010,
            ..PathStyle::default()
        });
        assert!(encoded.contains("/workflows/%77/"), "{encoded}");
        assert!(encoded.contains("/runs('%72')/"), "{encoded}");
        assert!(
            encoded.ends_with("/taskProcessingResults/%742"),
            "{encoded}"
        );
    }

    #[test]
    fn r3_percent_escapes_decode_once_anywhere_in_a_segment() {
        for (raw, want) in [
            ("abc", "abc"),
            ("%41bc", "Abc"),
            ("a%41", "aA"),
            ("a%41b", "aAb"),
            ("%41%42", "AB"),
            ("x%41%42y%43z", "xAByCz"),
            ("a%2541", "a%41"),
            ("%C3%A9t%c3%a9", "été"),
        ] {
            assert_eq!(percent_decode(raw).as_deref(), Ok(want), "{raw}");
        }
        assert!(matches!(percent_decode("abc"), Ok(Cow::Borrowed("abc"))));
        // and back: everything but RFC 3986's unreserved characters is escaped, once
        for (text, want) in [
            ("aZ09-._~", "aZ09-._~"),
            ("a b/é'%", "a%20b%2F%C3%A9%27%25"),
            ("", ""),
        ] {
            assert_eq!(percent_encode(text), want);
            assert_eq!(percent_decode(want).as_deref(), Ok(text));
        }
        for bad in ["%", "a%", "a%4", "%zz", "a%4g", "ab%g4c", "%C3", "ok%41%C3"] {
            assert_eq!(
                percent_decode(bad).map_err(|e| e.rule),
                Err(RuleId::R5),
                "{bad}"
            );
        }
    }

    #[test]
    fn r3_every_name_case_and_every_escape_is_written_byte_for_byte() {
        // reserved, unreserved, a quote (doubled in parentheses), `%`, `/`, non-ASCII
        let route = Route {
            workflow: "w 1".into(),
            run: "r'2".into(),
            user_result: "é~".into(),
            result: "a~b.c_d-e/f%".into(),
            via_task: Some("t'".into()),
        };
        let mut got = Vec::new();
        for case in [
            NameCase::Canonical,
            NameCase::Lower,
            NameCase::Upper,
            NameCase::FirstFlipped,
        ] {
            for (paren, encode) in [(0, false), (0b1_1111, false), (0b0_0101, true)] {
                let style = PathStyle {
                    paren,
                    case,
                    trailing_slash: encode,
                    encode,
                    encode_names: false,
                };
                got.push(route.to_path(&style));
            }
        }
        let want: &[&str] = &[
            "/identityGovernance/lifecycleWorkflows/deletedItems/workflows/w%201/runs/r%272/userProcessingResults/%C3%A9~/taskProcessingResults/a~b.c_d-e%2Ff%25/task/taskProcessingResults/t%27",
            "/identityGovernance/lifecycleWorkflows/deletedItems/workflows('w%201')/runs('r%27%272')/userProcessingResults('%C3%A9~')/taskProcessingResults('a~b.c_d-e%2Ff%25')/task/taskProcessingResults('t%27%27')",
            "/identityGovernance/lifecycleWorkflows/deletedItems/workflows('%77%201')/runs/%72%272/userProcessingResults('%C3%A9~')/taskProcessingResults/%61~b.c_d-e%2Ff%25/task/taskProcessingResults/%74%27/",
            "/identitygovernance/lifecycleworkflows/deleteditems/workflows/w%201/runs/r%272/userprocessingresults/%C3%A9~/taskprocessingresults/a~b.c_d-e%2Ff%25/task/taskprocessingresults/t%27",
            "/identitygovernance/lifecycleworkflows/deleteditems/workflows('w%201')/runs('r%27%272')/userprocessingresults('%C3%A9~')/taskprocessingresults('a~b.c_d-e%2Ff%25')/task/taskprocessingresults('t%27%27')",
            "/identitygovernance/lifecycleworkflows/deleteditems/workflows('%77%201')/runs/%72%272/userprocessingresults('%C3%A9~')/taskprocessingresults/%61~b.c_d-e%2Ff%25/task/taskprocessingresults/%74%27/",
            "/IDENTITYGOVERNANCE/LIFECYCLEWORKFLOWS/DELETEDITEMS/WORKFLOWS/w%201/RUNS/r%272/USERPROCESSINGRESULTS/%C3%A9~/TASKPROCESSINGRESULTS/a~b.c_d-e%2Ff%25/TASK/TASKPROCESSINGRESULTS/t%27",
            "/IDENTITYGOVERNANCE/LIFECYCLEWORKFLOWS/DELETEDITEMS/WORKFLOWS('w%201')/RUNS('r%27%272')/USERPROCESSINGRESULTS('%C3%A9~')/TASKPROCESSINGRESULTS('a~b.c_d-e%2Ff%25')/TASK/TASKPROCESSINGRESULTS('t%27%27')",
            "/IDENTITYGOVERNANCE/LIFECYCLEWORKFLOWS/DELETEDITEMS/WORKFLOWS('%77%201')/RUNS/%72%272/USERPROCESSINGRESULTS('%C3%A9~')/TASKPROCESSINGRESULTS/%61~b.c_d-e%2Ff%25/TASK/TASKPROCESSINGRESULTS/%74%27/",
            "/IdentityGovernance/LifecycleWorkflows/DeletedItems/Workflows/w%201/Runs/r%272/UserProcessingResults/%C3%A9~/TaskProcessingResults/a~b.c_d-e%2Ff%25/Task/TaskProcessingResults/t%27",
            "/IdentityGovernance/LifecycleWorkflows/DeletedItems/Workflows('w%201')/Runs('r%27%272')/UserProcessingResults('%C3%A9~')/TaskProcessingResults('a~b.c_d-e%2Ff%25')/Task/TaskProcessingResults('t%27%27')",
            "/IdentityGovernance/LifecycleWorkflows/DeletedItems/Workflows('%77%201')/Runs/%72%272/UserProcessingResults('%C3%A9~')/TaskProcessingResults/%61~b.c_d-e%2Ff%25/Task/TaskProcessingResults/%74%27/",
        ];
        assert_eq!(got, want);
    }

    proptest! {
        #[test]
        fn r1_formatted_routes_parse_back(w in id(), r in id(), u in id(), t in id(), via in proptest::option::of(id()),
                                         paren in 0u8..32, case in prop_oneof![Just(NameCase::Canonical), Just(NameCase::Lower), Just(NameCase::Upper), Just(NameCase::FirstFlipped)], slash: bool, encode: bool) {
            let route = Route { workflow: w, run: r, user_result: u, result: t, via_task: via };
            let style = PathStyle { paren, case, trailing_slash: slash, encode, encode_names: encode && slash };
            let path = route.to_path(&style);
            prop_assert_eq!(Route::parse(&path, &Profile::graph()), Ok(route.clone()), "{}", path);
            let strict = Route::parse(&path, &Profile::strict());
            prop_assert_eq!(strict.is_ok(), style.allowed_by(&Profile::strict()), "{}", path);
        }

        #[test]
        fn r5_parser_never_panics(path in "\\PC{0,200}") {
            let _ = Route::parse(&path, &Profile::graph());
        }
    }
}
