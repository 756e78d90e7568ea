//! The valid variants a case carries (the features a server may wrongly reject, each with the
//! clause it relies on) and the smaller cases shrinking tries: beside the cases they change, so
//! the runner never reads a [`CaseSpec`]'s insides.

use crate::contract::clause::ClauseId;
use crate::contract::path::{NameCase, PathStyle};
use crate::contract::rule::RuleId;
use crate::contract::spec::ProcessingStatus;
use crate::generate::{CaseSpec, MemberSpec, TsSpec};

/// A clause id written here or by a member spec; an unknown one is a bug a test catches
/// (`variant_clauses_are_contract_clauses`), and falls back to the first clause of its rule.
fn clause_id(id: &'static str) -> ClauseId {
    ClauseId::parse(id).unwrap_or_else(|| {
        let rule = id
            .split('.')
            .next()
            .and_then(|r| r.parse().ok())
            .unwrap_or(RuleId::S2);
        ClauseId::first_of(rule)
    })
}

/// A valid variant a case carries (the features a server may wrongly reject).
pub struct Variant {
    /// What it is, for people (`"via-task route"`).
    pub name: &'static str,
    /// The clause of the contract the variant relies on (a server rejecting it breaks that).
    pub clause: ClauseId,
    /// The same case without it.
    pub without: CaseSpec,
}

impl Variant {
    /// The rule of its clause.
    pub fn rule(&self) -> RuleId {
        self.clause.rule()
    }
}

/// The valid variants `spec` carries, each with the spec without it: the framing first, the
/// read-only token, the via-task route, route spellings, headers, members (in this order, which
/// is the order diagnosis removes them in).
pub fn variants(spec: &CaseSpec) -> Vec<Variant> {
    let mut v = Vec::new();
    let mut push = |name, clause: &'static str, without: CaseSpec| {
        let clause = clause_id(clause);
        if &without != spec {
            v.push(Variant {
                name,
                clause,
                without,
            })
        }
    };
    // the framing first: a chunked body read wrongly shows as whatever the body then breaks
    // (an empty body, one past the limit); the same body with Content-Length tells (H4.b)
    if spec.chunked && !spec.get {
        push(
            "chunked framing",
            "H4.b",
            CaseSpec {
                chunked: false,
                ..spec.clone()
            },
        );
    }
    // H2.d names both routes: a read-only token refused on one of them is H2.d
    if spec.get && spec.auth_variant % 3 == 2 {
        push(
            "read-only token",
            "H2.d",
            CaseSpec {
                auth_variant: 0,
                ..spec.clone()
            },
        );
    }
    // the via-task route next: with it the request addresses another way, and a variant needed
    // only together with it is the alias's doing (R2.c). While its own key is parenthesised,
    // removing the route removes that spelling too: then it comes last, after the spelling
    let via_task = CaseSpec {
        alias: None,
        ..spec.clone()
    };
    let own_key_parenthesised = spec.style.paren & 0b1_0000 != 0;
    if spec.alias.is_some() && !own_key_parenthesised {
        push("via-task route", "R2.c", via_task.clone());
    }
    if spec.style.paren != 0 {
        push(
            "parenthesised keys",
            "R3.b",
            CaseSpec {
                style: PathStyle {
                    paren: 0,
                    ..spec.style
                },
                ..spec.clone()
            },
        );
    }
    if spec.pad_to_limit && !spec.get {
        push(
            "body of exactly the size limit",
            "H4.a",
            CaseSpec {
                pad_to_limit: false,
                ..spec.clone()
            },
        );
    }
    // (the spec is normalised: a style is kept only when the request carries the preference)
    if spec.prefer_style % 4 >= 2 {
        push(
            "preference in a list",
            "H5.a",
            CaseSpec {
                prefer_style: 0,
                ..spec.clone()
            },
        );
    }
    if spec.style.encode {
        push(
            "percent-encoded ids",
            "R3.c",
            CaseSpec {
                style: PathStyle {
                    encode: false,
                    ..spec.style
                },
                ..spec.clone()
            },
        );
    }
    if spec.style.case != NameCase::Canonical {
        push(
            "segment case",
            "R4.a",
            CaseSpec {
                style: PathStyle {
                    case: NameCase::Canonical,
                    ..spec.style
                },
                ..spec.clone()
            },
        );
    }
    if spec.style.encode_names {
        push(
            "percent-encoded segment names",
            "R4.a",
            CaseSpec {
                style: PathStyle {
                    encode_names: false,
                    ..spec.style
                },
                ..spec.clone()
            },
        );
    }
    if spec.style.trailing_slash {
        push(
            "trailing slash",
            "R4.c",
            CaseSpec {
                style: PathStyle {
                    trailing_slash: false,
                    ..spec.style
                },
                ..spec.clone()
            },
        );
    }
    if spec.bom && !spec.get {
        push(
            "byte-order mark",
            "B1.d",
            CaseSpec {
                bom: false,
                ..spec.clone()
            },
        );
    }
    // the spelling of the gzip coding first (the same gzip body, one member, `gzip`), so a
    // server that refuses `x-gzip` and one that refuses several members are two causes
    if spec.gzip && !spec.get && spec.gzip_style % 4 != 0 {
        push(
            match spec.gzip_style % 4 {
                1 => "coding name in upper case",
                2 => "x-gzip coding",
                _ => "several gzip members",
            },
            "H6.a",
            CaseSpec {
                gzip_style: 0,
                ..spec.clone()
            },
        );
    }
    if spec.gzip && !spec.get {
        push(
            "gzip request body",
            "H6.a",
            CaseSpec {
                gzip: false,
                ..spec.clone()
            },
        );
    }
    if spec.prefer {
        push(
            "Prefer header",
            "H5.a",
            CaseSpec {
                prefer: false,
                ..spec.clone()
            },
        );
    }
    let ct = crate::generate::ALLOWED_CONTENT_TYPES
        [usize::from(spec.content_type) % crate::generate::ALLOWED_CONTENT_TYPES.len()];
    // the media type in another case (H3.a), then its parameters (H3.b), each its own step
    let lower = ct.to_ascii_lowercase();
    let lower_index = crate::generate::ALLOWED_CONTENT_TYPES
        .iter()
        .position(|c| *c != ct && c.replace(' ', "") == lower.replace(' ', ""));
    if let (false, Some(i)) = (spec.get, lower_index) {
        push(
            "media type case",
            "H3.a",
            CaseSpec {
                content_type: i as u8,
                ..spec.clone()
            },
        );
    }
    if !spec.get && ct != crate::generate::ALLOWED_CONTENT_TYPES[0] {
        push(
            "Content-Type spelling",
            if ct.contains(';') { "H3.b" } else { "H3.a" },
            CaseSpec {
                content_type: 0,
                ..spec.clone()
            },
        );
    }
    if spec.token_spaces {
        push(
            "white space before the token",
            "H2.c",
            CaseSpec {
                token_spaces: false,
                ..spec.clone()
            },
        );
    }
    if spec.auth_variant % 3 == 1 {
        push(
            "lower-case bearer scheme",
            "H2.b",
            CaseSpec {
                auth_variant: 0,
                ..spec.clone()
            },
        );
    }
    if !spec.get {
        // a timestamp only the full ABNF admits (T1.f; the spec is normalised, so only under
        // `odata-abnf`), the same member in Graph's pattern without it
        for (i, m) in spec.members.iter().enumerate() {
            let plain = m.without_abnf_feature();
            if &plain != m {
                let mut without = spec.clone();
                without.members[i] = plain;
                push(
                    "timestamp spelling only the OData ABNF admits",
                    "T1.f",
                    without,
                );
            }
        }
        // the 32-level annotation: the same annotation without the depth (B1.e)
        for (i, m) in spec.members.iter().enumerate() {
            if m.is_deep() {
                let mut without = spec.clone();
                without.members[i] = MemberSpec::Annotation(0);
                push("32 levels of nesting", "B1.e", without);
            }
        }
        for (i, m) in spec.members.iter().enumerate() {
            let (name, clause) = (member_name(m), m.clause());
            let mut without = spec.clone();
            without.members.remove(i);
            push(name, clause, without);
        }
    }
    if spec.alias.is_some() && own_key_parenthesised {
        push("via-task route", "R2.c", via_task);
    }
    v
}

