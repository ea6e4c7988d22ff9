//! `kpic watch --serve`: the output folder over HTTP, and live reload by Server-Sent Events.
//!
//! tiny_http, no async runtime. One thread takes the requests and answers each on a thread of
//! its own: an event stream stays open as long as its page, and holds up nobody. The server only
//! reads files inside the output folder, and answers GET and HEAD only.

use std::fs::File;
use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, ResponseBox, StatusCode};

use super::overlay::{self, EVENTS_PATH};

/// The port tried first when none is given; the next ones are tried while they are taken.
pub const DEFAULT_PORT: u16 = 8000;
const PORTS_TRIED: u16 = 100;

/// How often an idle event stream sends a comment: it keeps proxies from closing the stream,
/// and finds out when the page has gone (the write fails), which ends the stream's thread.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// The server: started by [`Server::start`], told of each build by [`Server::publish`].
pub struct Server {
    http: Arc<tiny_http::Server>,
    site: Arc<Site>,
    address: SocketAddr,
    accepting: JoinHandle<()>,
}

/// What requests are answered from.
struct Site {
    /// The output folder, canonical.
    root: PathBuf,
    /// The file `/` serves: `index.html` or `report.json`.
    index: &'static str,
    live: Mutex<Live>,
}

/// The state of the last build, and the open event streams.
#[derive(Default)]
struct Live {
    /// Counts the builds: a page knows the generation it was served in.
    generation: u64,
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

impl Server {
    /// Listens on `host` at `port` (`None`: 8000 or the next free port; `Some(0)`: any free
    /// port) and serves the files of `root` (canonical), `/` being `index`.
    pub fn start(
        host: &str,
        port: Option<u16>,
        root: PathBuf,
        index: &'static str,
    ) -> Result<Server, String> {
        let listener = listen(host, port)?;
        let address = listener
            .local_addr()
            .map_err(|error| format!("cannot listen on {host}: {error}"))?;
        let http = tiny_http::Server::from_listener(listener, None)
            .map(Arc::new)
            .map_err(|error| format!("cannot serve on {address}: {error}"))?;
        let site = Arc::new(Site {
            root,
            index,
            live: Mutex::default(),
        });
        let accepting = {
            let (http, site) = (Arc::clone(&http), Arc::clone(&site));
            std::thread::Builder::new()
                .name("kpic-serve".to_string())
                .spawn(move || accept(&http, &site))
                .map_err(|error| format!("cannot start the server: {error}"))?
        };
        Ok(Server {
            http,
            site,
            address,
            accepting,
        })
    }

    /// The address listened on, with the port chosen.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Tells open pages of a new build: reload after a good one (`problems` is `None`), show
    /// the problems over the last good report after a failed one.
    pub fn publish(&self, problems: Option<&[String]>) {
        let mut live = self.site.live();
        live.generation += 1;
        live.overlay = problems.map(overlay::fragment);
        let event = live.event();
        // A stream whose page has gone has dropped its receiver: it is forgotten here.
        live.streams
            .retain(|stream| stream.send(event.clone()).is_ok());
    }

