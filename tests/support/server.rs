//! A tiny HTTP/1.1 server for tests whose behaviour a closure decides per request: answer from
//! a [`Target`] (the model), or misbehave (endless body, trickle, garbage, reset, crash). Plain
//! threads and sockets, so it can fail in ways a real HTTP library would not allow.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tpr_harness::contract::spec::Request;
use tpr_harness::sut::{Response, Target};

/// What to do with one request.
pub enum Act {
    /// Send this response.
    Answer(Response),
    /// Write these bytes raw, then close.
    Raw(Vec<u8>),
    /// A chunked body that never ends (until the client goes away).
    EndlessChunked,
    /// Announce `Content-Length: 1 GB` and send a byte every 50 ms.
    Trickle,
    /// Send the status line a byte a second.
    SlowHeaders,
    /// Headers and half the body, then close.
    CloseMidBody,
    /// Close without a word (connection reset).
    Reset,
    /// Answer after `Duration`.
    Late(Duration, Response),
    /// Send this response with `Transfer-Encoding: chunked` (chunks of at most 7 bytes, an
    /// empty body as the final chunk alone) and `Connection: close`, then close.
    ChunkedThenClose(Response),
    /// Stop listening: the process "crashed" (the supervisor may restart it).
    Crash,
}

/// A running test server.
pub struct Server {
    pub port: u16,
    pub down: Arc<AtomicBool>,
}

impl Server {
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/beta", self.port)
    }
}

/// Answers `req` from `target` (path below `/beta`).
pub fn from_target(target: &dyn Target, req: &Request) -> Response {
    tpr_harness::sut::block_on(target.send(req))
        .and_then(Result::ok)
        .unwrap_or_else(|| Response::new(500, vec![], vec![]))
}

fn read_request(r: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut line = String::new();
    if r.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.trim_end().splitn(3, ' ');
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = Vec::new();
    let mut len = 0usize;
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        if k.eq_ignore_ascii_case("content-length") {
            len = v.trim().parse().ok()?;
        }
        headers.push((k.to_string(), v.trim().to_string()));
    }
    let chunked = tpr_harness::contract::spec::Framing::of_headers(
        headers
            .iter()
            .map(|(k, v): &(String, String)| (k.as_str(), v.as_str())),
    ) == tpr_harness::contract::spec::Framing::Chunked;
    let body = if chunked {
        read_chunked(r, 8 << 20)?
    } else {
        let mut body = vec![0u8; len.min(8 << 20)];
        r.read_exact(&mut body).ok()?;
        body
    };
    let path = target.strip_prefix("/beta").unwrap_or(&target).to_string();
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

/// A chunked body (RFC 9112 §7.1): size lines in hex (extensions ignored), the data, CRLF; the
/// last chunk is empty, then trailers up to an empty line. At most `cap` bytes are kept.
fn read_chunked(r: &mut BufReader<TcpStream>, cap: usize) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut line = String::new();
        r.read_line(&mut line).ok()?;
        let size = line.trim_end().split(';').next()?.trim();
        let n = usize::from_str_radix(size, 16).ok()?;
        if n == 0 {
            loop {
                let mut t = String::new();
                if r.read_line(&mut t).ok()? == 0 || t.trim_end().is_empty() {
                    return Some(body);
                }
            }
        }
        let mut chunk = vec![0u8; n];
        r.read_exact(&mut chunk).ok()?;
        if body.len() + n <= cap {
            body.extend_from_slice(&chunk);
        }
        let mut crlf = [0u8; 2];
        r.read_exact(&mut crlf).ok()?;
    }
}

fn write_response(s: &mut TcpStream, resp: &Response) -> std::io::Result<()> {
    let mut out = format!(
        "HTTP/1.1 {} X\r\nContent-Length: {}\r\n",
        resp.status,
        resp.body.len()
    );
    for (k, v) in &resp.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&resp.body);
    s.write_all(&bytes)
}

/// Every connection open on a test server, by port (a crash closes them all).
static OPEN: std::sync::Mutex<Vec<(u16, TcpStream)>> = std::sync::Mutex::new(Vec::new());

/// Serves on a free port (or `port`), deciding each request with `decide`. After `Act::Crash`
/// the listener closes; `restart_after` (if any) reopens it on the same port.
pub fn serve(
    port: u16,
    restart_after: Option<Duration>,
    decide: impl Fn(&Request) -> Act + Send + Sync + 'static,
) -> Server {
    let decide = Arc::new(decide);
    let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let down = Arc::new(AtomicBool::new(false));
    let d = down.clone();
    std::thread::spawn(move || run(listener, port, restart_after, decide, d));
    Server { port, down }
}

