// The extension against a stand-in for VS Code: which command it starts, and
// what it says when storyfmt is missing or cannot serve.
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const Module = require("node:module");
const os = require("node:os");
const path = require("node:path");
const test = require("node:test");

/** What the stand-ins saw. */
const seen = { errors: [], clients: [], setting: undefined };

const vscode = {
  workspace: {
    workspaceFolders: undefined,
    getConfiguration: () => ({ get: () => seen.setting }),
    onDidChangeConfiguration: () => ({ dispose() {} }),
  },
  window: { showErrorMessage: (message) => seen.errors.push(message) },
  commands: { registerCommand: () => ({ dispose() {} }), executeCommand: async () => {} },
};

class LanguageClient {
  constructor(id, name, server, options) {
    seen.clients.push({ id, name, server, options });
  }
  async start() {}
  async stop() {}
  dispose() {}
}

const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === "vscode") return vscode;
  if (request === "vscode-languageclient/node") return { LanguageClient };
  return load.call(this, request, ...rest);
};
const extension = require("../extension.js");

function script(body) {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "storyfmt-"));
  const file = path.join(folder, "fake-storyfmt");
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

async function activate(setting) {
  seen.errors = [];
  seen.clients = [];
  seen.setting = setting;
  await extension.activate({ subscriptions: [] });
}

test("it starts the configured command", async () => {
  const fake = script("exit 0");
  await activate([fake, "server", "--isolated"]);
  assert.deepEqual(seen.errors, []);
  assert.equal(seen.clients.length, 1);
  assert.deepEqual(seen.clients[0].server.command, fake);
  assert.deepEqual(seen.clients[0].server.args, ["server", "--isolated"]);
  assert.deepEqual(seen.clients[0].options.documentSelector[0], { language: "story" });
});

test("the default command is storyfmt server", () => {
  seen.setting = undefined;
  assert.deepEqual(extension.serverCommand(), { command: "storyfmt", args: ["server"] });
});

test("${workspaceFolder} stands for the workspace's folder", () => {
  vscode.workspace.workspaceFolders = [{ uri: { fsPath: "/home/me/news" } }];
  seen.setting = ["${workspaceFolder}/.venv/bin/storyfmt", "server"];
  try {
    assert.deepEqual(extension.serverCommand(), {
      command: "/home/me/news/.venv/bin/storyfmt",
      args: ["server"],
    });
  } finally {
    vscode.workspace.workspaceFolders = undefined;
  }
});

test("it says clearly when storyfmt is missing", async () => {
  await activate(["/nowhere/storyfmt", "server"]);
  assert.equal(seen.clients.length, 0);
  assert.equal(seen.errors.length, 1);
  assert.match(seen.errors[0], /^storyfmt was not found: `\/nowhere\/storyfmt` is not a command here\./);
  assert.match(seen.errors[0], /pip install 'storyfmt\[lsp\]'/);
});

test("it passes on what storyfmt says when it cannot serve", async () => {
  const fake = script(
    "echo \"storyfmt: error: storyfmt server needs the lsp extra: pip install 'storyfmt[lsp]'\" >&2; exit 2",
  );
  await activate([fake, "server"]);
  assert.equal(seen.clients.length, 0);
  assert.match(seen.errors[0], /could not start its language server .*needs the lsp extra/);
});

test("the real storyfmt server answers --help", { skip: !process.env.STORYFMT_COMMAND }, () => {
  const command = process.env.STORYFMT_COMMAND;
  assert.equal(extension.problemWith(command, ["server"]), undefined);
});
