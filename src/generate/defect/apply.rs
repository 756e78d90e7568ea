//! How each defect kind edits a valid request ([`Defect::apply`]).

use super::draft::*;
use super::*;
use crate::contract::path::{NameCase, Route};
use crate::contract::profile::Profile;
use crate::contract::spec::ProcessingStatus;
use crate::model::store::Store;

impl Defect {
    /// Edits `d` to carry this defect. Returns false when it cannot be applied (the store lacks
    /// what it needs, e.g. a read-only token); `d` is then unchanged.
    pub fn apply(self, d: &mut Draft, store: &Store, profile: &Profile) -> bool {
        use Defect::*;
        match self {
            NoAuthorization => d.authorization = None,
            // H2.b: another scheme with a known token
            NotBearer => {
                d.authorization = Some(match store.tokens().write.first() {
                    Some(t) => format!("Token {t}"),
                    None => "Basic dXNlcjpwYXNzd29yZA==".into(),
                })
            }
            EmptyToken => d.authorization = Some("Bearer ".into()),
            // H2.c: tokens compare exactly: a known token in another letter case is unknown
            UnknownToken => {
                let swapped = store
                    .tokens()
                    .write
                    .first()
                    .map(|t| crate::contract::spec::swap_case(t));
                d.authorization = Some(match swapped {
                    Some(t)
                        if !store.tokens().write.contains(&t)
                            && !store.tokens().read_only.contains(&t) =>
                    {
                        format!("Bearer {t}")
                    }
                    _ => "Bearer not-a-known-token".into(),
                })
            }
            ReadOnlyToken => match store.tokens().read_only.first() {
                Some(t) => d.authorization = Some(format!("Bearer {t}")),
                None => return false,
            },
            DuplicateAuthorization(order) => {
                let right = d.authorization.clone().unwrap_or_else(|| {
                    format!(
                        "Bearer {}",
                        store.tokens().write.first().cloned().unwrap_or_default()
                    )
                });
                d.authorization = Some(right);
                d.authorization_second = Some((
                    "Bearer not-a-known-token".into(),
                    order == HeaderOrder::RightLast,
                ));
            }
            NoContentType => d.content_type = None,
            DuplicateContentType(order) => {
                if d.content_type.is_none() {
                    d.content_type = Some("application/json".into());
                }
                d.content_type_second = Some(("text/plain".into(), order == HeaderOrder::RightLast));
            }
            MediaType(m) => {
                d.content_type = Some(
                    match m {
                        MediaTypeFlaw::TextPlain => "text/plain",
                        MediaTypeFlaw::MergePatch => "application/merge-patch+json",
                        MediaTypeFlaw::FormUrlEncoded => "application/x-www-form-urlencoded",
                        MediaTypeFlaw::JsonX => "application/jsonx",
                        MediaTypeFlaw::CharsetUtf16 => "application/json; charset=utf-16",
                        MediaTypeFlaw::CharsetLatin1 => "application/json; charset=iso-8859-1",
                    }
                    .into(),
                )
            }
            Oversize => d.pad_to = Some(profile.max_body_bytes + 1),
            OversizeAfterValue => {
                d.pad_to = Some(profile.max_body_bytes + 1);
                d.pad_after = true;
            }
            GzipTrailingZeros => {
                d.content_encoding = Some("gzip".into());
                d.coding = BodyCoding::GzipThenZeros;
            }
            TwoTrailingSlashes => d.path_edit = Some(PathEdit::TwoTrailingSlashes),
            EncodedSlashInId => {
                // decoded once, `%2F` is a `/` inside the id (the route writes ids encoded)
                let id = &mut d.route.result;
                let mid = id.len() / 2;
                if id.is_empty() || !id.is_char_boundary(mid) {
                    return false;
                }
                id.insert(mid, '/');
            }
            UnsupportedEncoding => {
                d.content_encoding = Some("br".into());
                d.coding = BodyCoding::Plain;
            }
            CorruptGzip => {
                d.content_encoding = Some("gzip".into());
                d.coding = BodyCoding::Plain;
            }
            GzipTrailingBytes => {
                d.content_encoding = Some("gzip".into());
                d.coding = BodyCoding::GzipThenLineBreak;
            }
            GzipBomb => {
                d.content_encoding = Some("gzip".into());
                d.coding = BodyCoding::Bomb(profile.max_body_bytes + 1);
            }
            CodingListWithGzip(list) => {
                d.content_encoding = Some(
                    match list {
                        CodingList::GzipThenBr => "gzip, br",
                        CodingList::IdentityThenGzip => "identity, gzip",
                    }
                    .into(),
                );
                d.coding = BodyCoding::Gzip;
            }
            GzipMembersThenGarbage => {
                d.content_encoding = Some("gzip".into());
                d.coding = BodyCoding::GzipMembersThenGarbage;
            }
            GzipHugeBomb => {
                d.content_encoding = Some("gzip".into());
                d.coding = BodyCoding::HugeBomb;
            }
            ProbeMethod(m) => {
                d.method = m.as_str().into();
                d.whole_body = Some(Vec::new());
            }
            MethodOverride => {
                d.method = "POST".into();
                d.extra_headers
                    .push(("X-HTTP-Method-Override".into(), "PATCH".into()));
            }
            Method(m) => {
                d.method = match m {
                    OtherMethod::Put => "PUT",
                    OtherMethod::Post => "POST",
                    OtherMethod::Delete => "DELETE",
                    OtherMethod::LowerCasePatch => "patch",
                }
                .into()
            }
            UnknownSegment => d.path_edit = Some(PathEdit::UnknownSegment),
            MissingSegment => d.path_edit = Some(PathEdit::MissingSegment),
            MissingKey => d.path_edit = Some(PathEdit::MissingKey),
            ExtraSegment => d.path_edit = Some(PathEdit::ExtraSegment),
            EmptyKey => {
                d.style.paren &= !0b10;
                d.route.run = String::new();
            }
            BadPercentEscape => {
                d.style.paren &= !0b10;
                d.route.run = MARK.into();
                d.path_edit = Some(PathEdit::BadPercent);
            }
            UnquotedParenKey => {
                d.style.paren |= 0b1;
                d.route.workflow = MARK.into();
                d.path_edit = Some(PathEdit::Unquote);
            }
            ParenKeyRejected => d.style.paren |= 0b1,
            SegmentCaseRejected => d.style.case = NameCase::Upper,
            UnknownId(level) => {
                let r = &mut d.route;
                let slot = match level {
                    Level::Workflow => &mut r.workflow,
                    Level::Run => &mut r.run,
                    Level::UserResult => &mut r.user_result,
                    Level::Result => &mut r.result,
                };
                *slot = format!("unknown-{}", slot.len());
            }
            IdCase => {
                let upper = d.route.result.to_uppercase();
                if upper == d.route.result || store.get(&upper).is_some() {
                    return false;
                }
                d.route.result = upper;
            }
            WrongParentChain => {
                let Some(other) = store
                    .entities()
                    .map(|(_, e)| &e.location)
                    .find(|l| l.user_result != d.route.user_result)
                else {
                    return false;
                };
                d.route.run = other.run.clone();
                d.route.user_result = other.user_result.clone();
            }
            ViaTaskOtherTask => {
                let Some(t0) = store
                    .resolve(&Route {
                        via_task: None,
                        ..d.route.clone()
                    })
                    .and_then(|t| store.get(t))
                else {
                    return false;
                };
                let loc = t0.location.clone();
                let Some((other, _)) = store.entities().find(|(_, e)| {
                    e.location.workflow != loc.workflow || e.location.task != loc.task
                }) else {
                    return false;
                };
                d.route.via_task = Some(other.clone());
            }
            EmptyBody => d.whole_body = Some(Vec::new()),
            Truncated => {} // rendered from the members at the end (see `finish_body`)
            TrailingBytes => {}
            InvalidUtf8 => {
                d.whole_body = Some(b"{\"failureReason\":\"caf\xe9 \xff\xfe\"}".to_vec())
            }
            LoneSurrogate => d.whole_body = Some(br#"{"failureReason":"\ud800 alone"}"#.to_vec()),
            JsonExtension(x) => d.whole_body = Some(x.body().to_vec()),
            Utf8Form(f) => {
                d.whole_body = Some(
                    match f {
                        // U+1F600 as two surrogates, each encoded as if a character
                        Utf8Flaw::Cesu8Surrogates => {
                            &b"{\"failureReason\":\"smile \xed\xa0\xbd\xed\xb8\x80\"}"[..]
                        }
                        // `/` in two bytes, then in three
                        Utf8Flaw::Overlong => b"{\"failureReason\":\"a\xc0\xafb\xe0\x80\xaf\"}",
                    }
                    .to_vec(),
                )
            }
            DeepNesting => {
                let depth = 1000;
                let mut b = b"{\"failureReason\":".to_vec();
                b.extend(std::iter::repeat_n(b'[', depth));
                b.extend(std::iter::repeat_n(b']', depth));
                b.push(b'}');
                d.whole_body = Some(b);
            }
            NotObject(k) => {
                d.whole_body = Some(
                    match k {
                        self::NotObject::Array => &b"[{\"failureReason\":\"x\"}]"[..],
                        self::NotObject::String => b"\"failureReason\"",
                        self::NotObject::Number => b"42",
                        self::NotObject::Null => b"null",
                        self::NotObject::Boolean => b"true",
                    }
                    .to_vec(),
                )
            }
            DuplicateMember => {
                d.members.retain(|(n, _)| n != "failureReason");
                d.members.push(("failureReason".into(), json_str("first")));
                d.members.push(("failureReason".into(), json_str("second")));
            }
            NullRequired(r) => set_member(d, r.property().name(), Raw::Json("null".into())),
            MissingRequired(r) => d.members.retain(|(n, _)| n != r.property().name()),
            WrongType(p, k) => set_member(
                d,
                p.name(),
                Raw::Json(
                    match k {
                        WrongKind::Number => "2",
                        WrongKind::Boolean => "true",
                        WrongKind::Array => "[\"queued\"]",
                        WrongKind::Object => "{\"value\":\"2026-01-05T08:00:00Z\"}",
                    }
                    .into(),
                ),
            ),
            EnumCase => set_member(d, "processingStatus", json_str("Completed")),
            EnumWhitespace => set_member(d, "processingStatus", json_str(" completed")),
            EnumNumeric => set_member(d, "processingStatus", json_str("2")),
            EnumUnknown => set_member(d, "processingStatus", json_str("paused")),
            SentinelRejected => set_member(d, "processingStatus", json_str("unknownFutureValue")),
            AfterSentinelWithoutPrefer => {
                let Some(m) = profile.members_after_sentinel.first() else {
                    return false;
                };
                set_member(d, "processingStatus", json_str(m.as_str()));
                d.prefer = false;
            }
            AfterSentinelUnknown => {
                let Some(m) = ProcessingStatus::ALL
                    .into_iter()
                    .find(|m| m.is_after_sentinel() && !profile.has_member(*m))
                else {
                    return false;
                };
                set_member(d, "processingStatus", json_str(m.as_str()));
                d.prefer = true;
            }
            Timestamp(p, f) => set_member(d, p.property().name(), json_str(f.spelling())),
            TimestampOtherPattern(p, k) => set_member(d, p.property().name(), json_str(k.spelling())),
            TimestampLeapSecond(p) => {
                set_member(d, p.property().name(), json_str("2016-12-31T23:59:60Z"))
            }
            TimestampBasicOffset(p) => set_member(
                d,
                p.property().name(),
                json_str("2024-01-01T12:00:00+0100"),
            ),
            IdMismatch => set_member(d, "id", json_str("another-id")),
            IdNotString => set_member(d, "id", Raw::Json("1".into())),
            IdRejected => set_member(d, "id", Raw::AddressedId),
            NotUpdatable(n) => {
                let (name, v) = match n {
                    self::NotUpdatable::ProcessingInfo => ("processingInfo", "\"info\""),
                    self::NotUpdatable::WorkflowSubject => ("workflowSubject", "{\"id\":\"s\"}"),
                    self::NotUpdatable::Subject => ("subject", "{\"id\":\"s\"}"),
                    self::NotUpdatable::Task => ("task", "{\"id\":\"k\"}"),
                };
                set_member(d, name, Raw::Json(v.into()));
            }
            UnknownProperty => set_member(d, "extraProperty", Raw::Json("1".into())),
            PropertyNameCase => {
                d.members.retain(|(n, _)| n != "failureReason");
                set_member(d, "FailureReason", json_str("x"));
            }
            OdataTypeWrong => set_member(
                d,
                "@odata.type",
                json_str("#microsoft.graph.identityGovernance.task"),
            ),
            OdataTypeNotString => set_member(d, "@odata.type", Raw::Json("true".into())),
            OdataTypeValue(v) => set_member(
                d,
                "@odata.type",
                Raw::Json(
                    match v {
                        self::OdataTypeValue::Null => "null",
                        self::OdataTypeValue::Number => "1",
                        self::OdataTypeValue::Object => {
                            "{\"name\":\"#microsoft.graph.identityGovernance.taskProcessingResult\"}"
                        }
                    }
                    .into(),
                ),
            ),
            // the property under its own name stays: only the other spelling is unknown
            PropertyNameCaseOf(p) => {
                let (name, value) = property_in_another_case(p);
                set_member(d, name, Raw::Json(value.into()));
            }
        }
        true
    }
}
