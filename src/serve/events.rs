//! Serve: live reload over Server-Sent Events.
//!
//! Each open page holds one `/__duben/events` stream on its connection's
//! thread (see [`super::conn`]). The hub remembers
//! the state of the last build and sends it to every new stream, so a page
//! opened while the build is broken shows the error at once, and a page that
//! reconnects after a rebuild or a server restart reloads.

use std::io::Write;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How often an idle stream gets a comment line: a write is the only way to
/// notice that the page went away.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// One message to the pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// The site was rebuilt: reload.
    Reload,
    /// The rebuild failed with this message; the last good build is served.
    Error(String),
}

/// The state of the builds and the open streams.
pub struct Hub {
    state: Mutex<State>,
    /// Distinguishes this server from a previous one on the same port.
    started: u128,
}

struct State {
    /// Successful builds so far: with `started`, the id pages compare.
    builds: u64,
    error: Option<String>,
    streams: Vec<Sender<Message>>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            state: Mutex::new(State {
                builds: 0,
                error: None,
                streams: Vec::new(),
            }),
            started: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        }
    }
}

impl Hub {
    /// Records a build's outcome and tells every open page.
    pub fn publish(&self, message: Message) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match &message {
            Message::Reload => {
                state.builds += 1;
                state.error = None;
            }
            Message::Error(e) => state.error = Some(e.clone()),
        }
        state.streams.retain(|s| s.send(message.clone()).is_ok());
    }

    /// Number of open streams (for tests and `-v`).
    pub fn streams(&self) -> usize {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.streams.len()
    }

    /// Registers a stream: the opening lines it must send (the build id and
    /// the current error, if any) and its receiver for later messages.
    fn subscribe(&self) -> (String, Receiver<Message>) {
        let (tx, rx) = channel();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.streams.push(tx);
        let mut opening = format!(
            "retry: 1000\nevent: hello\ndata: {}-{}\n\n",
            self.started, state.builds
        );
        if let Some(e) = &state.error {
            opening.push_str(&frame(&Message::Error(e.clone())));
        }
        (opening, rx)
    }

    /// Runs one stream until the page goes away. `out` is the raw
    /// connection, response headers not yet written.
    pub fn stream(&self, mut out: impl Write) {
        let (opening, rx) = self.subscribe();
        let head = "HTTP/1.1 200 OK\r\n\
                    Content-Type: text/event-stream; charset=utf-8\r\n\
                    Cache-Control: no-store\r\n\
                    Connection: close\r\n\
                    X-Content-Type-Options: nosniff\r\n\r\n";
        if send(&mut out, head).is_err() || send(&mut out, &opening).is_err() {
            return;
        }
        loop {
            let text = match rx.recv_timeout(KEEPALIVE) {
                Ok(m) => frame(&m),
                Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_owned(),
                Err(RecvTimeoutError::Disconnected) => return,
            };
            if send(&mut out, &text).is_err() {
                return;
            }
        }
    }
}

fn send(out: &mut impl Write, text: &str) -> std::io::Result<()> {
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// An event in the SSE wire format; a multi-line message becomes several
/// `data:` lines, which the browser joins with newlines.
pub fn frame(message: &Message) -> String {
    match message {
        Message::Reload => "event: reload\ndata: reload\n\n".to_owned(),
        Message::Error(text) => {
            let mut s = String::from("event: error\n");
            for line in text.replace("\r\n", "\n").split(['\n', '\r']) {
                s.push_str("data: ");
                s.push_str(line);
                s.push('\n');
            }
            s.push('\n');
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_line_errors_become_several_data_lines() {
        let f = frame(&Message::Error("bad template\n  Caused by: line 3".into()));
        assert_eq!(
            f,
            "event: error\ndata: bad template\ndata:   Caused by: line 3\n\n"
        );
        assert_eq!(frame(&Message::Reload), "event: reload\ndata: reload\n\n");
    }

    #[test]
    fn a_new_stream_hears_the_current_error_and_a_later_reload_clears_it() {
        let hub = Hub::default();
        hub.publish(Message::Error("oops".into()));
        let (opening, rx) = hub.subscribe();
        assert!(opening.contains("event: hello\ndata: "));
        assert!(opening.ends_with("event: error\ndata: oops\n\n"));
        hub.publish(Message::Reload);
        assert_eq!(rx.try_recv().unwrap(), Message::Reload);
        let (opening, _rx) = hub.subscribe();
        assert!(!opening.contains("event: error"));
        assert!(opening.contains(&format!("-{}\n", 1)));
    }

    #[test]
    fn streams_whose_page_went_away_are_dropped() {
        let hub = Hub::default();
        let (_, rx) = hub.subscribe();
        drop(rx);
        let (_, _rx2) = hub.subscribe();
        assert_eq!(hub.streams(), 2);
        hub.publish(Message::Reload);
        assert_eq!(hub.streams(), 1);
    }
}
