//! Diagnosis of a verdict: drift (S6) before anything else, the valid twin, A/B against one
//! valid variant removed, each defect alone (E4 only when every one alone is answered right).

use super::judge::{self, Kind, Verdict};
use super::session::{Failure, Observed, Origin, Session};
use crate::contract::clause::ClauseId;
use crate::contract::profile::Profile;
use crate::contract::rule::RuleId;
use crate::contract::spec::TaskProcessingResult;
use crate::generate::defect::{Defect, Level};
use crate::generate::variants::{Variant, variants};
use crate::generate::{Case, CaseSpec};
use crate::model::invariants::Detail;

impl<'s, 'a> Session<'s, 'a> {
    /// The entity differed from the model after this case: put it back as it was before and
    /// send the case again. If the state is then right, the entity had drifted before the
    /// request, written by a request to another entity (S6).
    pub(super) async fn drift(
        &mut self,
        v: &Verdict,
        case: &Case,
        before: Option<&TaskProcessingResult>,
        status: Option<u16>,
    ) -> Option<Verdict> {
        let (Some(id), Some(pre)) = (case.target.clone(), before) else {
            return None;
        };
        // what the implementation holds now (a GET case was not observed), then the old value
        if let Observed::Seen(seen) = self.observe(&id).await {
            self.resync(&id, &seen);
        }
        // put it back; if the implementation cannot hold that exact value (it stores coarser
        // timestamps, say), the session now knows what it holds (force_restore observes): the
        // question is only whether this request, from a known state, does the right thing
        if !self.force_restore(&id, pre).await
            && !matches!(self.observe(&id).await, Observed::Seen(_))
        {
            return None;
        }
        // evidence in the property that differed: it must hold the old value again (a restore
        // the implementation refused leaves it as it is, and the request says nothing about it)
        if let (Some(p), Some(now)) = (v.property, self.store.get(&id)) {
            if now.value.to_json(true).get(p) != pre.to_json(true).get(p) {
                return None;
            }
        }
        // evidence that the state is right from there: the request answered as the first time
        // (another answer, a rejection where it was accepted, says nothing about the property
        // that differed) and its state observed and right
        let again = self.check(case).await;
        if again.interrupted
            || again.unobserved
            || again.response.as_ref().map(|r| r.status) != status
            || again.verdicts.iter().any(|w| w.kind == Kind::State)
        {
            return None;
        }
        Some(Verdict {
            rule: RuleId::S6,
            clause: ClauseId::S6,
            kind: Kind::Drift,
            message: format!(
                "`{id}` held a value no request to it wrote (a request to another entity changed it); first seen as: {}",
                v.message
            ),
            property: v.property,
            detail: v.detail,
        })
    }

    /// Which defect of a crashing case crashes the implementation alone: its failure.
    async fn crash_alone(&mut self, case: &Case) -> Option<Failure> {
        for d in case.spec.defects.clone() {
            let alone = CaseSpec {
                defects: vec![d],
                ..case.spec.clone()
            };
            let c = alone.build(&self.store, self.profile());
            if c.defects.len() != 1 {
                continue;
            }
            let before = self.before_of(&c);
            let checked = self.check(&c).await;
            if let Some(v) = checked
                .verdicts
                .into_iter()
                .find(|v| v.kind == Kind::Stopped)
            {
                return Some(Failure {
                    verdict: v,
                    case: c,
                    response: None,
                    expected: checked.expected,
                    before,
                });
            }
            if self.shared.stopped() {
                return None;
            }
        }
        None
    }

    /// Establishes the cause of a primary verdict and files it; a cause already established
    /// for the same kind of failure is counted instead of established again.
    pub(super) async fn diagnose(&mut self, f: Failure, at: Origin) {
        // a crash reproduced alone, by a request with several defects: the first defect that
        // brings the implementation down alone is the cause of every case it rides in
        if f.verdict.kind == Kind::Stopped && f.case.defects.len() > 1 && !self.shared.stopped() {
            if let Some(alone) = self.crash_alone(&f.case).await {
                self.file(alone, at);
                return;
            }
        }
        if !self.shared.config.shrink || unshrinkable(f.verdict.kind) || self.shared.stopped() {
            self.file(f, at);
            return;
        }
        let key = known_key(&f);
        if let Some(cause) = self.known.get(&key).cloned() {
            if self.collector.count(&cause, f.verdict.rule) {
                return;
            }
        }
        let cause = self.cause_of(f, at).await;
        self.known.insert(key, cause);
    }