fn member_name(m: &MemberSpec) -> &'static str {
    match m {
        MemberSpec::Created(_) => "createdDateTime timestamp",
        MemberSpec::Started(Some(_)) => "startedDateTime timestamp",
        MemberSpec::Completed(Some(_)) => "completedDateTime timestamp",
        MemberSpec::Started(None) => "null startedDateTime",
        MemberSpec::Completed(None) => "null completedDateTime",
        MemberSpec::FailureReason(None) => "null failureReason",
        MemberSpec::FailureReason(Some(_)) => "failureReason text",
        MemberSpec::Status(s) if s.is_after_sentinel() => "member after the sentinel",
        MemberSpec::Status(ProcessingStatus::UnknownFutureValue) => "unknownFutureValue in a PATCH",
        MemberSpec::Status(_) => "processingStatus member",
        MemberSpec::OdataType(_) => "@odata.type",
        MemberSpec::Annotation(_) => "annotation",
        MemberSpec::IdEqual => "id equal to the key",
    }
}

/// A timestamp member with one feature of its spelling made plain (a fraction, an offset, a
/// first or last year, a last day of the month), each its own candidate: a rejected spelling
/// ends up carrying only the feature it is rejected for, and names that feature's clause (a
/// 12-digit fraction in year 9999 is T1.a, not T1.b).
fn plainer_timestamps(m: &MemberSpec) -> Vec<MemberSpec> {
    let rebuild = |t: TsSpec| match m {
        MemberSpec::Created(_) => MemberSpec::Created(t),
        MemberSpec::Started(Some(_)) => MemberSpec::Started(Some(t)),
        MemberSpec::Completed(Some(_)) => MemberSpec::Completed(Some(t)),
        other => other.clone(),
    };
    let Some(t) = m.timestamp().cloned() else {
        return Vec::new();
    };
    let plain = TsSpec::new_year(2025);
    let simpler = [
        TsSpec {
            digits: 0,
            fraction: 0,
            ..t.clone()
        },
        TsSpec {
            offset: None,
            ..t.clone()
        },
        TsSpec {
            year: plain.year,
            ..t.clone()
        },
        TsSpec {
            day: 1,
            ..t.clone()
        },
    ];
    simpler
        .into_iter()
        .filter(|s| *s != t)
        .map(rebuild)
        .collect()
}

