//! [`Mutated`]: the model target decorated with mutants, as one [`Target`].

use super::super::model::ModelTarget;
use super::super::{BoxFuture, Response, Target, TransportError, yield_once};
use super::Mutant;
use crate::contract::json::{self, Json};
use crate::contract::profile::Profile;
use crate::contract::spec::{Framing, Request};
use crate::model::store::Store;
use crate::model::{self};

/// The model with bugs: a decorator around [`ModelTarget`].
#[derive(Debug)]
pub struct Mutated {
    model: std::sync::Arc<ModelTarget>,
    mutants: Vec<Mutant>,
}

impl Mutated {
    /// The model over `store` under `profile`, broken by every mutant in `mutants`.
    pub fn new(store: Store, profile: Profile, mutants: &[Mutant]) -> Mutated {
        Mutated::over(
            std::sync::Arc::new(ModelTarget::new(store, profile)),
            mutants,
        )
    }

    /// `model`, broken by every mutant in `mutants` (the model stays shared).
    pub fn over(model: std::sync::Arc<ModelTarget>, mutants: &[Mutant]) -> Mutated {
        Mutated {
            model,
            mutants: mutants.to_vec(),
        }
    }

    /// The active mutants.
    pub fn mutants(&self) -> &[Mutant] {
        &self.mutants
    }

    /// The model underneath (its store shows what the bugs did).
    pub fn model(&self) -> &ModelTarget {
        &self.model
    }

    fn has(&self, m: Mutant) -> bool {
        self.mutants.contains(&m)
    }

    async fn answer(&self, original: &Request) -> Response {
        // the reading of the contract the bugs give the server
        let mut served = self.model.profile().clone();
        for m in &self.mutants {
            m.reads_as(&mut served);
        }
        // H4.b: the limit checked on Content-Length only
        let chunked = Framing::of(original) == Framing::Chunked;
        if chunked && self.has(Mutant::ChunkedLimitUnchecked) {
            served.max_body_bytes = u64::MAX;
        }
        let profile = &served;
        let mut req = original.clone();
        // H4.b: a chunked body read as no body at all
        if chunked && self.has(Mutant::ChunkedBodyIgnored) {
            req.body.clear();
        }
        // how the server reads the coding, before it decodes (H6)
        for m in &self.mutants {
            m.before_decoding(&mut req, profile);
        }
        // the bugs live after the server decoded the body (H6), as in a real implementation
        if let Ok(std::borrow::Cow::Owned(decoded)) = model::decode_body(&req, profile) {
            req.body = decoded;
            req.headers
                .retain(|(k, _)| !k.eq_ignore_ascii_case("content-encoding"));
        }
        // and after it dropped a byte-order mark (B1.d: the model ignores one too)
        if let (rest, true) = json::strip_bom(&req.body) {
            req.body = rest.to_vec();
        }
        // only what the contract accepts is torn (a rejection stays whole), judged on the
        // request as this implementation reads it: with the other bugs' rewrites (a preference
        // they drop makes a member alone refused, and a torn write would then drop that member
        // from a 200 without a word, a bug no stack of real ones makes)
        let torn = if self.has(Mutant::TornWrites) && req.method == "PATCH" {
            let store = self.model.lock();
            let mut read = req.clone();
            for m in &self.mutants {
                m.rewrite(&mut read, &store, profile);
            }
            let mut probe = store.clone();
            drop(store);
            model::apply(&mut probe, &read, profile)
                .is_success()
                .then_some(read)
        } else {
            None
        };
        let out = if let Some(read) = torn {
            // member by member, each under the lock, other requests running in between; the
            // answer shows the entity after the last member (the other bugs act as usual)
            req = read;
            let members = match json::parse(json::strip_bom(&req.body).0) {
                Ok(Json::Object(m)) => m,
                _ => Vec::new(),
            };
            let mut last = None;
            for (n, v) in members {
                let one = Request {
                    body: Json::Object(vec![(n, v)]).to_text().into_bytes(),
                    ..req.clone()
                };
                let out = {
                    let mut store = self.model.lock();
                    let before = store.clone();
                    let out = model::apply(&mut store, &one, profile);
                    for m in &self.mutants {
                        m.after(&one, &before, &out, &mut store, profile);
                    }
                    out
                };
                last = Some(out);
                yield_once().await;
            }
            match last {
                // the answer shows the entity as it is stored after the last member, as a server
                // writing member by member reads it back (the other bugs' changes to what is
                // stored, coarser timestamps say, included alike in every member)
                Some(mut out) => {
                    let stored = out
                        .updated
                        .as_ref()
                        .and_then(|id| self.model.lock().get(id).map(|e| e.value.clone()));
                    if let Some(v) = stored {
                        for a in &mut out.answers {
                            if let Some(r) = &mut a.body {
                                r.value = v.clone();
                            }
                        }
                    }
                    out
                }
                None => model::apply(&mut self.model.lock(), &req, profile),
            }
        } else if self.has(Mutant::LostUpdates) && req.method == "PATCH" {
            // read, let other requests run, write the whole entity back: loses their updates
            let mut private = self.model.snapshot();
            for m in &self.mutants {
                m.rewrite(&mut req, &private, profile);
            }
            yield_once().await;
            let before = private.clone();
            let out = model::apply(&mut private, &req, profile);
            for m in &self.mutants {
                m.after(&req, &before, &out, &mut private, profile);
            }
            // write back every entity this request changed (the other bugs' writes included)
            let mut shared = self.model.lock();
            for (id, e) in private.entities() {
                if before.get(id).is_none_or(|b| b.value != e.value) {
                    shared.set_value(id, e.value.clone());
                }
            }
            out
        } else {
            let mut store = self.model.lock();
            for m in &self.mutants {
                m.rewrite(&mut req, &store, profile);
            }
            let before = store.clone();
            let mut out = model::apply(&mut store, &req, profile);
            for m in &self.mutants {
                m.after(&req, &before, &out, &mut store, profile);
            }
            // the answer shows the entity as it was before this request
            if let (true, Some(id)) = (self.has(Mutant::StaleRepresentation), &out.updated) {
                if let Some(old) = before.get(id) {
                    for a in &mut out.answers {
                        if let Some(r) = &mut a.body {
                            r.value = old.value.clone();
                        }
                    }
                }
            }
            out
        };
        let mut resp = self.model.render(&req, &out);
        for m in &self.mutants {
            m.reply(
                &mut resp.status,
                &mut resp.headers,
                &mut resp.body,
                &req,
                profile,
            );
        }
        resp
    }
}

impl Target for Mutated {
    fn send<'a>(&'a self, req: &'a Request) -> BoxFuture<'a, Result<Response, TransportError>> {
        Box::pin(async move { Ok(self.answer(req).await) })
    }
    fn describe(&self) -> String {
        format!("in-process model with mutants {:?}", self.mutants)
    }
}