fn run(
    listener: TcpListener,
    port: u16,
    restart_after: Option<Duration>,
    decide: Arc<dyn Fn(&Request) -> Act + Send + Sync>,
    down: Arc<AtomicBool>,
) {
    listener.set_nonblocking(true).unwrap();
    loop {
        if down.load(Ordering::SeqCst) {
            drop(listener);
            let Some(wait) = restart_after else { return };
            std::thread::sleep(wait);
            let Ok(l) = TcpListener::bind(("127.0.0.1", port)) else {
                return;
            };
            down.store(false, Ordering::SeqCst);
            return run(l, port, restart_after, decide, down);
        }
        match listener.accept() {
            Ok((s, _)) => {
                let decide = decide.clone();
                let down = down.clone();
                if let (Ok(c), Ok(mut open)) = (s.try_clone(), OPEN.lock()) {
                    open.push((port, c));
                }
                std::thread::spawn(move || connection(s, decide, down));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(2)),
        }
    }
}

fn connection(
    s: TcpStream,
    decide: Arc<dyn Fn(&Request) -> Act + Send + Sync>,
    down: Arc<AtomicBool>,
) {
    let _ = s.set_nonblocking(false);
    let _ = s.set_nodelay(true);
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let mut w = s.try_clone().unwrap();
    let mut r = BufReader::new(s);
    while let Some(req) = read_request(&mut r) {
        if down.load(Ordering::SeqCst) {
            return;
        }
        let ok = match decide(&req) {
            Act::Answer(resp) => write_response(&mut w, &resp).is_ok(),
            Act::Late(d, resp) => {
                std::thread::sleep(d);
                // a crash meanwhile takes this request down with it: no answer
                !down.load(Ordering::SeqCst) && write_response(&mut w, &resp).is_ok()
            }
            Act::Raw(b) => {
                let _ = w.write_all(&b);
                false
            }
            Act::ChunkedThenClose(resp) => {
                let mut out = format!(
                    "HTTP/1.1 {} X\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n",
                    resp.status
                );
                for (k, v) in &resp.headers {
                    out.push_str(&format!("{k}: {v}\r\n"));
                }
                out.push_str("\r\n");
                let mut bytes = out.into_bytes();
                for chunk in resp.body.chunks(7) {
                    bytes.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                    bytes.extend_from_slice(chunk);
                    bytes.extend_from_slice(b"\r\n");
                }
                bytes.extend_from_slice(b"0\r\n\r\n");
                let _ = w.write_all(&bytes);
                false
            }
            Act::EndlessChunked => {
                let _ = w.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
                let chunk = format!("{:x}\r\n{}\r\n", 16 * 1024, "x".repeat(16 * 1024));
                while w.write_all(chunk.as_bytes()).is_ok() {}
                false
            }
            Act::Trickle => {
                let _ = w.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n");
                while w.write_all(b"x").is_ok() {
                    std::thread::sleep(Duration::from_millis(50));
                }
                false
            }
            Act::SlowHeaders => {
                for b in b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}" {
                    if w.write_all(&[*b]).is_err() {
                        break;
                    }
                    std::thread::sleep(Duration::from_secs(1));
                }
                false
            }
            Act::CloseMidBody => {
                let _ = w.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"id\":");
                false
            }
            Act::Reset => false,
            Act::Crash => {
                down.store(true, Ordering::SeqCst);
                // a process that dies takes every connection with it, mid-request or idle
                let port = w.local_addr().map(|a| a.port()).unwrap_or_default();
                if let Ok(mut open) = OPEN.lock() {
                    open.retain(|(p, c)| {
                        if *p == port {
                            let _ = c.shutdown(std::net::Shutdown::Both);
                        }
                        *p != port
                    });
                }
                false
            }
        };
        if !ok {
            let _ = w.shutdown(std::net::Shutdown::Both);
            return;
        }
    }
}

/// A server that answers from the request's head alone when its `Content-Length` is over
/// `limit` (as Werkzeug does with `MAX_CONTENT_LENGTH`): it sends `early` with
/// `Connection: close` while the client is still uploading the body, then closes without
/// reading it (the kernel resets the connection: unread data). Other requests get `early`
/// after their body.
pub fn serve_early(limit: usize, early: Response) -> Server {
    let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in listener.incoming() {
            let Ok(s) = s else { return };
            let early = early.clone();
            std::thread::spawn(move || {
                let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
                let mut w = s.try_clone().unwrap();
                let mut r = BufReader::new(s);
                let mut len = 0usize;
                loop {
                    let mut h = String::new();
                    if r.read_line(&mut h).unwrap_or(0) == 0 {
                        return;
                    }
                    let h = h.trim_end();
                    if h.is_empty() {
                        break;
                    }
                    if let Some((k, v)) = h.split_once(':') {
                        if k.eq_ignore_ascii_case("content-length") {
                            len = v.trim().parse().unwrap_or(0);
                        }
                    }
                }
                let mut resp = early;
                resp.headers.push(("Connection".into(), "close".into()));
                if len <= limit {
                    let mut body = vec![0u8; len];
                    let _ = r.read_exact(&mut body);
                }
                let _ = write_response(&mut w, &resp);
                // dropped with the body unread: a reset follows the answer
            });
        }
    });
    Server {
        port,
        down: Arc::new(AtomicBool::new(false)),
    }
}
