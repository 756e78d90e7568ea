//! The judge's unit tests: each verdict's clause and kind, by clause id.

use super::*;

#[test]
fn s4_a_a_shape_verdict_is_told_from_a_value_verdict_by_kind_and_detail() {
    // a shape (S4.a, T2.a) hides no value: diagnosis and the S4.b judgement pass over it to
    // the first value difference. Either half of the test wrong hides a value bug behind a
    // missing `@odata.type` (issue 28: FailureReasonTruncated under NoOdataTypeInBody).
    let with = |kind, detail| Verdict {
        detail,
        ..Verdict::new(ClauseId::S4a, kind, "x")
    };
    assert!(with(Kind::Representation, Detail::Shape).is_shape());
    assert!(with(Kind::Representation, Detail::InvalidRendering).is_shape());
    assert!(!with(Kind::Representation, Detail::OtherValue).is_shape());
    assert!(!with(Kind::Representation, Detail::None).is_shape());
    assert!(!with(Kind::State, Detail::Shape).is_shape());
    assert!(!with(Kind::Invariant, Detail::InvalidRendering).is_shape());
}

fn case(spec: crate::generate::CaseSpec) -> Case {
    use crate::model::fixture::Fixture;
    use crate::model::store::{Store, Tokens};
    let profile = Profile::graph();
    let store = Store::new(&Fixture::generate(1, &profile), Tokens::new("write", None));
    spec.build(&store, &profile)
}

#[test]
fn h1_d_only_a_patch_without_a_method_defect_names_h1_d_for_a_wrong_h1_status() {
    // `attribute`: a wrong status under H1 to a plain PATCH is `patch_supported` (H1.d); a
    // GET, or another rule no defect of the case names, keeps its clause (mutants: either
    // `&&` of the H1.d test as `||` filed a route bug, or a GET, under H1.d)
    let patch = case(Default::default());
    let get = case(crate::generate::CaseSpec {
        get: true,
        ..Default::default()
    });
    let attributed = |rule, c: &Case| {
        let mut v = Verdict::new(ClauseId::first_of(rule), Kind::WrongStatus, "x");
        attribute(&mut v, c);
        v.clause
    };
    assert_eq!(attributed(RuleId::H1, &patch), ClauseId::H1d);
    assert_eq!(attributed(RuleId::H1, &get), ClauseId::H1a);
    assert_eq!(
        attributed(RuleId::R5, &patch),
        ClauseId::first_of(RuleId::R5)
    );
}

#[test]
fn b6_c_the_sentinel_where_a_member_is_due_is_b6_c_when_the_patch_sent_it_else_b6_e() {
    // `attribute` on an answer's representation or state (mutant: its arm deleted filed a
    // stored sentinel, SentinelStored's bug, as a rendering one)
    use crate::contract::spec::ProcessingStatus;
    use crate::generate::{CaseSpec, MemberSpec};
    let sent = case(CaseSpec {
        members: vec![MemberSpec::Status(ProcessingStatus::UnknownFutureValue)],
        ..Default::default()
    });
    let not_sent = case(Default::default());
    for kind in [Kind::Representation, Kind::State] {
        let attributed = |c: &Case| {
            let mut v = Verdict {
                detail: Detail::SentinelInsteadOfMember,
                ..Verdict::new(ClauseId::B6e, kind, "x")
            };
            attribute(&mut v, c);
            v.clause
        };
        assert_eq!(attributed(&sent), ClauseId::B6c, "{kind:?}");
        assert_eq!(attributed(&not_sent), ClauseId::B6e, "{kind:?}");
    }
}

#[test]
fn s4_b_a_verdict_blamed_on_a_clause_carries_its_rule_and_says_why() {
    let mut v = Verdict::new(ClauseId::B1b, Kind::WrongStatus, "answered 404");
    v.blame(ClauseId::R2c, "cause: via-task route");
    assert_eq!((v.rule, v.clause), (RuleId::R2, ClauseId::R2c));
    assert_eq!(v.message, "answered 404 (cause: via-task route)");
}

#[test]
fn t2_a_a_difference_names_its_clause_from_rule_property_and_detail() {
    use ClauseId as C;
    let c = |r, p, d| difference_clause(r, p, d);
    assert_eq!(
        c(RuleId::B6, None, Detail::MemberShownInsteadOfSentinel),
        C::B6e
    );
    assert_eq!(c(RuleId::B6, None, Detail::OtherValue), C::B6d);
    assert_eq!(c(RuleId::B6, None, Detail::OtherType), C::B6c);
    assert_eq!(c(RuleId::T2, None, Detail::InvalidRendering), C::T2a);
    assert_eq!(c(RuleId::T2, None, Detail::OtherValue), C::T2b);
    assert_eq!(c(RuleId::T1, None, Detail::FractionLeadingZeros), C::T1a);
    assert_eq!(c(RuleId::R2, Some("id"), Detail::OtherValue), C::R2c);
    assert_eq!(c(RuleId::S4, Some("@odata.type"), Detail::Shape), C::S4a);
    assert_eq!(
        c(RuleId::S2, Some("failureReason"), Detail::OtherValue),
        C::S2
    );
    assert_eq!(
        c(RuleId::B10, Some("failureReason"), Detail::OtherValue),
        C::B10
    );
}
