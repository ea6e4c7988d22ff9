//! `kpic watch --serve`: the report over HTTP, and live reload by Server-Sent Events.
//!
//! The report is one self-contained file, handed over by each good build and served from
//! memory (as typst-cli serves its output): no path of a request ever reaches the file system,
//! and any path but the report's own is 404. Requests are read with `httparse` on plain threads,
//! with every resource bounded: at most [`MAX_REQUESTS`] requests and [`MAX_STREAMS`] event
//! streams at once (others get 503 at once), a request head of at most [`MAX_HEAD`] bytes that
//! arrives whole within [`READ_TIMEOUT`] (a client that trickles it is cut off: 408), and no
//! request body ever read (one announced gets 413).

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::ops::RangeInclusive;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::overlay::{self, EVENTS_PATH};

/// The port tried first when none is given; the next ones are tried while they are taken.
pub const DEFAULT_PORT: u16 = 8000;
const PORTS_TRIED: u16 = 100;

/// How often an idle event stream sends a comment: it keeps proxies from closing the stream,
/// and finds out when the page has gone (the write fails), which ends the stream's thread.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// Requests answered at once (event streams aside); one more gets 503 without a thread. Far
/// more than a browser opens (six at a time), so that slow clients, each cut off after
/// [`READ_TIMEOUT`], do not keep the pages waiting.
pub const MAX_REQUESTS: usize = 256;
/// Event streams open at once: a page each, so far more than a person has open.
pub const MAX_STREAMS: usize = 64;
/// The longest request head read: a browser's is under 2 KB.
pub const MAX_HEAD: usize = 16 * 1024;
/// How long a client may take to send its whole request head, and to take each part of an
/// answer.
pub const READ_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_HEADERS: usize = 64;

/// The server: started by [`Server::start`], told of each build by [`Server::publish`].
pub struct Server {
    site: Arc<Site>,
    address: SocketAddr,
    accepting: JoinHandle<()>,
}

/// What requests are answered from.
struct Site {
    /// The name of the report served at `/` and at `/NAME`: `index.html` or `report.json`.
    index: &'static str,
    live: Mutex<Live>,
    requests: Arc<AtomicUsize>,
    streams: Arc<AtomicUsize>,
    stopping: AtomicBool,
}

/// A report's files by their paths in the output folder: served from memory, so no path of a
/// request ever reaches the file system.
pub type Pages = HashMap<String, Vec<u8>>;

/// The state of the last build, and the open event streams.
#[derive(Default)]
struct Live {
    /// Counts the builds: a page knows the generation it was served in.
    generation: u64,
    /// The last good report's pages by their paths (`index.html`, `org/north.html`); `None`
    /// before the first.
    report: Option<Arc<Pages>>,
    /// The overlay of the last build's problems; `None` after a good build.
    overlay: Option<String>,
    streams: Vec<Sender<String>>,
}

impl Live {
    /// The event that brings a page of an older generation up to date.
    fn event(&self) -> String {
        match &self.overlay {
            None => format!("event: reload\ndata: {}\n\n", self.generation),
            Some(overlay) => format!("event: overlay\ndata: {overlay}\n\n"),
        }
    }
}