    /// Stops taking requests; event streams end with the process.
    pub fn stop(self) {
        self.http.unblock();
        let _ = self.accepting.join();
    }
}

/// A listener on `host`: at `port`, or at the first free port from 8000 when none is given.
fn listen(host: &str, port: Option<u16>) -> Result<TcpListener, String> {
    let ports = match port {
        Some(port) => port..=port,
        None => DEFAULT_PORT..=DEFAULT_PORT + PORTS_TRIED - 1,
    };
    let last = *ports.end();
    for port in ports {
        match TcpListener::bind((host, port)) {
            Ok(listener) => return Ok(listener),
            Err(error) if error.kind() == std::io::ErrorKind::AddrInUse && port < last => {}
            Err(error) => return Err(format!("cannot listen on {host} port {port}: {error}")),
        }
    }
    unreachable!("the last port tried returns")
}

fn accept(http: &tiny_http::Server, site: &Arc<Site>) {
    for request in http.incoming_requests() {
        let site = Arc::clone(site);
        // Where no thread can be had, the request is dropped, and tiny_http answers 500.
        let _ = std::thread::Builder::new()
            .name("kpic-request".to_string())
            .spawn(move || answer(request, &site));
    }
}

fn answer(request: Request, site: &Site) {
    let method = request.method().clone();
    if method != Method::Get && method != Method::Head {
        let response =
            text(405, "only GET and HEAD are answered\n").with_header(header("Allow", "GET, HEAD"));
        let _ = request.respond(response);
        return;
    }
    let url = request.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    if path == EVENTS_PATH {
        if method == Method::Head {
            let _ = request.respond(text(200, "").with_header(event_stream_type()));
        } else {
            stream_events(request, site, generation_in(query));
        }
        return;
    }
    // The state is read before the file: a build writes its report, then publishes. A page so
    // never carries a generation newer than its content; at worst it reloads once too often.
    let (generation, overlay) = {
        let live = site.live();
        (live.generation, live.overlay.clone())
    };
    let response = match resolve(&site.root, path, site.index) {
        Ok(file) => serve_file(&file, generation, overlay.as_deref()),
        Err(Refusal::NotFound) if is_index(path, site.index) && site.index.ends_with(".html") => {
            let page = page_with_additions(
                overlay::PLACEHOLDER.as_bytes(),
                generation,
                overlay.as_deref(),
            );
            Response::from_data(page)
                .with_status_code(503)
                .with_header(content_type("index.html"))
                .boxed()
        }
        Err(Refusal::NotFound) => text(404, "not found\n").boxed(),
        Err(Refusal::Forbidden) => {
            text(403, "forbidden: only files of the report are served\n").boxed()
        }
    };
    let _ = request.respond(response.with_header(header("Cache-Control", "no-store")));
}

/// Why a path is not served.
#[derive(Debug, PartialEq, Eq)]
enum Refusal {
    NotFound,
    /// The path leaves the folder, or tries to: `..`, an encoded `/` or `\`, an absolute path, a
    /// symbolic link that points out.
    Forbidden,
}

/// The file of `root` that the URL path `path` names (`/` names `index`). Each segment is
/// decoded on its own, and refused if it is empty, `.` or `..`, or holds a `/`, `\`, `:` or NUL
/// once decoded; the file found is then canonicalized and must lie inside `root` (canonical),
/// which refuses symbolic links that point out of it.
fn resolve(root: &Path, path: &str, index: &str) -> Result<PathBuf, Refusal> {
    let relative = path.strip_prefix('/').ok_or(Refusal::Forbidden)?;
    let relative = if relative.is_empty() { index } else { relative };
    let mut file = root.to_path_buf();
    for segment in relative.split('/') {
        let segment = percent_decode(segment).ok_or(Refusal::Forbidden)?;
        let unsafe_segment = segment.is_empty()
            || segment == "."
            || segment == ".."
            || segment.contains(['/', '\\', ':', '\0']);
        if unsafe_segment {
            return Err(Refusal::Forbidden);
        }
        file.push(segment);
    }
    let real = file.canonicalize().map_err(|_| Refusal::NotFound)?;
    if !real.starts_with(root) {
        return Err(Refusal::Forbidden);
    }
    if !real.is_file() {
        return Err(Refusal::NotFound);
    }
    Ok(real)
}

/// `%XX` decoded, as UTF-8; `None` for a bad escape or bytes that are not UTF-8.
fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn is_index(path: &str, index: &str) -> bool {
    path == "/" || path.strip_prefix('/') == Some(index)
}

/// A file of the report; an HTML page gets the live-reload script, and the overlay while the
/// project is broken.
fn serve_file(file: &Path, generation: u64, overlay: Option<&str>) -> ResponseBox {
    let is_page = file
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("html"));
    let response = if is_page {
        std::fs::read(file).map(|page| {
            Response::from_data(page_with_additions(&page, generation, overlay)).boxed()
        })
    } else {
        File::open(file).map(|file| Response::from_file(file).boxed())
    };
    match response {
        Ok(response) => response.with_header(content_type(&file.to_string_lossy())),
        // Renamed away or unreadable between resolving and reading it.
        Err(_) => text(404, "not found\n").boxed(),
    }
}