    /// The steps of diagnosis in order, each either filing the cause it finds or handing the
    /// failure on: the valid twin, A/B against one variant, a rejection's variants, each defect
    /// alone, and at last shrinking while the same rule fails the same way.
    async fn cause_of(&mut self, f: Failure, at: Origin) -> String {
        // differential diagnosis: is the valid twin answered wrongly too?
        if let Some(cause) = self.twin_cause(&f, at).await {
            return cause;
        }
        let f = match self.variant_cause(f, at).await {
            Ok(cause) => return cause,
            Err(f) => f,
        };
        if f.verdict.kind == Kind::Rejected {
            return self.diagnose_rejection(f, at).await;
        }
        if matches!(f.verdict.kind, Kind::WrongStatus | Kind::Accepted) && f.case.defects.len() > 1
        {
            return self.defect_alone_cause(f, at).await;
        }
        if let Some(cause) = self.unresolved_cause(&f, at).await {
            return cause;
        }
        let (rule, kind) = (f.verdict.rule, f.verdict.kind);
        let small = match self
            .shrink(&f.case, f.before.clone(), |w, _| {
                w.rule == rule && w.kind == kind
            })
            .await
        {
            Some(small) => small,
            None => f,
        };
        // shrinking may leave a variant the original's twin did not show alone: ask again
        if let Some(cause) = self.twin_cause(&small, at).await {
            return cause;
        }
        // a 5xx to a request with a defect may shrink to a valid request answered 5xx: is a
        // variant it carries what the implementation fails on?
        if valid_server_error(&small) {
            return match self.variant_cause(small, at).await {
                Ok(cause) => cause,
                Err(small) => self.file(small, at),
            };
        }
        self.file(small, at)
    }

    /// A/B against the same request with one valid variant removed, from the state the
    /// request saw: if that one is answered right, the variant is the cause (filed, `Ok`).
    async fn variant_cause(&mut self, f: Failure, at: Origin) -> Result<String, Failure> {
        let Some(ab) = AbPlan::of(&f, self.profile()) else {
            return Err(f);
        };
        let v = &f.verdict;
        for variant in ab.candidates {
            let same_wrong = |w: &Verdict| {
                // the same wrong thing: its kind, its property (another bug's difference, or
                // a representation's shape, says nothing about this one)
                (ab.wrong)(w.kind)
                    && !w.is_shape()
                    && (v.property.is_none() || w.property == v.property)
            };
            match self
                .right_without(&f.case, &variant.without, f.before.as_ref(), &same_wrong)
                .await
            {
                // no comparison is possible from here on (the entity cannot be put back)
                None => break,
                Some(false) => {}
                Some(true) => {
                    let mut blamed = f.verdict.clone();
                    blamed.blame(
                        variant.clause,
                        &format!("cause: {}; {}", variant.name, ab.why),
                    );
                    return Ok(self.file(
                        Failure {
                            verdict: blamed,
                            ..f
                        },
                        at,
                    ));
                }
            }
        }
        Err(f)
    }

    /// Several defects answered wrongly: which one is mishandled? Each alone, in turn; the
    /// first that fails alone is the cause. If each alone is answered right, only their
    /// combination is wrong: E4, naming what each alone was answered.
    async fn defect_alone_cause(&mut self, f: Failure, at: Origin) -> String {
        let mut alone_answers: Vec<String> = Vec::new();
        let mut verified = true;
        for d in f.case.spec.defects.clone() {
            let alone = CaseSpec {
                defects: vec![d],
                ..f.case.spec.clone()
            };
            if let (Some(id), Some(pre)) = (&f.case.target, &f.before) {
                self.restore(id, pre).await;
            }
            let c = alone.build(&self.store, self.profile());
            if c.defects.len() != 1 {
                verified = false;
                continue;
            }
            let before = self.before_of(&c);
            let checked = self.check(&c).await;
            match (&checked.response, checked.interrupted) {
                (Some(r), false) => {
                    alone_answers.push(format!("{} alone: {}", c.defects[0].variant(), r.status))
                }
                _ => verified = false,
            }
            // answered wrongly alone, a 5xx included: that defect is the cause
            let wrong = |w: &Verdict| {
                matches!(
                    w.kind,
                    Kind::WrongStatus | Kind::Accepted | Kind::ServerError
                )
            };
            if let Some(w) = checked.verdicts.iter().find(|w| wrong(w)).cloned() {
                let found = Failure {
                    verdict: w,
                    case: c,
                    response: checked.response,
                    expected: checked.expected,
                    before,
                };
                return self.one_defect_cause(found, at).await;
            }
        }
        let mut e4 = f.verdict.clone();
        if verified {
            e4.blame(
                ClauseId::E4,
                &format!(
                    "each defect alone was answered as the contract demands ({}); together they were not",
                    alone_answers.join(", ")
                ),
            );
        }
        self.file(Failure { verdict: e4, ..f }, at)
    }

