//! A client for `duben serve` tests: starts the real binary on a free port
//! and speaks raw HTTP over TCP, so that request paths reach the server
//! exactly as written (`..` and odd escapes included), and reads the
//! live-reload event stream.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::TestSite;

/// A running `duben serve`, killed when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
    /// What the server printed on stderr so far.
    pub stderr: Arc<Mutex<String>>,
}

impl Server {
    /// What the server printed on stderr, once it contains every one of
    /// `wanted` (stderr is read by another thread, so it can lag behind the
    /// events); after `within`, what it printed so far.
    pub fn stderr_with(&self, wanted: &[&str], within: Duration) -> String {
        let started = Instant::now();
        loop {
            let terminal = self.stderr.lock().unwrap().clone();
            if wanted.iter().all(|w| terminal.contains(w)) || started.elapsed() > within {
                return terminal;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `duben serve --root <site> --port 0` and waits for the line
    /// that names the address (printed once the first build is done).
    pub fn start(site: &TestSite) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_duben"))
            .args(["serve", "--port", "0", "--root"])
            .arg(site.root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0; 4096];
            while let Ok(n @ 1..) = pipe.read(&mut buf) {
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut server = Server {
            child,
            port: 0,
            stderr,
        };
        for line in lines.by_ref() {
            let line = line.unwrap();
            if let Some(rest) = line.split_once(" at http://127.0.0.1:").map(|(_, r)| r) {
                assert!(line.starts_with("Serving "), "{line}");
                assert!(line.ends_with("/ (Ctrl+C to stop)"), "{line}");
                server.port = rest.split('/').next().unwrap().parse().unwrap();
                break;
            }
        }
        assert_ne!(
            server.port,
            0,
            "duben serve exited without serving: {}",
            server.stderr.lock().unwrap()
        );
        // Keep reading stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        server
    }

    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        s
    }

    /// Sends `METHOD path` verbatim and reads the whole reply.
    pub fn request(&self, method: &str, path: &str) -> Reply {
        let mut s = self.connect();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        Reply::parse(&raw)
    }

    pub fn get(&self, path: &str) -> Reply {
        self.request("GET", path)
    }

    /// Opens the live-reload stream.
    pub fn events(&self) -> Events {
        let mut s = self.connect();
        write!(s, "GET /__duben/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        let mut reader = BufReader::new(s);
        let mut status = String::new();
        reader.read_line(&mut status).unwrap();
        assert!(status.contains(" 200 "), "{status}");
        let mut events = Events { reader };
        let (name, _) = events
            .next_event(Duration::from_secs(5))
            .expect("a hello event");
        assert_eq!(name, "hello");
        events
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn parse(raw: &[u8]) -> Reply {
        let text = String::from_utf8_lossy(raw);
        let (head, body) = text.split_once("\r\n\r\n").expect("a complete reply");
        let mut lines = head.lines();
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        Reply {
            status,
            headers,
            body: body.to_owned(),
        }
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// The reading end of an SSE stream.
pub struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    /// The next event (name, data), skipping comments; `None` on timeout.
    pub fn next_event(&mut self, within: Duration) -> Option<(String, String)> {
        let deadline = Instant::now() + within;
        let (mut name, mut data) = (String::new(), Vec::new());
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            self.reader
                .get_ref()
                .set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .unwrap();
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) | Err(_) => return None,
                Ok(_) => {}
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() && !name.is_empty() {
                return Some((name, data.join("\n")));
            } else if let Some(v) = line.strip_prefix("event: ") {
                name = v.to_owned();
            } else if let Some(v) = line.strip_prefix("data: ") {
                data.push(v.to_owned());
            }
        }
    }

    /// Waits for an event named `name`, returning its data and the time
    /// it took.
    pub fn wait_for(&mut self, name: &str, within: Duration) -> (String, Duration) {
        let started = Instant::now();
        loop {
            let left = within.saturating_sub(started.elapsed());
            match self.next_event(left) {
                Some((n, data)) if n == name => return (data, started.elapsed()),
                Some(_) => continue,
                None => panic!("no `{name}` event within {within:?}"),
            }
        }
    }
}