fn page_with_additions(page: &[u8], generation: u64, overlay: Option<&str>) -> Vec<u8> {
    let mut addition = overlay.unwrap_or_default().to_string();
    addition.push_str(&overlay::script(generation));
    overlay::inject(page, &addition)
}

/// `generation=N` of the query of the event stream's URL.
fn generation_in(query: &str) -> Option<u64> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("generation="))
        .and_then(|n| n.parse().ok())
}

/// Streams events to one page until it goes. A page of an older generation than the server's
/// gets the event that brings it up to date first. The response is written by hand: tiny_http
/// would buffer a body of unknown length, and events must go out as they come.
fn stream_events(request: Request, site: &Site, page_generation: Option<u64>) {
    let (sender, events) = mpsc::channel();
    let catch_up = {
        let mut live = site.live();
        live.streams.push(sender);
        page_generation
            .filter(|&generation| generation != live.generation)
            .map(|_| live.event())
    };
    let mut writer = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
                Connection: close\r\n\r\nretry: 1000\n\n";
    let mut send = |text: &str| {
        writer
            .write_all(text.as_bytes())
            .and_then(|()| writer.flush())
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

fn text(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_string(body)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
}

fn event_stream_type() -> Header {
    header("Content-Type", "text/event-stream")
}

/// The content type of a file of the report, by its extension.
fn content_type(file: &str) -> Header {
    let extension = file.rsplit_once('.').map_or("", |(_, e)| e);
    let value = match extension.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "json" => "application/json",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "csv" => "text/csv; charset=utf-8",
        _ => "application/octet-stream",
    };
    header("Content-Type", value)
}

/// A header from fixed, valid ASCII.
fn header(name: &'static str, value: &'static str) -> Header {
    Header::from_bytes(name, value).expect("fixed header names and values are valid ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("report");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(root.join("index.html"), "<body></body>").unwrap();
        std::fs::write(root.join("a b.json"), "{}").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        let root = root.canonicalize().unwrap();
        (dir, root)
    }

    #[test]
    fn serves_files_of_the_folder_and_the_index_at_the_root() {
        let (_dir, root) = site();
        assert_eq!(
            resolve(&root, "/", "index.html"),
            Ok(root.join("index.html"))
        );
        assert_eq!(
            resolve(&root, "/index.html", "report.json"),
            Ok(root.join("index.html"))
        );
        assert_eq!(
            resolve(&root, "/a%20b.json", "index.html"),
            Ok(root.join("a b.json"))
        );
        assert_eq!(
            resolve(&root, "/missing.html", "index.html"),
            Err(Refusal::NotFound)
        );
        assert_eq!(resolve(&root, "/", "report.json"), Err(Refusal::NotFound));
    }

    #[test]
    fn refuses_every_way_out_of_the_folder() {
        let (_dir, root) = site();
        for path in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E/secret.txt",
            "/.%2e/secret.txt",
            "/..%2fsecret.txt",
            "/..%2Fsecret.txt",
            "/..%5csecret.txt",
            "/..\\secret.txt",
            "/./index.html",
            "//etc/passwd",
            "/%2fetc%2fpasswd",
            "/C:/Windows/win.ini",
            "/index.html%00",
            "/%zz",
            "/%e9",
            "http://127.0.0.1/index.html",
            "*",
        ] {
            assert_eq!(
                resolve(&root, path, "index.html"),
                Err(Refusal::Forbidden),
                "{path}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn refuses_symbolic_links_that_point_out() {
        let (dir, root) = site();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("out.txt")).unwrap();
        std::os::unix::fs::symlink(root.join("index.html"), root.join("in.html")).unwrap();
        assert_eq!(
            resolve(&root, "/out.txt", "index.html"),
            Err(Refusal::Forbidden)
        );
        assert_eq!(
            resolve(&root, "/in.html", "index.html"),
            Ok(root.join("index.html"))
        );
    }

    #[test]
    fn reads_the_generation_of_the_page() {
        assert_eq!(generation_in("generation=12"), Some(12));
        assert_eq!(generation_in("x=1&generation=3"), Some(3));
        assert_eq!(generation_in("generation=x"), None);
        assert_eq!(generation_in(""), None);
    }
}