impl Site {
    fn live(&self) -> MutexGuard<'_, Live> {
        self.live.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A slot of a bounded count, given back when dropped.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(count: &Arc<AtomicUsize>, limit: usize) -> Option<Slot> {
        let taken = count.fetch_add(1, Ordering::SeqCst);
        let slot = Slot(Arc::clone(count));
        (taken < limit).then_some(slot)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Why the server did not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {host} port {port}: {error}")]
    Listen {
        host: String,
        port: u16,
        #[source]
        error: std::io::Error,
    },
    #[error("cannot listen on {host} port {port}: it is taken")]
    Taken { host: String, port: u16 },
    #[error("cannot listen on {host}: ports {first} to {last} are taken")]
    AllTaken { host: String, first: u16, last: u16 },
    #[error("cannot listen on {host}: {error}")]
    Address {
        host: String,
        #[source]
        error: std::io::Error,
    },
    #[error("cannot start the server: {0}")]
    Thread(#[source] std::io::Error),
}

impl Server {
    /// Listens on `host` at `port` (`None`: 8000 or the next free port; `Some(0)`: any free
    /// port) and serves the report named `index` at `/`: `report` until a build publishes one.
    pub fn start(
        host: &str,
        port: Option<u16>,
        index: &'static str,
        report: Option<Pages>,
    ) -> Result<Server, ServeError> {
        let ports = match port {
            Some(port) => port..=port,
            None => DEFAULT_PORT..=DEFAULT_PORT + PORTS_TRIED - 1,
        };
        let listener = listen(host, ports)?;
        let address = listener.local_addr().map_err(|error| ServeError::Address {
            host: host.to_string(),
            error,
        })?;
        let site = Arc::new(Site {
            index,
            live: Mutex::new(Live {
                report: report.map(Arc::new),
                ..Live::default()
            }),
            requests: Arc::default(),
            streams: Arc::default(),
            stopping: AtomicBool::new(false),
        });
        let accepting = {
            let site = Arc::clone(&site);
            std::thread::Builder::new()
                .name("kpic-serve".to_string())
                .spawn(move || accept(&listener, &site))
                .map_err(ServeError::Thread)?
        };
        Ok(Server {
            site,
            address,
            accepting,
        })
    }

    /// The address listened on, with the port chosen.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Tells open pages of a new build: after a good one (`problems` is `None`) `report` is
    /// served and pages reload; after a failed one the last good report stays, and pages show
    /// the problems over it.
    pub fn publish(&self, problems: Option<&[String]>, report: Option<Pages>) {
        let mut live = self.site.live();
        live.generation += 1;
        if let Some(report) = report {
            live.report = Some(Arc::new(report));
        }
        live.overlay = problems.map(overlay::fragment);
        let event = live.event();
        // A stream whose page has gone has dropped its receiver: it is forgotten here.
        live.streams
            .retain(|stream| stream.send(event.clone()).is_ok());
    }

    /// Stops taking requests; event streams end with the process.
    pub fn stop(self) {
        self.site.stopping.store(true, Ordering::SeqCst);
        // Wakes the accepting thread, which then sees that it is to stop.
        let _ = TcpStream::connect(self.address);
        let _ = self.accepting.join();
    }
}

/// A listener on `host`, at the first port of `ports` that is free.
fn listen(host: &str, ports: RangeInclusive<u16>) -> Result<TcpListener, ServeError> {
    let mut taken = Vec::new();
    for port in ports {
        match TcpListener::bind((host, port)) {
            Ok(listener) => return Ok(listener),
            Err(error) if error.kind() == std::io::ErrorKind::AddrInUse => taken.push(port),
            Err(error) => {
                return Err(ServeError::Listen {
                    host: host.to_string(),
                    port,
                    error,
                });
            }
        }
    }
    let host = host.to_string();
    Err(match taken.as_slice() {
        [port] => ServeError::Taken { host, port: *port },
        ports => ServeError::AllTaken {
            host,
            first: *ports.first().unwrap_or(&DEFAULT_PORT),
            last: *ports.last().unwrap_or(&DEFAULT_PORT),
        },
    })
}

fn accept(listener: &TcpListener, site: &Arc<Site>) {
    for stream in listener.incoming() {
        if site.stopping.load(Ordering::SeqCst) {
            return;
        }
        let Ok(mut stream) = stream else { continue };
        let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
        let _ = stream.set_write_timeout(Some(READ_TIMEOUT));
        let Some(slot) = Slot::take(&site.requests, MAX_REQUESTS) else {
            refuse_busy(&mut stream);
            continue;
        };
        let site = Arc::clone(site);
        let spawned = std::thread::Builder::new()
            .name("kpic-request".to_string())
            .spawn(move || {
                answer(stream, &site, slot);
            });
        // Where no thread can be had, the connection is dropped (closed).
        drop(spawned);
    }
}

/// Answers 503 from the accepting thread, without waiting for anything: the request that has
/// arrived is read first (without blocking), so that closing the connection does not reset it
/// before the client reads the answer.
fn refuse_busy(stream: &mut TcpStream) {
    if stream.set_nonblocking(true).is_ok() {
        let mut arrived = [0; MAX_HEAD];
        let _ = stream.read(&mut arrived);
    }
    let _ = stream.set_nonblocking(false);
    let _ = respond(stream, &Answer::text(503, "busy: try again\n"), false);
}

/// A request as far as the server cares.
struct Request {
    head_only: bool,
    path: String,
}

/// An answer with a whole body.
struct Answer {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn text(status: u16, body: &str) -> Answer {
        Answer {
            status,
            headers: vec![("Content-Type", "text/plain; charset=utf-8".to_string())],
            body: body.as_bytes().to_vec(),
        }
    }

    fn with(mut self, name: &'static str, value: &str) -> Answer {
        self.headers.push((name, value.to_string()));
        self
    }
}

/// Answers one request; `slot` is its place among the requests, given back when a stream of
/// events takes one of its own.
fn answer(mut stream: TcpStream, site: &Site, slot: Slot) {
    let request = match read_request(&mut stream) {
        Ok(request) => request,
        Err(Some(refusal)) => {
            let _ = respond(&mut stream, &refusal, false);
            return;
        }
        Err(None) => return, // the client went, or sent nothing in time
    };
    let (path, query) = request.path.split_once('?').unwrap_or((&request.path, ""));
    if path == EVENTS_PATH {
        if request.head_only {
            let head = Answer::text(200, "").with("Content-Type", "text/event-stream");
            let _ = respond(&mut stream, &head, true);
        } else if let Some(_stream_slot) = Slot::take(&site.streams, MAX_STREAMS) {
            drop(slot);
            stream_events(stream, site, generation_in(query));
        } else {
            let _ = respond(
                &mut stream,
                &Answer::text(503, "too many pages open\n"),
                false,
            );
        }
        return;
    }
    let answer = match path.strip_prefix('/') {
        Some("") => serve_report(site, site.index),
        Some(name) => serve_report(site, name),
        None => Answer::text(404, "not found: only the report is served\n"),
    };
    let _ = respond(&mut stream, &answer, request.head_only);
}

/// Reads and parses a request head; `Err(Some(answer))` for a request refused, `Err(None)` when
/// there is no request to answer.
fn read_request(stream: &mut TcpStream) -> Result<Request, Option<Answer>> {
    let mut head = Vec::with_capacity(1024);
    let mut buffer = [0; 4096];
    // The time is for the whole head: a read timeout alone would let a client that sends a
    // byte now and then hold its thread for hours.
    let deadline = Instant::now() + READ_TIMEOUT;
    let too_slow = || Answer::text(408, "the request head came too slowly\n");
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Err(Some(too_slow()));
        }
        let read = match stream.read(&mut buffer) {
            Ok(read) => read,
            Err(error) if is_timeout(&error) && !head.is_empty() => return Err(Some(too_slow())),
            // The client went, or sent nothing in time (a browser's unused connection).
            Err(_) => return Err(None),
        };
        if read == 0 {
            return Err(None);
        }
        head.extend_from_slice(&buffer[..read]);
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut parsed = httparse::Request::new(&mut headers);
        match parsed.parse(&head) {
            Ok(httparse::Status::Complete(_)) => return request_of(&parsed),
            Ok(httparse::Status::Partial) if head.len() < MAX_HEAD => continue,
            Ok(httparse::Status::Partial) => {
                return Err(Some(Answer::text(431, "request head too large\n")));
            }
            Err(error) => {
                return Err(Some(Answer::text(400, &format!("bad request: {error}\n"))));
            }
        }
    }
}

