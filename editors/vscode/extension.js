// @ts-check
// The storyfmt extension: starts `storyfmt server` and connects VS Code to it.
// Diagnostics, formatting, fixes, the outline, folding, hover and completion
// all come from the server, which is storyfmt's own parser and checks.
"use strict";

const childProcess = require("child_process");
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

const INSTALL = "pip install 'storyfmt[lsp]'";

/** @type {LanguageClient | undefined} */
let client;

/**
 * The command that starts the server, from the `storyfmt.server.command`
 * setting, with `${workspaceFolder}` standing for the first workspace folder.
 * @returns {{ command: string, args: string[] }}
 */
function serverCommand() {
  const configured = vscode.workspace.getConfiguration("storyfmt").get("server.command");
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? ".";
  const words = (Array.isArray(configured) && configured.length ? configured : ["storyfmt", "server"]).map(
    (word) => String(word).split("${workspaceFolder}").join(folder),
  );
  return { command: words[0], args: words.slice(1) };
}

/**
 * What is wrong with the server command, in a sentence, or undefined when it
 * runs: `storyfmt server --help` must exit 0.
 * @param {string} command
 * @param {string[]} args
 * @returns {string | undefined}
 */
function problemWith(command, args) {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const run = childProcess.spawnSync(command, [...args, "--help"], {
    cwd: folder,
    encoding: "utf-8",
    timeout: 30000,
  });
  const shown = [command, ...args].join(" ");
  if (run.error) {
    const missing = /** @type {NodeJS.ErrnoException} */ (run.error).code === "ENOENT";
    return missing
      ? `storyfmt was not found: \`${command}\` is not a command here. Install it with ${INSTALL}, or set "storyfmt.server.command" to the command that starts it.`
      : `storyfmt could not be started (\`${shown}\`): ${run.error.message}`;
  }
  if (run.status !== 0) {
    const said = (run.stderr || run.stdout || "").trim().split("\n").pop() || `exit status ${run.status}`;
    return `storyfmt could not start its language server (\`${shown}\`): ${said}`;
  }
  return undefined;
}

/**
 * Start the language server, or say clearly why it cannot start.
 * @param {vscode.ExtensionContext} context
 */
async function start(context) {
  const { command, args } = serverCommand();
  const problem = problemWith(command, args);
  if (problem !== undefined) {
    vscode.window.showErrorMessage(problem);
    return;
  }
  client = new LanguageClient(
    "storyfmt",
    "storyfmt",
    { command, args, options: { cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath } },
    {
      // Story files, and plain-text files: the server checks those that the
      // project's `include` patterns make stories, as `storyfmt check` does.
      documentSelector: [{ language: "story" }, { scheme: "file", language: "plaintext" }],
    },
  );
  context.subscriptions.push(client);
  await client.start();
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("storyfmt.restartServer", async () => {
      if (client) {
        await client.stop();
        client = undefined;
      }
      await start(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("storyfmt.server.command")) {
        await vscode.commands.executeCommand("storyfmt.restartServer");
      }
    }),
  );
  await start(context);
}

async function deactivate() {
  if (client) {
    await client.stop();
  }
}

module.exports = { activate, deactivate, problemWith, serverCommand };
