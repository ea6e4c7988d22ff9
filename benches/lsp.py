#!/usr/bin/env python3
"""`kpic lsp` on the 10,000-KPI benchmark project: how long from a one-character edit to the
edited file's new diagnostics, and how long a hover takes.

    cargo bench --bench check -- --generate-only   # writes target/bench-project
    cargo build --release
    python3 benches/lsp.py [--kpic target/release/kpic] [--project target/bench-project] [--runs 20]

The script is the editor: it starts `kpic lsp`, opens one file of the project, then, `--runs`
times, sends a `didChange` that adds (then removes) one space at the end of the file and times
the `publishDiagnostics` of that file; then it times `--runs` × 10 hovers on a KPI id. Figures
are wall times measured here, in the client, so they include the pipes and JSON both ways.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


class Server:
    def __init__(self, kpic, cwd, log):
        self.process = subprocess.Popen(
            [kpic, "lsp"],
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
        )
        self.next_id = 0

    def send(self, message):
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def receive(self):
        length = None
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("kpic lsp closed its output")
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.process.stdout.read(length))

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id and "method" not in message:
                return message.get("result")

    def diagnostics_of(self, uri):
        while True:
            message = self.receive()
            if (
                message.get("method") == "textDocument/publishDiagnostics"
                and message["params"]["uri"] == uri
            ):
                return message["params"]["diagnostics"]


def position_after(text, offset):
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    return {"line": line, "character": len(text[start:offset].encode("utf-16-le")) // 2}


def summary(name, samples):
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    print(
        f"| {name} | {samples[0] * 1000:.1f} | {statistics.median(samples) * 1000:.1f} "
        f"| {p95 * 1000:.1f} | {samples[-1] * 1000:.1f} |"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kpic", default="target/release/kpic")
    parser.add_argument("--project", default="target/bench-project")
    parser.add_argument("--file", default="part_50.kpi")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--log", help="write the server's standard error (a line per check) here")
    args = parser.parse_args()

    project = Path(args.project).resolve()
    path = project / args.file
    if not path.is_file():
        sys.exit(f"{path} is missing: run `cargo bench --bench check -- --generate-only` first")
    uri = path.as_uri()
    text = path.read_text()

    log = open(args.log, "w") if args.log else subprocess.DEVNULL
    server = Server(os.path.abspath(args.kpic), project, log)
    server.request("initialize", {"processId": None, "rootUri": project.as_uri(), "capabilities": {}})
    server.notify("initialized", {})

    started = time.perf_counter()
    server.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "kpi", "version": 1, "text": text}},
    )
    first = server.diagnostics_of(uri)
    cold = time.perf_counter() - started
    if first:
        sys.exit(f"the project is not clean: {first[:3]}")

    edits = []
    version = 1
    for run in range(args.runs):
        version += 1
        end = position_after(text, len(text))
        if run % 2 == 0:
            change = {"range": {"start": end, "end": end}, "text": " "}
            text += " "
        else:
            before = position_after(text, len(text) - 1)
            change = {"range": {"start": before, "end": end}, "text": ""}
            text = text[:-1]
        started = time.perf_counter()
        server.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
        )
        server.diagnostics_of(uri)
        edits.append(time.perf_counter() - started)
        # Let the KPIs be scored before the next edit, as a person's pause would.
        time.sleep(0.3)

    kpi = text.index("\nkpi ") + len("\nkpi ")
    where = {"textDocument": {"uri": uri}, "position": position_after(text, kpi + 1)}
    hovers = []
    for _ in range(args.runs * 10):
        started = time.perf_counter()
        result = server.request("textDocument/hover", where)
        hovers.append(time.perf_counter() - started)
        assert result and "KPI" in result["contents"]["value"], result

    server.request("shutdown", None)
    server.notify("exit", None)
    server.process.wait(timeout=30)

    kpis = sum(f.read_text().count("\nkpi ") for f in project.glob("*.kpi"))
    print(f"project: {project} ({kpis:,} KPIs); edited file: {args.file}; runs: {args.runs}")
    print(f"open to first diagnostics (cold: load, parse, check): {cold * 1000:.0f} ms")
    print()
    print("| measure (ms) | min | median | p95 | max |")
    print("| --- | --- | --- | --- | --- |")
    summary("one-character edit to the file's diagnostics", edits)
    summary("hover on a KPI id", hovers)


if __name__ == "__main__":
    main()
