//! `kpic lsp` driven as an editor drives it: the real binary over standard input and output,
//! JSON-RPC messages framed by `Content-Length`, on a copy of examples/acme.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long a test waits for one message before it fails.
const PATIENCE: Duration = Duration::from_secs(60);

/// An editor's side of the connection.
struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// Notifications received while waiting for something else.
    notifications: Vec<Value>,
    next_id: i64,
    project: tempfile::TempDir,
}

impl Client {
    /// Starts `kpic lsp` on a copy of examples/acme and initializes it.
    fn start() -> Client {
        let project = tempfile::tempdir().unwrap();
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme"),
            project.path(),
        );
        let mut child = Command::new(env!("CARGO_BIN_EXE_kpic"))
            .arg("lsp")
            .current_dir(project.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages,
            notifications: Vec::new(),
            next_id: 0,
            project,
        };
        let root = uri(client.project.path());
        let result = client.request(
            "initialize",
            json!({"processId": null, "rootUri": root, "capabilities": {}}),
        );
        assert_eq!(result["serverInfo"]["name"], "kpic");
        assert_eq!(result["capabilities"]["hoverProvider"], true);
        client.notify("initialized", json!({}));
        client
    }

    fn path(&self, name: &str) -> PathBuf {
        self.project.path().canonicalize().unwrap().join(name)
    }

    fn uri(&self, name: &str) -> String {
        uri(&self.path(name))
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The whole response to a request.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.next_message();
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return message;
            }
            self.notifications.push(message);
        }
    }

    /// The result of a request, which must succeed.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.call(method, params);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    /// The result of a request asked again until `ready` accepts it.
    fn until(&mut self, method: &str, params: Value, ready: impl Fn(&Value) -> bool) -> Value {
        let started = Instant::now();
        loop {
            let result = self.request(method, params.clone());
            if ready(&result) {
                return result;
            }
            assert!(started.elapsed() < PATIENCE, "{method}: never ready");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn next_message(&mut self) -> Value {
        match self.messages.recv_timeout(PATIENCE) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => panic!("no message from kpic lsp in {PATIENCE:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("kpic lsp closed its output"),
        }
    }

    /// The diagnostics of the first `publishDiagnostics` for `uri` that `wanted` accepts (those
    /// received earlier included), dropping the ones before it.
    fn diagnostics(&mut self, uri: &str, wanted: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let started = Instant::now();
        let mut index = 0;
        loop {
            while index < self.notifications.len() {
                let message = &self.notifications[index];
                if message["method"] == "textDocument/publishDiagnostics"
                    && message["params"]["uri"] == uri
                {
                    let found = message["params"]["diagnostics"].as_array().unwrap().clone();
                    if wanted(&found) {
                        self.notifications.drain(..=index);
                        return found;
                    }
                }
                index += 1;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "no diagnostics as wanted for {uri}"
            );
            let message = self.next_message();
            self.notifications.push(message);
        }
    }

    /// Opens a file of the project with its text on disk and waits for its first diagnostics.
    fn open(&mut self, name: &str) -> String {
        let text = std::fs::read_to_string(self.path(name)).unwrap();
        self.open_with(name, &text);
        text
    }

    fn open_with(&mut self, name: &str, text: &str) {
        let uri = self.uri(name);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "kpi", "version": 1, "text": text}}),
        );
        self.diagnostics(&uri, |_| true);
    }

    /// Replaces a document's text (an unsaved edit).
    fn change(&mut self, name: &str, version: i32, text: &str) {
        let uri = self.uri(name);
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"text": text}]}),
        );
    }

    fn at(&self, name: &str, line: usize, character: usize) -> Value {
        json!({"textDocument": {"uri": self.uri(name)},
               "position": {"line": line, "character": character}})
    }

    /// Shuts the server down as an editor does; returns its exit code.
    fn shut_down(mut self) -> Option<i32> {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null);
        self.exit_code()
    }

    /// The exit code of the server, once it has exited.
    fn exit_code(&mut self) -> Option<i32> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            assert!(started.elapsed() < PATIENCE, "kpic lsp did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn uri(path: &Path) -> String {
    let path = path.canonicalize().unwrap();
    format!("file://{}", path.display()).replace(' ', "%20")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The 0-based line and the column of the first `needle` in `text`, plus `shift` columns.
fn find(text: &str, needle: &str, shift: usize) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` in the text"));
    let line = text[..at].matches('\n').count();
    let column = at - text[..at].rfind('\n').map_or(0, |newline| newline + 1);
    (line, column + shift)
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect()
}

#[test]
fn diagnostics_follow_unsaved_edits_and_clear_when_fixed() {
    let mut client = Client::start();
    let text = client.open("financial.kpi");
    let uri = client.uri("financial.kpi");
    let broken = text.replacen("  perspective financial\n", "  perspective financal\n", 1);
    client.change("financial.kpi", 2, &broken);
    let diagnostics = client.diagnostics(&uri, |d| !d.is_empty());
    // The objective's perspective is unknown, so its weight counts in no perspective.
    assert_eq!(codes(&diagnostics), ["unknown-name", "weights-not-100"]);
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic["severity"], 1, "an error");
    let (line, column) = find(&broken, "financal", 0);
    assert_eq!(diagnostic["range"]["start"]["line"], line);
    assert_eq!(diagnostic["range"]["start"]["character"], column);
    assert_eq!(
        diagnostic["range"]["end"]["character"],
        column + "financal".len()
    );
    assert!(
        diagnostic["message"].as_str().unwrap().contains("financal"),
        "{diagnostic}"
    );
    client.change("financial.kpi", 3, &text);
    let fixed = client.diagnostics(&uri, |d| d.is_empty());
    assert!(fixed.is_empty());
    assert_eq!(client.shut_down(), Some(0));
}

#[test]
fn a_data_file_changed_on_disk_is_checked_again() {
    let mut client = Client::start();
    client.open("financial.kpi");
    let data = client.path("data/actuals.csv");
    let csv = std::fs::read_to_string(&data).unwrap();
    let header_end = csv.find('\n').unwrap();
    std::fs::write(
        &data,
        format!(
            "{}\n2026-01,not_a_metric,5,\n{}",
            &csv[..header_end],
            &csv[header_end + 1..]
        ),
    )
    .unwrap();
    let data_uri = uri(&data);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": data_uri, "type": 2}]}),
    );
    let diagnostics = client.diagnostics(&data_uri, |d| !d.is_empty());
    assert!(
        codes(&diagnostics).contains(&"unknown-series"),
        "{diagnostics:?}"
    );
}

#[test]
fn hover_tells_what_a_kpi_is_and_how_it_stands() {
    let mut client = Client::start();
    let text = client.open("financial.kpi");
    let (line, column) = find(&text, "kpi margin", 5);
    // The KPIs are scored once the diagnostics are out.
    let hover = client.until(
        "textDocument/hover",
        client.at("financial.kpi", line, column),
        |hover| {
            hover["contents"]["value"]
                .as_str()
                .is_some_and(|text| text.contains("actual"))
        },
    );
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(value.contains("**KPI** `margin`: Gross margin"), "{value}");
    assert!(value.contains("target: 39.5% by 2026-12"), "{value}");
    assert!(
        value.contains("**amber** in 2026-09: actual 38.2%, plan 38.8%, score 5.3"),
        "{value}"
    );
    // On a rule name in an attribute: the rule's summary.
    let attributed = text.replacen("kpi margin", "@allow(missing-owner)\nkpi margin", 1);
    client.change("financial.kpi", 2, &attributed);
    let uri = client.uri("financial.kpi");
    client.diagnostics(&uri, |d| codes(d).contains(&"unused-allow"));
    let (line, column) = find(&attributed, "missing-owner", 3);
    let hover = client.request(
        "textDocument/hover",
        client.at("financial.kpi", line, column),
    );
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(value.starts_with("**missing-owner**"), "{value}");
    // Nothing is written at a blank: no hover.
    let blank = client.request("textDocument/hover", client.at("financial.kpi", 3, 0));
    assert_eq!(blank, Value::Null);
}

#[test]
fn definition_and_references_cross_files() {
    let mut client = Client::start();
    let customer = client.open("customer.kpi");
    let (line, column) = find(&customer, "drives grow_profitably", 8);
    let definition = client.request(
        "textDocument/definition",
        client.at("customer.kpi", line, column),
    );
    assert_eq!(definition["uri"], client.uri("financial.kpi"));
    let financial = std::fs::read_to_string(client.path("financial.kpi")).unwrap();
    let (declared, id_column) = find(&financial, "objective grow_profitably", 10);
    assert_eq!(definition["range"]["start"]["line"], declared);
    assert_eq!(definition["range"]["start"]["character"], id_column);

    let mut params = client.at("customer.kpi", line, column);
    params["context"] = json!({"includeDeclaration": true});
    let references = client.request("textDocument/references", params);
    let references = references.as_array().unwrap();
    // Declared once; named twice in financial.kpi, twice in customer.kpi, once in internal.kpi.
    assert_eq!(references.len(), 6, "{references:?}");
    let in_internal = references
        .iter()
        .filter(|r| r["uri"] == client.uri("internal.kpi"))
        .count();
    assert_eq!(in_internal, 1);

    // Into the standard library: a read-only copy of the module.
    let (line, column) = find(&financial, "perspective financial", 13);
    let definition = client.request(
        "textDocument/definition",
        client.at("financial.kpi", line, column),
    );
    let target = definition["uri"].as_str().unwrap();
    assert!(target.ends_with("/bsc.kpi"), "{target}");
    let copy = PathBuf::from(target.strip_prefix("file://").unwrap());
    assert!(
        std::fs::read_to_string(copy)
            .unwrap()
            .contains("perspective financial")
    );

    // In a formula: a function of the library, and an input metric of the project.
    let (line, column) = find(&financial, "formula yoy_monthly(total_sales)", 9);
    let definition = client.request(
        "textDocument/definition",
        client.at("financial.kpi", line, column),
    );
    assert!(
        definition["uri"].as_str().unwrap().ends_with("/time.kpi"),
        "{definition}"
    );
    let hover = client.request(
        "textDocument/hover",
        client.at("financial.kpi", line, column + 13),
    );
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(
        value.starts_with("**metric** `total_sales`: Net sales"),
        "{value}"
    );
}

#[test]
fn rename_edits_every_file_and_refuses_what_it_cannot_do() {
    let mut client = Client::start();
    let text = client.open("financial.kpi");
    let (line, column) = find(&text, "objective grow_profitably", 10);
    let mut params = client.at("financial.kpi", line, column);
    params["newName"] = json!("grow");
    let edit = client.request("textDocument/rename", params);
    let changes = edit["changes"].as_object().unwrap();
    let files: Vec<&String> = changes.keys().collect();
    assert_eq!(changes.len(), 3, "{files:?}");
    assert_eq!(
        changes[&client.uri("financial.kpi")]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        changes[&client.uri("customer.kpi")]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(
        changes
            .values()
            .flat_map(|edits| edits.as_array().unwrap())
            .all(|edit| edit["newText"] == "grow")
    );

    let prepared = client.request(
        "textDocument/prepareRename",
        client.at("financial.kpi", line, column),
    );
    assert_eq!(
        prepared["start"],
        json!({"line": line, "character": column})
    );

    // A name already taken.
    params = client.at("financial.kpi", line, column);
    params["newName"] = json!("improve_cash");
    let refused = client.call("textDocument/rename", params);
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(message.contains("already an objective"), "{message}");

    // An id of the standard library: refused when the editor prepares the rename, and by the
    // rename itself.
    let (line, column) = find(&text, "perspective financial", 13);
    let refused = client.call(
        "textDocument/prepareRename",
        client.at("financial.kpi", line, column),
    );
    assert_eq!(refused["error"]["code"], -32803);
    params = client.at("financial.kpi", line, column);
    params["newName"] = json!("money");
    let refused = client.call("textDocument/rename", params);
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(message.contains("standard library"), "{message}");
}

#[test]
fn completion_offers_what_the_place_expects() {
    let mut client = Client::start();
    let text = client.open("financial.kpi");
    let (line, _) = find(&text, "  objective grow_profitably\n", 0);
    let edited = text.replacen("  objective grow_profitably\n", "  objective \n", 1);
    client.change("financial.kpi", 2, &edited);
    let items = client.request(
        "textDocument/completion",
        client.at("financial.kpi", line, 12),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"grow_profitably"), "{labels:?}");
    assert!(labels.contains(&"lower_costs"), "{labels:?}");
    assert!(!labels.contains(&"margin"), "only objectives: {labels:?}");
}

#[test]
fn symbols_outline_a_file_and_search_the_project() {
    let mut client = Client::start();
    client.open("financial.kpi");
    let uri = client.uri("financial.kpi");
    let outline = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let names: Vec<&str> = outline
        .as_array()
        .unwrap()
        .iter()
        .map(|symbol| symbol["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        &names[..4],
        ["grow_profitably", "improve_cash", "lower_costs", "margin"]
    );
    assert_eq!(outline[3]["detail"], "Gross margin");

    let found = client.request("workspace/symbol", json!({"query": "Gross marg"}));
    let found = found.as_array().unwrap();
    let margin = found
        .iter()
        .find(|symbol| symbol["name"] == "margin")
        .expect("the KPI margin");
    assert_eq!(margin["location"]["uri"], uri);
}

#[test]
fn formatting_reindents_a_document() {
    let mut client = Client::start();
    let text = client.open("financial.kpi");
    let messy = text.replacen("  owner \"CFO\"\n", "        owner \"CFO\"   \n", 1);
    client.change("financial.kpi", 2, &messy);
    let edits = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": client.uri("financial.kpi")},
               "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let edits = edits.as_array().unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0]["newText"], text.as_str());
    assert_eq!(
        edits[0]["range"]["start"],
        json!({"line": 0, "character": 0})
    );
    // A formatted document needs no edit.
    client.change("financial.kpi", 3, &text);
    let edits = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": client.uri("financial.kpi")},
               "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(edits, json!([]));
}

#[test]
fn a_code_action_fixes_a_typo() {
    let mut client = Client::start();
    let text = client.open("financial.kpi");
    let typo = text.replacen(
        "  objective grow_profitably\n",
        "  objective grow_profitabyl\n",
        1,
    );
    client.change("financial.kpi", 2, &typo);
    let uri = client.uri("financial.kpi");
    let diagnostics = client.diagnostics(&uri, |d| codes(d).contains(&"unknown-name"));
    let range = diagnostics[0]["range"].clone();
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range,
               "context": {"diagnostics": diagnostics}}),
    );
    let action = &actions[0];
    assert_eq!(action["kind"], "quickfix");
    assert_eq!(
        action["title"],
        "replace `grow_profitabyl` with `grow_profitably`"
    );
    let edits = &action["edit"]["changes"][&uri];
    assert_eq!(edits[0]["newText"], "grow_profitably");
    assert_eq!(edits[0]["range"], range);
}

#[test]
fn inlay_hints_show_each_kpis_latest_status() {
    let mut client = Client::start();
    let text = client.open("financial.kpi");
    let everywhere = json!({"textDocument": {"uri": client.uri("financial.kpi")},
                            "range": {"start": {"line": 0, "character": 0},
                                      "end": {"line": 10000, "character": 0}}});
    // The KPIs are scored once the diagnostics are out.
    let hints = client.until("textDocument/inlayHint", everywhere, |hints| {
        hints.as_array().is_some_and(|hints| !hints.is_empty())
    });
    let (line, column) = find(&text, "kpi margin \"Gross margin\"", 25);
    let margin = hints
        .as_array()
        .unwrap()
        .iter()
        .find(|hint| hint["position"]["line"] == line)
        .expect("a hint on the line of margin");
    assert_eq!(margin["position"]["character"], column);
    assert_eq!(margin["label"], "● 38.2% amber");
}

#[test]
fn a_garbage_document_gets_diagnostics_and_the_server_goes_on() {
    let mut client = Client::start();
    let garbage = "}{ ((( kpi \"\u{1F600} @@@ ] objective ] \u{0}\u{7f} 12-- /* {{{ \n ]]] ";
    client.change("financial.kpi", 1, ""); // unknown document: ignored
    let uri = client.uri("financial.kpi");
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "kpi", "version": 1, "text": garbage}}),
    );
    let diagnostics = client.diagnostics(&uri, |d| !d.is_empty());
    assert!(codes(&diagnostics).contains(&"syntax"), "{diagnostics:?}");
    for request in [
        "textDocument/hover",
        "textDocument/definition",
        "textDocument/completion",
    ] {
        client.request(request, client.at("financial.kpi", 0, 3));
    }
    let edits = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(
        edits,
        json!([]),
        "a document that does not parse is not formatted"
    );
    let unknown = client.call("kpic/unknown", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    assert_eq!(client.shut_down(), Some(0));
}

#[test]
fn exit_without_shutdown_is_exit_code_1() {
    let mut client = Client::start();
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_code(), Some(1));
}