    /// One defect alone answered wrongly: shrunk while it fails the same way; the cause may
    /// still be a variant it rides with (the valid twin's, or the framing's: the same with
    /// Content-Length is answered right).
    async fn one_defect_cause(&mut self, found: Failure, at: Origin) -> String {
        let (rule, kind) = (found.verdict.rule, found.verdict.kind);
        let small = match self
            .shrink(&found.case, found.before.clone(), |x, _| {
                x.rule == rule && x.kind == kind
            })
            .await
        {
            Some(small) => small,
            None => found,
        };
        if let Some(cause) = self.twin_cause(&small, at).await {
            return cause;
        }
        if let Some(cause) = self.unresolved_cause(&small, at).await {
            return cause;
        }
        let mut verdict = small.verdict.clone();
        let framing = variants(&small.case.spec)
            .into_iter()
            .find(|x| x.clause == ClauseId::H4b);
        if let Some(x) = framing {
            let right = self
                .right_without(&small.case, &x.without, small.before.as_ref(), &|w| {
                    matches!(w.kind, Kind::WrongStatus | Kind::Accepted)
                })
                .await;
            if right == Some(true) {
                verdict.blame(
                    x.clause,
                    &format!(
                        "cause: {}; without it the same request is answered right",
                        x.name
                    ),
                );
            }
        }
        self.file(Failure { verdict, ..small }, at)
    }

    /// An id holding `%2F` (R3.c) answered wrongly: is an id that merely does not exist, in the
    /// same request, answered the same way? Then the resolution is at fault (R5.b), not the
    /// decoding, and that request's failure is filed (its own evidence); else `None`.
    async fn unresolved_cause(&mut self, f: &Failure, at: Origin) -> Option<String> {
        if f.verdict.kind != Kind::WrongStatus
            || f.case.defects.as_slice() != [Defect::EncodedSlashInId]
        {
            return None;
        }
        let plain = CaseSpec {
            defects: vec![Defect::UnknownId(Level::Result)],
            ..f.case.spec.clone()
        };
        let c = plain.build(&self.store, self.profile());
        if c.defects.len() != 1 {
            return None;
        }
        let before = self.before_of(&c);
        let checked = self.check(&c).await;
        let status = |r: &Option<crate::sut::Response>| r.as_ref().map(|r| r.status);
        if checked.interrupted || status(&checked.response) != status(&f.response) {
            return None;
        }
        let verdict = checked
            .verdicts
            .into_iter()
            .find(|w| w.kind == Kind::WrongStatus)?;
        Some(self.file(
            Failure {
                verdict,
                case: c,
                response: checked.response,
                expected: checked.expected,
                before,
            },
            at,
        ))
    }

    /// The A/B comparison of diagnosis: `case` with one valid variant removed (`without`),
    /// sent from the state `case` saw (observed first: the session's store may hold the model's
    /// prediction of the wrongly answered request). `Some(true)` when none of its verdicts is of
    /// a kind `wrong` names; `Some(false)` when one is, or the variant carried the defects or
    /// the target (no like-for-like comparison); `None` when the entity cannot be put back.
    pub(super) async fn right_without(
        &mut self,
        case: &Case,
        without: &CaseSpec,
        before: Option<&TaskProcessingResult>,
        wrong: &dyn Fn(&Verdict) -> bool,
    ) -> Option<bool> {
        // an entity the case retired (a wrongly accepted structural write, say) is not put
        // back: the framing variant (H4.b) is asked of another entity of the workflow, from the
        // state the session knows it in (how a body is framed does not depend on which entity;
        // an alias or a spelling may, and those are not asked)
        let retired = case
            .target
            .as_ref()
            .is_some_and(|id| self.store.get(id).is_none());
        if retired && without.chunked == case.spec.chunked {
            return None;
        }
        if let (Some(id), Some(pre), false) = (&case.target, before, retired) {
            if let Observed::Seen(seen) = self.observe(id).await {
                self.resync(id, &seen);
            }
            if !self.restore(id, pre).await {
                return None;
            }
        }
        let plain = without.build(&self.store, self.profile());
        let kinds = |c: &Case| c.defects.iter().map(|d| d.variant()).collect::<Vec<_>>();
        let same_target = if retired {
            plain.target.is_some()
        } else {
            plain.target == case.target
        };
        // the variant did not change the request (the profile normalised it away): no A/B
        if kinds(&plain) != kinds(case) || !same_target || plain.request == case.request {
            return Some(false);
        }
        let again = self.check(&plain).await;
        // a state that could not be observed is no evidence that it is right
        Some(!again.interrupted && !again.unobserved && !again.verdicts.iter().any(wrong))
    }

