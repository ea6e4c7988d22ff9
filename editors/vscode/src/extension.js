// The kpic extension: starts `kpic lsp` (the binary named by the `kpic.path` setting) over
// standard input/output for `.kpi` documents, and tells it when `.kpi` and data files change on
// disk. Highlighting comes from syntaxes/kpi.tmLanguage.json and needs no code.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

/** @type {LanguageClient | undefined} */
let client;

function command() {
  return vscode.workspace.getConfiguration("kpic").get("path") || "kpic";
}

/** Starts the server; one that cannot start is reported, and highlighting goes on without it. */
async function start(fileEvents) {
  const run = { command: command(), args: ["lsp"], transport: TransportKind.stdio };
  client = new LanguageClient(
    "kpic",
    "kpic",
    { run, debug: run },
    { documentSelector: [{ language: "kpi" }], synchronize: { fileEvents } },
  );
  try {
    await client.start();
  } catch (error) {
    vscode.window.showErrorMessage(
      `kpic: could not start \`${run.command} lsp\` (${error.message || error}). ` +
        "Install kpic and put it on PATH, or set kpic.path to the binary.",
    );
  }
}

async function stop() {
  const running = client;
  client = undefined;
  if (running) await running.stop().catch(() => {});
}

async function activate(context) {
  const fileEvents = [
    vscode.workspace.createFileSystemWatcher("**/*.kpi"),
    vscode.workspace.createFileSystemWatcher("**/*.{csv,json,ndjson}"),
  ];
  const restart = async () => {
    await stop();
    await start(fileEvents);
  };
  context.subscriptions.push(
    ...fileEvents,
    vscode.commands.registerCommand("kpic.restartServer", restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("kpic.path")) return restart();
    }),
  );
  await start(fileEvents);
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
