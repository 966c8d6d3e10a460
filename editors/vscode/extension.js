// @ts-check
// The storyfmt extension: starts `storyfmt server` and connects VS Code to it.
// Diagnostics, formatting, fixes, the outline, folding, hover and completion
// all come from the server, which is storyfmt's own parser and checks.
"use strict";

const childProcess = require("child_process");
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

const INSTALL = "pip install 'storyfmt[lsp]'";
const SETTING = "storyfmt.server.command";
const OPEN_SETTINGS = "Open Settings";

/** A client whose deliberate stop (a restart, a change of settings) is quiet. */
class StoryClient extends LanguageClient {
  /**
   * @param {string} message
   * @param {any} [data]
   * @param {boolean | "force"} [showNotification]
   */
  error(message, data, showNotification) {
    if (this.stopping && /^Server process exited with code 0\.$/.test(message)) {
      return;
    }
    super.error(message, data, showNotification);
  }

  async quietStop() {
    this.stopping = true;
    await this.stop();
  }
}

/** @type {StoryClient | undefined} */
let client;
/** The start of the client, settled once it runs or failed to. */
let starting = Promise.resolve();
/** @type {vscode.OutputChannel | undefined} */
let channel;

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
 * serves: started with its input already ended, the server must exit 0 (it
 * exits 2, saying why, when it cannot serve, as without the lsp extra).
 * @param {string} command
 * @param {string[]} args
 * @returns {string | undefined}
 */
function problemWith(command, args) {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const run = childProcess.spawnSync(command, args, {
    cwd: folder,
    encoding: "utf-8",
    input: "",
    timeout: 30000,
  });
  const shown = [command, ...args].join(" ");
  if (run.error) {
    const missing = /** @type {NodeJS.ErrnoException} */ (run.error).code === "ENOENT";
    return missing
      ? `storyfmt was not found: \`${command}\` is not a command here. Install it with ${INSTALL}, or set "${SETTING}" to the command that starts it.`
      : `storyfmt could not be started (\`${shown}\`): ${run.error.message}`;
  }
  if (run.status !== 0) {
    const said = (run.stderr || "").trim().split("\n").pop() || `exit status ${run.status}`;
    return `storyfmt could not start its language server (\`${shown}\`): ${said.replace(/^storyfmt: error: /, "")}`;
  }
  return undefined;
}

/**
 * Show a problem with a button that opens the server command's setting.
 * @param {string} message
 */
async function complain(message) {
  const choice = await vscode.window.showErrorMessage(message, OPEN_SETTINGS);
  if (choice === OPEN_SETTINGS) {
    await vscode.commands.executeCommand("workbench.action.openSettings", SETTING);
  }
}

/** Start the language server, or say clearly why it cannot start. */
async function start() {
  const { command, args } = serverCommand();
  const problem = problemWith(command, args);
  if (problem !== undefined) {
    void complain(problem);
    return;
  }
  const started = new StoryClient(
    "storyfmt",
    "storyfmt",
    { command, args, options: { cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath } },
    {
      // Story files, and plain-text files: the server checks those that the
      // project's `include` patterns make stories, as `storyfmt check` does.
      // Only files and untitled documents: a diff's or a preview's copy of a
      // file would show each of its problems a second time.
      documentSelector: [
        { scheme: "file", language: "story" },
        { scheme: "untitled", language: "story" },
        { scheme: "file", language: "plaintext" },
      ],
      outputChannel: channel,
    },
  );
  client = started;
  starting = started.start().catch((error) => {
    if (client === started) {
      client = undefined;
    }
    const said = error instanceof Error ? error.message : String(error);
    void complain(`storyfmt's language server did not start (\`${[command, ...args].join(" ")}\`): ${said}`);
  });
  await starting;
}

/** Stop the language server, if it runs, quietly (once it has started: a
 * client cannot be stopped while it starts). */
async function stop() {
  await starting;
  const running = client;
  client = undefined;
  if (running) {
    await running.quietStop();
  }
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  // One output channel for the whole session, whatever the restarts.
  channel = vscode.window.createOutputChannel("storyfmt");
  context.subscriptions.push(
    channel,
    { dispose: () => void stop() },
    vscode.commands.registerCommand("storyfmt.restartServer", async () => {
      await stop();
      await start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration(SETTING)) {
        await vscode.commands.executeCommand("storyfmt.restartServer");
      }
    }),
  );
  await start();
}

async function deactivate() {
  await stop();
}

module.exports = { activate, deactivate, problemWith, serverCommand };
