//! The floor for `serve`'s throughput (issue 13): a bare hyper server that does what any
//! server of this operation must do and nothing else. It accepts on the same runtime with the
//! same HTTP/1.1 settings as `serve` (keep-alive, half-close, header timeout, `TCP_NODELAY`),
//! reads the whole body under the same size limit, and answers a fixed 200 representation with
//! the headers `serve` sends. No routing, no model, no store.
//!
//! `scripts/bench.sh` runs wrk against it and against `serve` in the same run and prints the
//! ratio. Run by hand: `cargo run --release --example bare_server -- 18480`.

/// The same allocator as the `tpr-harness` binary, so the floor is measured alike.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use std::time::Duration;

const REPRESENTATION: &[u8] = br##"{"@odata.type":"#microsoft.graph.identityGovernance.taskProcessingResult","completedDateTime":null,"createdDateTime":"2024-01-01T12:00:00.0000000Z","failureReason":"wrk","id":"00000000-0000-0000-0000-000000000000","processingStatus":"failed","startedDateTime":null}"##;

async fn answer(
    req: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, std::convert::Infallible> {
    let limit = 4 * 1024 * 1024 + 1;
    let read = Limited::new(req.into_body(), limit).collect().await;
    let status = if read.is_ok() { 200 } else { 413 };
    Ok(hyper::Response::builder()
        .status(status)
        .header(
            "Content-Type",
            "application/json; odata.metadata=minimal; charset=utf-8",
        )
        .header("request-id", "00000000-0000-0000-0000-000000000000")
        .body(Full::new(Bytes::from_static(REPRESENTATION)))
        .unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new()))))
}

fn main() -> std::io::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(18480);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async move {
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
            #[allow(clippy::print_stdout)]
            {
                println!("bare hyper server at http://127.0.0.1:{port}/");
            }
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                tokio::spawn(async move {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .keep_alive(true)
                        .half_close(true)
                        .timer(hyper_util::rt::TokioTimer::new())
                        .header_read_timeout(Duration::from_secs(10))
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service_fn(answer))
                        .await;
                });
            }
        })
}
