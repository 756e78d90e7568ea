//! A hostile implementation for measuring `check`'s bounds (scripts/check-hostile.sh): answers
//! GETs from the model (so the preflight passes), and misbehaves on every other request.
//!
//! `cargo run --release --example hostile_server -- MODE PORT` with MODE one of
//! endless-chunked, trickle, slow-headers, close-mid-body, garbage, reset, late.

#![allow(clippy::print_stdout, clippy::print_stderr)]

#[path = "../tests/support/server.rs"]
#[allow(dead_code)]
mod server;

use server::Act;
use std::sync::Arc;
use std::time::Duration;
use tpr_harness::contract::profile::Profile;
use tpr_harness::model::fixture::{DEFAULT_WORKFLOWS, Fixture};
use tpr_harness::model::store::{Store, Tokens};
use tpr_harness::sut::Response;
use tpr_harness::sut::model::ModelTarget;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(mode), Some(port)) = (
        args.get(1).cloned(),
        args.get(2).and_then(|p| p.parse().ok()),
    ) else {
        eprintln!("usage: hostile_server MODE PORT");
        std::process::exit(2);
    };
    let profile = Profile::graph();
    let store = Store::new(
        &Fixture::generate_with(1, &profile, DEFAULT_WORKFLOWS),
        Tokens::new("t", None),
    );
    let model = Arc::new(ModelTarget::new(store, profile));
    let act = move || match mode.as_str() {
        "endless-chunked" => Act::EndlessChunked,
        "trickle" => Act::Trickle,
        "slow-headers" => Act::SlowHeaders,
        "close-mid-body" => Act::CloseMidBody,
        "garbage" => Act::Raw(b"\x00\x01 not HTTP\r\n\r\n".to_vec()),
        "reset" => Act::Reset,
        _ => Act::Late(
            Duration::from_secs(30),
            Response::new(200, vec![], b"{}".to_vec()),
        ),
    };
    let srv = server::serve(port, None, move |req| {
        if req.method == "GET" {
            Act::Answer(server::from_target(&*model, req))
        } else {
            act()
        }
    });
    println!("hostile server on port {}", srv.port);
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}
