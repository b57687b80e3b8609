//! Serve: HTTP/1.1 connections, one thread each.
//!
//! Requests are parsed with `httparse` (the parser under hyper); each
//! connection has a thread of its own that answers its requests in turn
//! (keep-alive) and closes after 30 idle seconds. Only `GET` and `HEAD`
//! carry meaning here, so a request with a body is answered and its
//! connection closed instead of reading the body.
//!
//! Why not a ready-made server: duben first used `tiny_http`, whose pool
//! hands each new connection to an idle thread and loses the hand-over when
//! more connections arrive than idle threads wake up in time. A page that
//! opened more parallel connections than that (a browser opens up to six)
//! waited forever for some of its files: twelve simultaneous keep-alive
//! connections got four answers. A thread per connection has no queue to
//! lose; a local preview server never has enough connections for threads
//! to cost anything, and past [`MAX_CONNECTIONS`] new ones are refused.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::http::{self, Answer, Reply, Shared};

/// A connection with no request for this long is closed.
const IDLE: Duration = Duration::from_secs(30);
/// A request's line and headers may not be longer than this.
const MAX_HEAD: usize = 32 * 1024;
const MAX_HEADERS: usize = 64;
/// Open connections at most; more are answered 503 and closed.
pub const MAX_CONNECTIONS: usize = 1024;

/// Accepts connections on `listener` forever, each on a thread of its own.
pub fn accept(listener: TcpListener, shared: Arc<Shared>) {
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else {
            // Out of file descriptors, say: wait for connections to close
            // rather than spin.
            std::thread::sleep(Duration::from_millis(50));
            continue;
        };
        if open.fetch_add(1, Ordering::AcqRel) >= MAX_CONNECTIONS {
            open.fetch_sub(1, Ordering::AcqRel);
            let _ = write_reply(&mut stream, &http::busy(), false, false);
            continue;
        }
        let (shared, done) = (shared.clone(), open.clone());
        let spawned = std::thread::Builder::new()
            .name("duben-http".into())
            .spawn(move || {
                serve_connection(stream, &shared);
                done.fetch_sub(1, Ordering::AcqRel);
            });
        if spawned.is_err() {
            open.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

/// One request: its method, target (path and query) and whether the
/// connection stays open after the reply.
#[derive(Debug, PartialEq)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub keep_alive: bool,
}

/// What was read from a connection.
#[derive(Debug, PartialEq)]
enum Read {
    Request(Request),
    /// Not a request this server can read (the reply's status).
    Bad(u16),
    /// The client closed the connection, or it stayed idle too long.
    Closed,
}

fn serve_connection(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(IDLE));
    let _ = stream.set_nodelay(true);
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut out = stream;
    loop {
        let request = match read_request(&mut reader) {
            Read::Request(r) => r,
            Read::Bad(status) => {
                let _ = write_reply(&mut out, &http::bad_request(status), false, false);
                return;
            }
            Read::Closed => return,
        };
        let head_only = request.method == "HEAD";
        match http::answer(&request.method, &request.target, shared) {
            Answer::Reply(reply) => {
                if write_reply(&mut out, &reply, head_only, request.keep_alive).is_err()
                    || !request.keep_alive
                {
                    return;
                }
            }
            Answer::Stream => {
                shared.hub.stream(out);
                return;
            }
        }
    }
}

/// Reads one request's line and headers.
fn read_request(reader: &mut impl BufRead) -> Read {
    let mut head: Vec<u8> = Vec::new();
    loop {
        let available = match reader.fill_buf() {
            Ok([]) | Err(_) => return Read::Closed,
            Ok(bytes) => bytes,
        };
        // The end of the head may straddle two reads: look from just
        // before where this read starts.
        let from = head.len().saturating_sub(3);
        head.extend_from_slice(available);
        let used = available.len();
        match find(&head[from..], b"\r\n\r\n") {
            Some(at) => {
                let end = from + at + 4;
                reader.consume(used - (head.len() - end));
                head.truncate(end);
                return parse(&head);
            }
            None if head.len() > MAX_HEAD => return Read::Bad(431),
            None => reader.consume(used),
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn parse(head: &[u8]) -> Read {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        Err(httparse::Error::TooManyHeaders) => return Read::Bad(431),
        _ => return Read::Bad(400),
    }
    let (Some(method), Some(target), Some(version)) =
        (request.method, request.path, request.version)
    else {
        return Read::Bad(400);
    };
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).to_ascii_lowercase())
    };
    let connection = header("connection").unwrap_or_default();
    let mut keep_alive = match version {
        1 => !connection.contains("close"),
        _ => connection.contains("keep-alive"),
    };
    // A body is never read: the connection is not reused after it.
    let has_body = header("content-length").is_some_and(|l| l.trim() != "0")
        || header("transfer-encoding").is_some();
    if has_body {
        keep_alive = false;
    }
    Read::Request(Request {
        method: method.to_owned(),
        target: target.to_owned(),
        keep_alive,
    })
}

/// Writes `reply` (its headers only for `HEAD`).
fn write_reply(
    out: &mut impl Write,
    reply: &Reply,
    head_only: bool,
    keep_alive: bool,
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    let connection = if keep_alive { "keep-alive" } else { "close" };
    head.push_str(&format!("Connection: {connection}\r\n\r\n"));
    out.write_all(head.as_bytes())?;
    if !head_only {
        out.write_all(&reply.body)?;
    }
    out.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Read {
        // A one-byte buffer: the head arrives in pieces, as over a network.
        read_request(&mut BufReader::with_capacity(1, bytes))
    }

    #[test]
    fn requests_are_read_whole_and_keep_alive_follows_the_version() {
        let r = |method: &str, target: &str, keep_alive| {
            Read::Request(Request {
                method: method.into(),
                target: target.into(),
                keep_alive,
            })
        };
        assert_eq!(
            read(b"GET /a%20b.html?x=1 HTTP/1.1\r\nHost: x\r\n\r\n"),
            r("GET", "/a%20b.html?x=1", true)
        );
        assert_eq!(
            read(b"HEAD / HTTP/1.1\r\nConnection: Close\r\n\r\n"),
            r("HEAD", "/", false)
        );
        assert_eq!(read(b"GET / HTTP/1.0\r\n\r\n"), r("GET", "/", false));
        assert_eq!(
            read(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
            r("GET", "/", true)
        );
        assert_eq!(
            read(b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"),
            r("POST", "/", false)
        );
        assert_eq!(read(b""), Read::Closed);
        assert_eq!(read(b"GET / HTTP/1.1\r\nHost"), Read::Closed);
        assert_eq!(read(b"NOT HTTP\r\n\r\n"), Read::Bad(400));
        let long = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        assert_eq!(read(long.as_bytes()), Read::Bad(431));
    }

    #[test]
    fn two_requests_on_one_connection_are_read_in_turn() {
        let bytes = b"GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n";
        let mut reader = BufReader::with_capacity(7, &bytes[..]);
        let targets: Vec<String> = (0..2)
            .map(|_| match read_request(&mut reader) {
                Read::Request(r) => r.target,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(targets, ["/a", "/b"]);
        assert_eq!(read_request(&mut reader), Read::Closed);
    }
}