    /// A request with defects answered wrongly: is its valid twin (the same without the
    /// defects) answered wrongly too? Then a variant is the cause, found and filed by
    /// [`Session::diagnose_rejection`]; returns that cause.
    pub(super) async fn twin_cause(&mut self, f: &Failure, at: Origin) -> Option<String> {
        let (v, case) = (&f.verdict, &f.case);
        if !matches!(v.kind, Kind::WrongStatus | Kind::Accepted) || case.defects.is_empty() {
            return None;
        }
        let twin = CaseSpec {
            defects: vec![],
            ..case.spec.clone()
        };
        if let (Some(id), Some(pre)) = (&case.target, &f.before) {
            self.restore(id, pre).await;
        }
        let twin_case = twin.build(&self.store, self.profile());
        let twin_before = self.before_of(&twin_case);
        let tc = self.check(&twin_case).await;
        // rejected although valid, or (when it still does not resolve) the same wrong status
        let original = f.response.as_ref().map(|r| r.status);
        let twin_status = tc.response.as_ref().map(|r| r.status);
        let tv = tc.verdicts.into_iter().find(|t| {
            t.kind == Kind::Rejected || (t.kind == Kind::WrongStatus && twin_status == original)
        })?;
        Some(
            self.diagnose_rejection(
                Failure {
                    verdict: tv,
                    case: twin_case,
                    response: tc.response,
                    expected: tc.expected,
                    before: twin_before,
                },
                at,
            )
            .await,
        )
    }
}

/// Kinds of failure that are filed as seen: nothing smaller says more (no answer, a crash, an
/// oversized answer, the seed, a history that no order explains).
fn unshrinkable(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::NoAnswer | Kind::Stopped | Kind::Oversized | Kind::Fixture | Kind::Linearizability
    )
}

/// What makes two failures the same question for diagnosis: a cause established for one is
/// counted for the other. A rejected valid request is known by the variants it carries too:
/// two rejections of different features are two causes, not one counted twice. Known by
/// clause, and each defect by its kind and clause: defect kinds of one family that break
/// different clauses (a year `0000` and an offset `+14:01` are both `Timestamp`) are
/// different questions (found on a real server: T1.d counted under T1.b's cause).
fn known_key(f: &Failure) -> String {
    let v = &f.verdict;
    let carried: Vec<&str> = if v.kind == Kind::Rejected || valid_server_error(f) {
        variants(&f.case.spec).iter().map(|x| x.name).collect()
    } else {
        vec![]
    };
    format!(
        "{} {:?} {:?} {} {:?} {:?} {:?}",
        v.clause,
        v.kind,
        v.property,
        f.case.request.method,
        f.case
            .defects
            .iter()
            .map(|d| (d.variant(), d.clause_id()))
            .collect::<Vec<_>>(),
        f.response.as_ref().map(|r| r.status),
        carried
    )
}

/// A 5xx (E3) to a request the contract accepts: refused like a rejection, in the wrong class.
fn valid_server_error(f: &Failure) -> bool {
    f.verdict.kind == Kind::ServerError
        && !f.expected.statuses.is_empty()
        && f.expected.statuses.iter().all(|s| (200..300).contains(s))
}

/// What an A/B comparison asks of a failure: the variants to remove one at a time, what
/// "still wrong" means without one, and what a right answer then says.
struct AbPlan {
    candidates: Vec<Variant>,
    wrong: fn(Kind) -> bool,
    why: &'static str,
}