/// Smaller variants of a spec for shrinking, valid variants first (so a finding ends up
/// carrying only what provokes it), then members, then extra defects, then long texts, then
/// plainer timestamps.
pub fn shrink_candidates(spec: &CaseSpec) -> Vec<CaseSpec> {
    let mut out: Vec<CaseSpec> = variants(spec)
        .into_iter()
        .filter(|v| v.without.members.len() == spec.members.len())
        .map(|v| v.without)
        .collect();
    if spec.members.len() > 1 {
        out.push(CaseSpec {
            members: vec![],
            ..spec.clone()
        });
    }
    for i in 0..spec.members.len() {
        let mut c = spec.clone();
        c.members.remove(i);
        out.push(c);
    }
    if spec.defects.len() > 1 {
        for i in 0..spec.defects.len() {
            let mut c = spec.clone();
            c.defects.remove(i);
            out.push(c);
        }
    }
    for (i, m) in spec.members.iter().enumerate() {
        if let MemberSpec::FailureReason(Some(t)) = m {
            if t.text.len() > 1 || t.repeat == 255 || t.escape_all {
                let mut c = spec.clone();
                c.members[i] = MemberSpec::FailureReason(Some(crate::generate::TextSpec {
                    text: "x".into(),
                    escape_all: false,
                    repeat: 0,
                }));
                out.push(c);
            }
        }
    }
    for (i, m) in spec.members.iter().enumerate() {
        for plainer in plainer_timestamps(m) {
            let mut c = spec.clone();
            c.members[i] = plainer;
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{MemberSpec, TsSpec};

    #[test]
    fn variant_clauses_are_contract_clauses() {
        // every clause a variant or member names is one the contract has (not a fallback)
        let names = [
            "H4.b", "H2.d", "R2.c", "R3.b", "H4.a", "H5.a", "R3.c", "R4.a", "R4.c", "B1.d", "H6.a",
            "H3.a", "H3.b", "H2.b", "T1.f", "B1.e", "H2.c",
        ];
        for n in names {
            assert!(ClauseId::parse(n).is_some(), "{n}");
        }
        let members = [
            MemberSpec::Created(TsSpec::new_year(2025)),
            MemberSpec::Status(ProcessingStatus::InProgress),
            MemberSpec::Status(ProcessingStatus::UnknownFutureValue),
            MemberSpec::Started(None),
            MemberSpec::Completed(None),
            MemberSpec::FailureReason(None),
            MemberSpec::Annotation(0),
            MemberSpec::IdEqual,
        ];
        for m in members {
            assert!(
                ClauseId::parse(m.clause()).is_some(),
                "{m:?}: {}",
                m.clause()
            );
        }
    }

    /// Wrong cause on a real server (go-http and express under strict): a path spelling the
    /// profile normalises away was blamed as R4.a, because the spec without the "segment case"
    /// variant built parenthesised keys the original had lost with it (the whole style was
    /// reset), so the A/B compared two different paths.
    #[test]
    fn r4_a_a_variant_the_profile_normalises_away_builds_the_same_request() {
        use crate::contract::path::{NameCase, PathStyle};
        use crate::contract::profile::Profile;
        use crate::model::fixture::Fixture;
        use crate::model::store::{Store, Tokens};
        for profile in [Profile::strict(), Profile::graph()] {
            let store = Store::new(&Fixture::generate(2, &profile), Tokens::new("w", Some("r")));
            for case in [NameCase::Lower, NameCase::Upper, NameCase::FirstFlipped] {
                for paren in [0b1, 0b1111, 251] {
                    let spec = CaseSpec {
                        style: PathStyle {
                            paren,
                            case,
                            trailing_slash: false,
                            encode: false,
                            encode_names: false,
                        },
                        alias: Some(3),
                        ..CaseSpec::default()
                    };
                    let built = spec.build(&store, &profile);
                    for v in variants(&spec) {
                        let without = v.without.build(&store, &profile);
                        let normalised = match v.clause {
                            ClauseId::R4a => {
                                !spec.style.allowed_by(&profile)
                                    && spec.style.within(&profile).case == NameCase::Canonical
                            }
                            ClauseId::R3b => {
                                profile.paren_keys != crate::contract::profile::ParenKeys::Accept
                            }
                            _ => false,
                        };
                        if normalised {
                            assert_eq!(
                                without.request, built.request,
                                "{}: without {} ({case:?}, paren {paren})",
                                profile.name, v.name
                            );
                        }
                    }
                }
            }
        }
    }
}