fn is_timeout(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    )
}

fn request_of(parsed: &httparse::Request) -> Result<Request, Option<Answer>> {
    let method = parsed.method.unwrap_or_default();
    if method != "GET" && method != "HEAD" {
        let refusal =
            Answer::text(405, "only GET and HEAD are answered\n").with("Allow", "GET, HEAD");
        return Err(Some(refusal));
    }
    let announces_body = parsed.headers.iter().any(|header| {
        header.name.eq_ignore_ascii_case("transfer-encoding")
            || header.name.eq_ignore_ascii_case("content-length")
                && std::str::from_utf8(header.value).map(str::trim) != Ok("0")
    });
    if announces_body {
        // Never read: the server needs none, and a huge one announced must cost nothing.
        return Err(Some(Answer::text(413, "request bodies are not accepted\n")));
    }
    Ok(Request {
        head_only: method == "HEAD",
        path: parsed.path.unwrap_or("/").to_string(),
    })
}

/// The report's page `name` (its path in the output folder); an HTML page gets the live-reload
/// script, and the overlay while the project is broken. Before the first good build, a
/// placeholder page (503) that reloads itself; a name the report has not, 404.
fn serve_report(site: &Site, name: &str) -> Answer {
    let (generation, overlay, report) = {
        let live = site.live();
        (live.generation, live.overlay.clone(), live.report.clone())
    };
    let page = match &report {
        Some(pages) => match pages.get(name) {
            Some(page) => Some(page),
            None => return Answer::text(404, "not found: only the report is served\n"),
        },
        None if name == site.index => None,
        None => return Answer::text(404, "not found: only the report is served\n"),
    };
    let is_page = name.ends_with(".html");
    let is_json = name.ends_with(".json");
    let (status, body) = match (page, is_page) {
        (Some(page), true) => (
            200,
            page_with_additions(page, generation, overlay.as_deref()),
        ),
        (Some(document), false) => (200, document.clone()),
        (None, true) => {
            let placeholder = overlay::PLACEHOLDER.as_bytes();
            (
                503,
                page_with_additions(placeholder, generation, overlay.as_deref()),
            )
        }
        (None, false) => (503, b"no report yet: the project has not built\n".to_vec()),
    };
    let content_type = match (is_page, status) {
        (true, _) => "text/html; charset=utf-8",
        (false, 200) if is_json => "application/json",
        (false, 200) => "text/csv; charset=utf-8",
        (false, _) => "text/plain; charset=utf-8",
    };
    Answer {
        status,
        headers: vec![("Content-Type", content_type.to_string())],
        body,
    }
}