impl AbPlan {
    /// What "still wrong" means without a variant, and what a right answer then says: for a
    /// 5xx to a valid request, a preference not honoured, a wrong state or body, or a status.
    fn still_wrong(
        failed_valid: bool,
        unhonoured: bool,
        state_or_body: bool,
    ) -> (fn(Kind) -> bool, &'static str) {
        if failed_valid {
            (
                |k| {
                    matches!(
                        k,
                        Kind::ServerError | Kind::Rejected | Kind::WrongStatus | Kind::Accepted
                    )
                },
                "without it the same request is answered right",
            )
        } else if unhonoured {
            (
                |k| {
                    matches!(
                        k,
                        Kind::State | Kind::Representation | Kind::PreferenceApplied
                    )
                },
                "without it the preference is honoured",
            )
        } else if state_or_body {
            (
                |k| matches!(k, Kind::State | Kind::Representation),
                "without it the state is right",
            )
        } else {
            (
                |k| matches!(k, Kind::WrongStatus | Kind::Accepted),
                "without it the same request is answered right",
            )
        }
    }

    fn of(f: &Failure, profile: &Profile) -> Option<AbPlan> {
        let (v, case) = (&f.verdict, &f.case);
        // 1. a state difference that a spelling variant explains (the alias wrote another
        //    entity); "right" means right in the state and in the answer's representation
        //    (which shows the same value, and is judged instead of the state when it is wrong).
        //    Spelling variants only (route, headers): removing a member changes what is written.
        //    Only a property the request names: a spelling that makes the write land elsewhere
        //    leaves the others as they were, so an unnamed one that differs is not its doing
        //    (it differed before, or the request reset it) and an A/B from the restored state
        //    would only show the restore.
        let names_it = v.property.is_none_or(|p| {
            judge::observation::body_names(&case.request, profile)
                .iter()
                .any(|n| n == p)
        });
        let state = v.kind == Kind::State
            && v.rule != RuleId::S3
            && case.request.method == "PATCH"
            && names_it;
        // 2. a defect answered wrongly only on the via-task route and rightly on the direct
        //    route: the alias addresses something else than the entity it names, however the
        //    defect then shows it (R2.c).
        // 3. a defect answered wrongly only with a route spelling (parenthesised keys, encoded
        //    ids, segment case, a trailing slash) and rightly without it: the spelling is the
        //    cause, when no defect is in the path itself
        let route_spelling = |x: &Variant| {
            matches!(
                x.clause,
                ClauseId::R3b | ClauseId::R3c | ClauseId::R4a | ClauseId::R4c
            )
        };
        let path_defect = case
            .defects
            .iter()
            .any(|d| matches!(d.rule(), RuleId::R3 | RuleId::R4 | RuleId::R5));
        let status = matches!(v.kind, Kind::WrongStatus | Kind::Accepted);
        // 4. the sentinel shown though the request carries the preference: is it the way the
        //    preference is written (second in a list, a second header)?
        let unhonoured = (v.kind == Kind::Representation
            && v.detail == Detail::SentinelInsteadOfMember)
            || v.kind == Kind::PreferenceApplied;
        // 5. a 200 body wrong for a chunked request: is the same body with Content-Length
        //    written and shown right (H4.b: a chunked body read wrongly)?
        let body_view = v.kind == Kind::Representation && case.spec.chunked && !v.is_shape();
        // 6. a 5xx to a request the contract accepts: is it a feature the request carries that
        //    the implementation fails on (several gzip members, a spelling), which the same
        //    request without it shows? "Right" means neither a 5xx nor a rejection, so a 5xx
        //    that needs two variants is blamed on the one that is not the way to it (decision 95)
        let failed_valid = valid_server_error(f);
        let (wrong, why) = AbPlan::still_wrong(failed_valid, unhonoured, state || body_view);
        let candidates: Vec<Variant> = variants(&case.spec)
            .into_iter()
            .filter(|x| {
                (state && x.without.members.len() == case.spec.members.len())
                    || (status && x.without.alias.is_none() && case.spec.alias.is_some())
                    || (status && !path_defect && route_spelling(x))
                    // a read-only token refused for a GET before the route is resolved (H2.d);
                    // a method defect made it another method, which the token may not use
                    || (status && x.clause == ClauseId::H2d && case.request.method == "GET")
                    // a chunked body answered or shown wrongly, right with Content-Length (H4.b)
                    || ((status || body_view) && x.clause == ClauseId::H4b)
                    // only how the preference is written: without it, none is due
                    || (unhonoured && x.without.prefer_style != case.spec.prefer_style)
                    || failed_valid
            })
            .collect();
        (!candidates.is_empty()).then_some(AbPlan {
            candidates,
            wrong,
            why,
        })
    }
}
