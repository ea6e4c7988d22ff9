// The kpic extension: starts `kpic lsp` (the binary named by the `kpic.path` setting) over
// standard input/output for `.kpi` documents, and tells it when data files change on disk.
// Highlighting comes from syntaxes/kpi.tmLanguage.json and needs no code.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

/** @type {LanguageClient | undefined} */
let client;

function serverOptions() {
  const command = vscode.workspace.getConfiguration("kpic").get("path") || "kpic";
  const run = { command, args: ["lsp"], transport: TransportKind.stdio };
  return { run, debug: run };
}

async function start(context) {
  const dataFiles = vscode.workspace.createFileSystemWatcher("**/*.{csv,json,ndjson}");
  const kpiFiles = vscode.workspace.createFileSystemWatcher("**/*.kpi");
  context.subscriptions.push(dataFiles, kpiFiles);
  client = new LanguageClient("kpic", "kpic", serverOptions(), {
    documentSelector: [{ language: "kpi" }],
    synchronize: { fileEvents: [dataFiles, kpiFiles] },
  });
  try {
    await client.start();
  } catch (error) {
    const path = vscode.workspace.getConfiguration("kpic").get("path");
    vscode.window.showErrorMessage(
      `kpic: could not start \`${path} lsp\` (${error.message || error}). ` +
        "Install kpic and put it on PATH, or set kpic.path to the binary.",
    );
  }
}

async function stop() {
  if (client) {
    const running = client;
    client = undefined;
    await running.stop().catch(() => {});
  }
}

async function activate(context) {
  await start(context);
  context.subscriptions.push(
    vscode.commands.registerCommand("kpic.restartServer", async () => {
      await stop();
      await start(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("kpic.path")) {
        await stop();
        await start(context);
      }
    }),
  );
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