fn page_with_additions(page: &[u8], generation: u64, overlay: Option<&str>) -> Vec<u8> {
    let mut addition = overlay.unwrap_or_default().to_string();
    addition.push_str(&overlay::script(generation));
    overlay::inject(page, &addition)
}

/// Writes `answer` (its head alone for `head_only`) and closes the connection.
fn respond(stream: &mut TcpStream, answer: &Answer, head_only: bool) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", answer.status, reason(answer.status));
    for (name, value) in &answer.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        answer.body.len()
    ));
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(&answer.body)?;
    }
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// `generation=N` of the query of the event stream's URL.
fn generation_in(query: &str) -> Option<u64> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("generation="))
        .and_then(|n| n.parse().ok())
}

/// Streams events to one page until it goes. A page of an older generation than the server's
/// gets the event that brings it up to date first.
fn stream_events(mut stream: TcpStream, site: &Site, page_generation: Option<u64>) {
    let (sender, events) = mpsc::channel();
    let catch_up = {
        let mut live = site.live();
        live.streams.push(sender);
        page_generation
            .filter(|&generation| generation != live.generation)
            .map(|_| live.event())
    };
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
                Connection: close\r\n\r\nretry: 1000\n\n";
    let mut send = |text: &str| {
        stream
            .write_all(text.as_bytes())
            .and_then(|()| stream.flush())
    };
    if send(head).is_err() || catch_up.is_some_and(|event| send(&event).is_err()) {
        return;
    }
    loop {
        let text = match events.recv_timeout(KEEPALIVE) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => ": keepalive\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if send(&text).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_port_moves_to_the_next_free_one_unless_it_is_the_only_one() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let Some(last) = port.checked_add(20) else {
            return;
        };
        let next = listen("127.0.0.1", port..=last).unwrap();
        assert_ne!(next.local_addr().unwrap().port(), port);
        let refused = listen("127.0.0.1", port..=port).unwrap_err();
        assert!(matches!(refused, ServeError::Taken { .. }), "{refused}");
        assert!(refused.to_string().contains("is taken"), "{refused}");
    }

    #[test]
    fn reads_the_generation_of_the_page() {
        assert_eq!(generation_in("generation=12"), Some(12));
        assert_eq!(generation_in("x=1&generation=3"), Some(3));
        assert_eq!(generation_in("generation=x"), None);
        assert_eq!(generation_in(""), None);
    }

    #[test]
    fn slots_are_bounded_and_given_back() {
        let count = Arc::new(AtomicUsize::new(0));
        let first = Slot::take(&count, 1);
        assert!(first.is_some());
        assert!(Slot::take(&count, 1).is_none());
        drop(first);
        assert!(Slot::take(&count, 1).is_some());
        assert_eq!(count.load(Ordering::SeqCst), 0);
    }
}
