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
const seen = {
  errors: [],
  buttons: [],
  clients: [],
  channels: [],
  commands: {},
  executed: [],
  logged: [],
  setting: undefined,
  startFails: false,
  choose: undefined,
};

const vscode = {
  workspace: {
    workspaceFolders: undefined,
    getConfiguration: () => ({ get: () => seen.setting }),
    onDidChangeConfiguration: () => ({ dispose() {} }),
  },
  window: {
    showErrorMessage: async (message, ...buttons) => {
      seen.errors.push(message);
      seen.buttons.push(buttons);
      return seen.choose;
    },
    createOutputChannel: (name) => {
      const made = { name, dispose() {} };
      seen.channels.push(made);
      return made;
    },
  },
  commands: {
    registerCommand: (name, run) => {
      seen.commands[name] = run;
      return { dispose() {} };
    },
    executeCommand: async (...args) => seen.executed.push(args),
  },
};

class LanguageClient {
  constructor(id, name, server, options) {
    this.record = { id, name, server, options, stopped: false };
    seen.clients.push(this.record);
  }
  async start() {
    this.record.state = "starting";
    await new Promise((resolve) => setTimeout(resolve, seen.startDelay ?? 0));
    this.record.state = "running";
    if (seen.startFails) throw new Error("Server initialization failed.");
  }
  async stop() {
    if (this.record.state !== "running") {
      throw new Error(`Client is not running and can't be stopped. It's current state is: ${this.record.state}`);
    }
    this.record.stopped = true;
    this.error("Server process exited with code 0.", undefined, false);
  }
  error(message) {
    seen.logged.push(message);
  }
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
  Object.assign(seen, {
    errors: [],
    buttons: [],
    clients: [],
    channels: [],
    executed: [],
    logged: [],
    setting,
  });
  await extension.activate({ subscriptions: [] });
}

test("it starts the configured command", async () => {
  const fake = script("exit 0");
  await activate([fake, "server", "--isolated"]);
  assert.deepEqual(seen.errors, []);
  assert.equal(seen.clients.length, 1);
  assert.deepEqual(seen.clients[0].server.command, fake);
  assert.deepEqual(seen.clients[0].server.args, ["server", "--isolated"]);
  assert.equal(seen.clients[0].options.outputChannel, seen.channels[0]);
});

test("only files and untitled documents are served, never a diff's copy", async () => {
  await activate([script("exit 0"), "server"]);
  assert.deepEqual(seen.clients[0].options.documentSelector, [
    { scheme: "file", language: "story" },
    { scheme: "untitled", language: "story" },
    { scheme: "file", language: "plaintext" },
  ]);
});

test("restarts keep one output channel and are quiet", async () => {
  await activate([script("exit 0"), "server"]);
  await seen.commands["storyfmt.restartServer"]();
  await seen.commands["storyfmt.restartServer"]();
  assert.equal(seen.channels.length, 1);
  assert.equal(seen.clients.length, 3);
  assert.deepEqual(
    seen.clients.map((each) => each.stopped),
    [true, true, false],
  );
  assert.deepEqual(seen.logged, [], "a deliberate stop logs no error");
  assert.ok(seen.clients.every((each) => each.options.outputChannel === seen.channels[0]));
});

test("a restart while the server starts waits for it to start", async () => {
  seen.startDelay = 50;
  try {
    const activating = activate([script("exit 0"), "server"]);
    await new Promise((resolve) => setImmediate(resolve));
    await seen.commands["storyfmt.restartServer"]();
    await activating;
  } finally {
    seen.startDelay = 0;
  }
  assert.deepEqual(
    seen.clients.map((each) => each.stopped),
    [true, false],
  );
  assert.deepEqual(seen.errors, []);
});

test("a server that fails to start is said, with the setting's button", async () => {
  seen.startFails = true;
  try {
    await activate([script("exit 0"), "server"]);
  } finally {
    seen.startFails = false;
  }
  assert.equal(seen.errors.length, 1);
  assert.match(seen.errors[0], /language server did not start .*Server initialization failed/);
  assert.deepEqual(seen.buttons[0], ["Open Settings"]);
});

test("the button opens the server command's setting", async () => {
  seen.choose = "Open Settings";
  try {
    await activate(["/nowhere/storyfmt", "server"]);
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    seen.choose = undefined;
  }
  assert.deepEqual(seen.executed, [["workbench.action.openSettings", "storyfmt.server.command"]]);
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
  assert.deepEqual(seen.buttons[0], ["Open Settings"]);
});

test("it passes on what storyfmt says when it cannot serve", async () => {
  const fake = script(
    "echo \"storyfmt: error: storyfmt server needs the lsp extra: pip install 'storyfmt[lsp]'\" >&2; exit 2",
  );
  await activate([fake, "server"]);
  assert.equal(seen.clients.length, 0);
  assert.equal(seen.errors.length, 1);
  assert.match(
    seen.errors[0],
    /could not start its language server \(`.* server`\): storyfmt server needs the lsp extra: pip install 'storyfmt\[lsp\]'$/,
  );
  assert.deepEqual(seen.buttons[0], ["Open Settings"]);
});

test("the real storyfmt server starts and ends with its input", { skip: !process.env.STORYFMT_COMMAND }, () => {
  const command = process.env.STORYFMT_COMMAND;
  assert.equal(extension.problemWith(command, ["server"]), undefined);
});

test(
  "a real storyfmt without the lsp extra fails the probe",
  { skip: !process.env.STORYFMT_WITHOUT_LSP },
  () => {
    const said = extension.problemWith(process.env.STORYFMT_WITHOUT_LSP, ["server"]);
    assert.match(said ?? "", /needs the lsp extra: pip install 'storyfmt\[lsp\]'/);
  },
);
