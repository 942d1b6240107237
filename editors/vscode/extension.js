// Starts `govrules lsp` for .rules files. The server does the work; this only launches it.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("govrules");
  if (!config.get("server.enabled", true)) {
    return;
  }
  const command = config.get("server.command", "govrules");
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "govrules",
    "govrules",
    { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "govrules" }] }
  );
  context.subscriptions.push(client);
  client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
