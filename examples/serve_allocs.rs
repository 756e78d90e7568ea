//! What `serve` does for one valid PATCH outside hyper, measured without a socket: heap
//! allocations (counted by `allocation-counter`) and time per request, for the request built
//! from its parts, the model's `apply`, the rendering of its answer, and the responder's whole
//! `answer` (issue 13: allocation was the largest share of `serve`'s own time). The request is
//! the one `scripts/bench.sh` sends with wrk.
//!
//! `cargo run --release --example serve_allocs [ROUNDS]`
// a measuring tool: it prints
#![allow(clippy::print_stdout)]

use std::time::Instant;
use tpr_harness::contract::profile::Profile;
use tpr_harness::contract::spec::Request;
use tpr_harness::endpoint::{Responder, VERSION_ROOT};
use tpr_harness::model::fixture::Fixture;
use tpr_harness::model::store::{Store, Tokens};
use tpr_harness::sut::block_on;
use tpr_harness::sut::model::ModelTarget;

fn main() {
    let rounds: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200_000);
    let profile = Profile::graph();
    let store = Store::new(&Fixture::generate(16, &profile), Tokens::new("t", None));
    let Some(route) = store
        .entities()
        .next()
        .and_then(|(id, _)| store.direct_route(id))
    else {
        println!("the generated fixture holds no result");
        return;
    };
    let below_root = route.to_path(&Default::default());
    // what serve_one builds from hyper's parts for wrk's request
    let request = |path: &str| Request {
        method: "PATCH".to_string(),
        path: path.to_string(),
        headers: vec![
            ("host".into(), "127.0.0.1:18471".into()),
            ("content-length".into(), "51".into()),
            ("content-type".into(), "application/json".into()),
            ("authorization".into(), "Bearer t".into()),
        ],
        body: br#"{"processingStatus":"failed","failureReason":"wrk"}"#.to_vec(),
    };
    let raw = format!("{VERSION_ROOT}{below_root}");

    let mut model_store = store.clone();
    let req = request(&below_root);
    let mut outcome = None;
    let applied = allocation_counter::measure(|| {
        outcome = Some(tpr_harness::model::apply(&mut model_store, &req, &profile));
    });
    let Some(outcome) = outcome else { return };
    let target = ModelTarget::new(store.clone(), profile.clone());
    let rendered = allocation_counter::measure(|| {
        std::hint::black_box(target.render(&req, &outcome));
    });
    let built = allocation_counter::measure(|| {
        std::hint::black_box(request(&raw));
    });
    let responder = Responder::new(store, profile);
    let mut status = 0;
    let answered = allocation_counter::measure(|| {
        if let Some((resp, _)) = block_on(responder.answer(request(&raw))) {
            status = resp.status;
        }
    });
    println!(
        "status {status}; allocations per request: {} building the request, {} in apply, {} rendering, {} in the whole answer (request included)",
        built.count_total, applied.count_total, rendered.count_total, answered.count_total
    );

    let started = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(request(&raw));
    }
    let building = started.elapsed() / rounds;
    let started = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(block_on(responder.answer(request(&raw))));
    }
    println!(
        "time per request, one thread, {rounds} rounds: {:?} building the request, {:?} the whole answer",
        building,
        started.elapsed() / rounds
    );
}
