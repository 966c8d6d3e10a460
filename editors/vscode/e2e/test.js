// The end-to-end test of the packaged extension, as a person uses it: code-server
// in Debian's Chromium, driven by playwright-core. run.sh starts code-server and
// runs this once per scenario:
//
//   node test.js --scenario main|without-lsp --url URL --workspace DIR --shots DIR --storyfmt CMD
//
// "main" uses a storyfmt with the lsp extra (--storyfmt, also used here to say
// what the editor must show); "without-lsp" one without it. Each check is
// reported on its own line; the last line counts them, and the exit status is 1
// when any failed.
"use strict";

const assert = require("assert/strict");
const childProcess = require("child_process");
const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

const options = parseArguments(process.argv.slice(2));
const WORKSPACE = options.workspace;
const STORYFMT = options.storyfmt;
const BROKEN = "stories/broken.story";
const GOOD = "stories/good.story";
const NOTES = "notes.txt";
const LSP_EXTRA = "needs the lsp extra: pip install 'storyfmt[lsp]'";

function parseArguments(words) {
  const found = {};
  for (let index = 0; index < words.length; index += 2) {
    if (!words[index].startsWith("--") || words[index + 1] === undefined) {
      throw new Error(`usage: node test.js --scenario NAME --url URL --workspace DIR --shots DIR --storyfmt CMD`);
    }
    found[words[index].slice(2)] = words[index + 1];
  }
  for (const name of ["scenario", "url", "workspace", "shots"]) {
    if (!found[name]) throw new Error(`--${name} is missing`);
  }
  return found;
}

// --- Reporting -------------------------------------------------------------------

const results = [];
let shotNumber = 0;
/** @type {import("playwright-core").Page} */
let page;

async function screenshot(name) {
  shotNumber += 1;
  const file = path.join(options.shots, `${options.scenario}-${String(shotNumber).padStart(2, "0")}-${name}.png`);
  try {
    await page.screenshot({ path: file });
  } catch (error) {
    console.log(`  (no screenshot ${file}: ${error.message})`);
  }
  return file;
}

/** Run one check: a failure is reported with a screenshot, and the next check runs. */
async function check(name, body) {
  const started = Date.now();
  try {
    await body();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}\n     ${String(error.message || error).split("\n").join("\n     ")}`);
    const file = await screenshot(`FAILED-${slug(name)}`);
    console.log(`     screenshot: ${file}`);
    // A modal dialog (such as a command's error) blocks the next checks: say what it said, and close it.
    const dialog = page.locator(".monaco-dialog-box");
    if (await dialog.isVisible().catch(() => false)) {
      console.log(`     a dialog was open: ${(await dialog.innerText()).replace(/\s+/g, " ").trim()}`);
    }
    await page.keyboard.press("Escape").catch(() => {});
    await page.keyboard.press("Escape").catch(() => {});
  }
}

function slug(text) {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Wait until `probe` returns a truthy value, and return it; else throw, saying
 * what was awaited and what `describe` says of the last state seen. */
async function waitUntil(probe, { timeout = 30000, what, describe }) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = undefined;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const seen = describe ? `\nlast seen: ${await describe().catch((error) => error.message)}` : "";
      throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}${last ? `: ${last.message}` : ""}${seen}`);
    }
    await sleep(200);
  }
}

// --- What storyfmt itself says -------------------------------------------------------

function storyfmt(args, input) {
  const run = childProcess.spawnSync(STORYFMT, args, { cwd: WORKSPACE, input, encoding: "buffer" });
  if (run.error) throw run.error;
  if (run.status !== 0 && run.status !== 1) {
    throw new Error(`${STORYFMT} ${args.join(" ")} exited ${run.status}: ${run.stderr.toString()}`);
  }
  return run.stdout;
}

/** The problems `storyfmt check` reports for a file (or for `text` as that file),
 * as the Problems panel should list them. */
function expectedProblems(file, text) {
  const args = ["check", "--output-format", "json"];
  const report = JSON.parse(
    text === undefined
      ? storyfmt([...args, file]).toString()
      : storyfmt([...args, "--stdin-filename", file, "-"], Buffer.from(text)).toString(),
  );
  return report.diagnostics.map((item) => ({
    severity: item.severity,
    code: item.code,
    line: item.line,
    column: item.column,
    message: item.message,
    hint: item.hint,
    fixable: item.fix !== null,
    name: item.name,
  }));
}

/** A rule's documentation, as `storyfmt check --output-format sarif` carries it. */
function ruleDocumentation(file, code) {
  const sarif = JSON.parse(storyfmt(["check", "--output-format", "sarif", file]).toString());
  const rule = sarif.runs[0].tool.driver.rules.find((item) => item.id === code);
  assert.ok(rule, `the SARIF output has no rule ${code}`);
  return rule.fullDescription.text;
}

const normalize = (text) => text.replace(/[`*]/g, "").replace(/\s+/g, " ").trim();

// --- Driving the workbench ------------------------------------------------------------

async function openWorkbench(browser) {
  page = await browser.newPage({ viewport: { width: 1600, height: 1100 } });
  await page.goto(options.url);
  await page.locator(".monaco-workbench").waitFor({ timeout: 60000 });
  // The explorer lists the workspace's files once the window is ready.
  await page.locator('.explorer-folders-view .monaco-list-row[aria-label="stories"]').waitFor({ timeout: 60000 });
}

const quickInput = () => page.locator(".quick-input-widget");

/** Choose the `nth` entry of the open quick input for which `matches(aria-label)`,
 * moving the selection with the arrow keys, as a person would. */
async function pick(matches, what, nth = 0) {
  const rows = quickInput().locator(".monaco-list-row");
  const entries = () =>
    rows.evaluateAll((items) => items.map((item) => ({ label: item.getAttribute("aria-label") || "", index: item.dataset.index, focused: item.classList.contains("focused") })));
  const wanted = (list) => list.filter((entry) => matches(entry.label))[nth];
  await waitUntil(async () => wanted(await entries()), {
    timeout: 15000,
    what: `${what} in the list`,
    describe: async () => JSON.stringify((await entries()).map((entry) => entry.label)),
  });
  for (let step = 0; step < 60; step += 1) {
    const list = await entries();
    const target = wanted(list);
    const focused = list.find((entry) => entry.focused);
    if (target && focused && focused.index === target.index) {
      const input = quickInput().locator("input");
      const typed = await input.inputValue();
      await page.keyboard.press("Enter");
      // Done when the quick input closes, or shows what the choice opened.
      await waitUntil(async () => !(await quickInput().isVisible()) || (await input.inputValue()) !== typed, {
        timeout: 10000,
        what: `the quick input to take ${what}`,
      });
      return;
    }
    await page.keyboard.press(focused && target && Number(focused.index) > Number(target.index) ? "ArrowUp" : "ArrowDown");
  }
  throw new Error(`could not select ${what}`);
}

/** Run a command from the Command Palette (F1), by its title. */
async function runCommand(title) {
  await page.keyboard.press("F1");
  const input = quickInput().locator("input");
  await input.waitFor({ state: "visible" });
  await input.fill(`>${title}`);
  await pick((label) => label === title || label.startsWith(`${title},`), `the command "${title}"`);
}

/** Open a workspace file with Quick Open (Ctrl+P), and wait for its tab. */
async function openFile(file) {
  const name = path.basename(file);
  await page.keyboard.press("Control+P");
  const input = quickInput().locator("input");
  await input.waitFor({ state: "visible" });
  await input.fill(file);
  await pick((label) => label === name || label.startsWith(`${name},`) || label.startsWith(`${name} `), `the file ${file}`);
  await activeTab(name).waitFor({ timeout: 15000 });
}

const activeTab = (name) => page.locator(`.tabs-container .tab.active:is([aria-label="${name}"], [aria-label^="${name},"])`);
const editor = () => page.locator(".editor-group-container.active .monaco-editor").first();

async function languageMode() {
  return (await page.locator('[id="status.editor.mode"]').innerText()).trim();
}

/** The line of the active editor whose text is `text` (the first, if several). */
function editorLine(text) {
  return editor()
    .locator(".view-lines .view-line")
    .filter({ hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) })
    .first();
}

async function goToLine(line) {
  await editor().locator(".view-lines").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("Control+G");
  const input = quickInput().locator("input");
  await input.waitFor({ state: "visible" });
  await input.fill(`:${line}`);
  await page.keyboard.press("Enter");
  await quickInput().waitFor({ state: "hidden" });
  await waitUntil(async () => (await page.locator('[id="status.editor.selection"]').innerText()).includes(`Ln ${line},`), {
    what: `the cursor on line ${line}`,
  });
}

/** Show the Problems panel and read it: each file, and the problems under it. */
async function readProblems() {
  const panel = page.locator(".markers-panel");
  if (!(await panel.isVisible())) {
    await runCommand("Problems: Focus on Problems View");
    await panel.waitFor({ state: "visible" });
  }
  const rows = await panel.locator(".monaco-list-row").evaluateAll((items) =>
    items.map((row) => {
      const text = (selector) => [...row.querySelectorAll(selector)].map((element) => element.textContent);
      if (row.getAttribute("aria-level") === "1") {
        return { file: text(".label-name")[0], folder: text(".label-description")[0] || "", label: row.getAttribute("aria-label") };
      }
      const icon = row.querySelector(".marker-icon");
      return {
        severity: ["error", "warning", "info"].find((kind) => icon && icon.classList.contains(kind)),
        message: text(".marker-message").join("\n"),
        source: text(".marker-source")[0],
        code: text(".marker-code")[0],
        position: text(".marker-line")[0],
        level: row.getAttribute("aria-level"),
      };
    }),
  );
  const files = [];
  for (const row of rows) {
    if (row.file !== undefined) {
      const count = /^(\d+) problems? in file/.exec(row.label || "");
      files.push({ file: row.file, folder: row.folder, count: count ? Number(count[1]) : undefined, problems: [] });
    } else if (row.level === "2" && files.length) {
      const position = /Ln (\d+), Col (\d+)/.exec(row.position || "");
      files[files.length - 1].problems.push({
        severity: row.severity,
        code: row.code,
        line: position ? Number(position[1]) : undefined,
        column: position ? Number(position[2]) : undefined,
        message: row.message,
        source: row.source,
      });
    }
  }
  for (const file of files) {
    if (file.count !== undefined && file.count !== file.problems.length) {
      throw new Error(`the Problems panel shows ${file.problems.length} of the ${file.count} problems of ${file.file}: it is too small`);
    }
  }
  return files;
}

const showProblem = (item) => `${item.severity} ${item.code} ${item.line}:${item.column} ${JSON.stringify(item.message)}`;

/** Whether the problems listed for `file` are exactly `expected`, each once. */
function sameProblems(files, file, expected) {
  const name = path.basename(file);
  const listed = files.filter((entry) => entry.file === name);
  if (expected.length === 0) return listed.length === 0;
  if (listed.length !== 1) return false;
  // The panel sorts by severity, then position: compare in one order.
  const order = (a, b) => a.line - b.line || a.column - b.column || String(a.code).localeCompare(String(b.code));
  const shown = [...listed[0].problems].sort(order);
  if (shown.length !== expected.length) return false;
  return [...expected].sort(order).every((want, index) => {
    const got = shown[index];
    return (
      got.severity === want.severity &&
      got.code === want.code &&
      got.line === want.line &&
      got.column === want.column &&
      got.source === "storyfmt" &&
      got.message.split("\n")[0] === want.message &&
      (!want.hint || got.message.includes(want.hint))
    );
  });
}

async function waitForProblems(file, expected, what) {
  let files;
  await waitUntil(async () => sameProblems((files = await readProblems()), file, expected), {
    timeout: 60000,
    what,
    describe: async () =>
      `\n  expected: ${expected.map(showProblem).join("\n            ")}\n  panel:    ${JSON.stringify(files, null, 1)}`,
  });
  return files;
}

const toasts = () =>
  page.locator(".notifications-toasts .notification-list-item").evaluateAll((items) =>
    items.map((item) => item.closest(".monaco-list-row")?.getAttribute("aria-label") || item.textContent),
  );

/** Every notification of the window, from the Notification Center: its text,
 * severity and buttons. */
async function allNotifications() {
  await runCommand("Notifications: Show Notifications");
  const center = page.locator(".notifications-center");
  await center.waitFor({ state: "visible" });
  await sleep(300);
  // The list shows only what fits: scroll it until no new notification comes.
  const found = new Map();
  for (let round = 0; round < 20; round += 1) {
    const rows = await center.locator(".monaco-list-row").evaluateAll((items) =>
      items.map((row) => ({
        index: row.dataset.index,
        label: row.getAttribute("aria-label") || "",
        message: row.querySelector(".notification-list-item-message")?.textContent || "",
        severity: ["error", "warning", "info"].find((kind) => row.querySelector(`.codicon-${kind}`)) || "",
        buttons: [...row.querySelectorAll(".notification-list-item-buttons-container .monaco-button")].map((button) =>
          button.textContent.trim(),
        ),
      })),
    );
    const before = found.size;
    for (const row of rows) found.set(row.index, row);
    if (round > 0 && found.size === before) break;
    const box = await center.locator(".monaco-list").first().boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 200);
    await sleep(200);
  }
  return [...found.values()];
}

async function clearNotifications() {
  await runCommand("Notifications: Clear All Notifications");
}

/** The text shown in the Output panel for each channel named `name`. */
async function outputChannels(name) {
  await runCommand("Output: Show Output Channels...");
  const rows = quickInput().locator(".monaco-list-row");
  await rows.first().waitFor();
  const labels = await rows.evaluateAll((items) => items.map((item) => item.getAttribute("aria-label")));
  await page.keyboard.press("Escape");
  const count = labels.filter((label) => label === name).length;
  const texts = [];
  for (let index = 0; index < count; index += 1) {
    await runCommand("Output: Show Output Channels...");
    await pick((label) => label === name, `output channel ${name} #${index + 1}`, index);
    const view = page.locator(".part.panel .monaco-editor .view-lines");
    await view.waitFor({ state: "visible" });
    await sleep(500);
    // Editors draw spaces as no-break spaces.
    texts.push((await view.innerText()).replace(/\u00a0/g, " "));
  }
  return { labels, texts };
}

// --- The scenarios -------------------------------------------------------------------

/** Wait until the language server checks an edit of broken.story (a character
 * added to the Virality value, then undone): it is running. */
async function serverAnswers(mark) {
  const saved = fs.readFileSync(path.join(WORKSPACE, BROKEN), "utf-8");
  const lines = saved.split("\n");
  const value = lines.indexOf("Virality") + 1;
  assert.ok(value > 0, `no Virality in ${BROKEN}`);
  await goToLine(value + 1);
  await page.keyboard.press("End");
  await page.keyboard.type(mark);
  lines[value] += mark;
  await waitForProblems(BROKEN, expectedProblems(BROKEN, lines.join("\n")), `the server to check an edit of ${BROKEN}`);
  await page.keyboard.press("Control+Z");
  await waitForProblems(BROKEN, expectedProblems(BROKEN), `the server to check the undone edit of ${BROKEN}`);
}

async function main() {
  const brokenText = fs.readFileSync(path.join(WORKSPACE, BROKEN), "utf-8");
  const goodBytes = fs.readFileSync(path.join(WORKSPACE, GOOD));
  const expected = expectedProblems(BROKEN);
  assert.ok(expected.length >= 2, `${BROKEN} has too few problems to test: ${JSON.stringify(expected)}`);
  const fixable = expected.find((item) => item.fixable);
  assert.ok(fixable, `${BROKEN} has no fixable problem`);
  assert.deepEqual(expectedProblems(GOOD), [], `${GOOD} is not valid`);
  const formatted = storyfmt(["fmt", "--stdin-filename", GOOD, "-"], goodBytes);
  assert.notDeepEqual(formatted, goodBytes, `${GOOD} is canonical already: formatting it would test nothing`);

  // Opened first, so that anything the server says of it comes before the
  // problems of the story opened next.
  await check("notes.txt opens as plain text", async () => {
    await openFile(NOTES);
    await waitUntil(async () => (await languageMode()) === "Plain Text", { what: "the language mode Plain Text" });
  });

  await check("broken.story: the Problems panel lists what storyfmt check reports, each once", async () => {
    await openFile(BROKEN);
    await waitForProblems(BROKEN, expected, `the problems of ${BROKEN}`);
    await screenshot("broken-problems");
  });

  await check("notes.txt gets no diagnostics", async () => {
    const files = await readProblems();
    const notes = files.filter((entry) => entry.file === NOTES);
    assert.deepEqual(notes, [], `problems listed for ${NOTES}`);
  });

  await check("broken.story: the language mode is Story, and it is highlighted", async () => {
    await waitUntil(async () => (await languageMode()) === "Story", {
      what: "the language mode Story",
      describe: languageMode,
    });
    const tokens = await waitUntil(
      async () => {
        const found = await editor()
          .locator(".view-lines .view-line span > span")
          .evaluateAll((spans) =>
            spans.filter((span) => span.textContent.trim()).map((span) => ({ kind: span.className, color: getComputedStyle(span).color })),
          );
        const kinds = new Set(found.map((token) => token.kind));
        const colors = new Set(found.map((token) => token.color));
        return kinds.size > 1 && colors.size > 1 ? { kinds, colors } : false;
      },
      { what: "tokens in more than one colour" },
    );
    console.log(`     ${tokens.kinds.size} token classes, ${tokens.colors.size} colours`);
  });

  await check(`broken.story: hovering the ${fixable.code} problem shows the rule's documentation`, async () => {
    const line = fixable.line;
    const text = brokenText.split("\n")[line - 1];
    const target = editorLine(text);
    await target.waitFor();
    const box = await target.locator("span > span").first().boundingBox();
    const hover = page.locator(".monaco-hover:not(.hidden)").filter({ hasText: `${fixable.code} ${fixable.name}` });
    await waitUntil(
      async () => {
        await page.mouse.move(box.x + box.width / 2 + 1, box.y + box.height / 2);
        await sleep(100);
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        return hover.first().waitFor({ state: "visible", timeout: 3000 }).then(() => true);
      },
      { timeout: 30000, what: `a hover with ${fixable.code} ${fixable.name}` },
    );
    const shown = normalize(await hover.first().innerText());
    const docs = normalize(ruleDocumentation(BROKEN, fixable.code));
    const sentence = docs.split(/(?<=\.) /)[0];
    assert.ok(shown.includes(sentence), `the hover lacks the documentation's first sentence ${JSON.stringify(sentence)}:\n${shown}`);
    await screenshot("broken-hover");
    fs.copyFileSync(await screenshot("editor"), path.join(options.shots, "editor.png"));
    await page.mouse.move(5, 600);
    await page.keyboard.press("Escape");
  });

  await check('broken.story: Format Document is refused with a "not formatted" message', async () => {
    await clearNotifications();
    await editor().locator(".view-lines").click({ position: { x: 5, y: 5 } });
    await runCommand("Format Document");
    await waitUntil(async () => (await toasts()).find((text) => text.includes("not formatted")), {
      timeout: 20000,
      what: 'a notification saying "not formatted"',
      describe: async () => JSON.stringify(await toasts()),
    });
    await screenshot("broken-format-refused");
    assert.equal(fs.readFileSync(path.join(WORKSPACE, BROKEN), "utf-8"), brokenText, `${BROKEN} changed`);
    assert.equal(await activeTab(path.basename(BROKEN)).evaluate((tab) => tab.classList.contains("dirty")), false, `${BROKEN} was changed in the editor`);
    await clearNotifications();
  });

  const fixed = expected.filter((item) => item !== fixable);
  await check(`broken.story: the quick fix for ${fixable.code} changes the file and clears that problem`, async () => {
    await goToLine(fixable.line);
    await page.keyboard.press("Control+.");
    const menu = page.locator(".action-widget");
    await menu.waitFor({ state: "visible", timeout: 15000 });
    const want = (label) => label.includes(`(${fixable.code})`);
    await waitUntil(async () => (await menu.locator('[role="option"]').evaluateAll((items) => items.map((item) => item.getAttribute("aria-label")))).some(want), {
      what: `a fix for ${fixable.code}`,
    });
    await screenshot("broken-quick-fix-menu");
    for (let step = 0; step < 10; step += 1) {
      const focused = await menu.locator('[role="option"].focused').getAttribute("aria-label").catch(() => null);
      if (focused && want(focused)) break;
      await page.keyboard.press("ArrowDown");
    }
    await page.keyboard.press("Enter");
    await menu.waitFor({ state: "hidden" });
    await waitForProblems(BROKEN, fixed, `only the problems other than ${fixable.code}`);
    await page.keyboard.press("Control+S");
    const onDisk = () => fs.readFileSync(path.join(WORKSPACE, BROKEN), "utf-8");
    await waitUntil(async () => onDisk() !== brokenText, { what: `${BROKEN} to change on disk` });
    assert.deepEqual(
      expectedProblems(BROKEN).map(showProblem),
      fixed.map(showProblem),
      `storyfmt check of the fixed ${BROKEN}`,
    );
    await screenshot("broken-quick-fixed");
  });

  await check("Compare Active File with Saved on a modified broken.story shows each problem once (7a)", async () => {
    // Change the file in the editor, not on disk: the Virality value "high" becomes "higher".
    const saved = fs.readFileSync(path.join(WORKSPACE, BROKEN), "utf-8");
    const lines = saved.split("\n");
    const virality = lines.indexOf("Virality");
    assert.ok(virality >= 0 && lines[virality + 1] === "high", "no Virality of high to change");
    await goToLine(virality + 2);
    await page.keyboard.press("End");
    await page.keyboard.type("er");
    lines[virality + 1] = "higher";
    const modified = expectedProblems(BROKEN, lines.join("\n"));
    await waitForProblems(BROKEN, modified, "the problems of the modified text");
    await runCommand("File: Compare Active File with Saved");
    await page.locator(".editor-group-container.active .monaco-diff-editor").waitFor({ timeout: 15000 });
    // What the server says of the saved side, if it is sent that side, comes
    // within this time (the first check took well under a second).
    await sleep(3000);
    const files = await readProblems();
    await screenshot("broken-compare-with-saved");
    const listed = files.filter((entry) => entry.file === path.basename(BROKEN));
    const all = listed.flatMap((entry) => entry.problems.map((item) => `${item.code} line ${item.line}`));
    assert.equal(listed.length, 1, `${BROKEN} is listed ${listed.length} times in the Problems panel: ${JSON.stringify(listed, null, 1)}`);
    assert.equal(new Set(all).size, all.length, `a problem is listed twice: ${all.join(", ")}`);
    assert.ok(sameProblems(files, BROKEN, modified), `the Problems panel does not list the modified text's problems: ${JSON.stringify(files, null, 1)}`);
  });

  await check("the modified broken.story is closed without saving", async () => {
    await runCommand("View: Close Editor"); // the comparison
    await activeTab(path.basename(BROKEN)).waitFor();
    await runCommand("File: Revert File");
    await waitUntil(async () => !(await activeTab(path.basename(BROKEN)).evaluate((tab) => tab.classList.contains("dirty"))), {
      what: `${BROKEN} to be reverted`,
    });
  });

  await check("good.story: Format Document gives exactly what storyfmt fmt gives", async () => {
    await openFile(GOOD);
    await waitUntil(async () => (await languageMode()) === "Story", { what: "the language mode Story" });
    // The server has the story once it has checked it: no problems listed, and
    // broken.story's still are.
    await waitForProblems(GOOD, [], `${GOOD} to be checked`);
    await editor().locator(".view-lines").click({ position: { x: 5, y: 5 } });
    await runCommand("Format Document");
    const tab = activeTab(path.basename(GOOD));
    await waitUntil(async () => tab.evaluate((element) => element.classList.contains("dirty")), {
      timeout: 20000,
      what: `${GOOD} to be changed by formatting`,
    });
    await screenshot("good-formatted");
    await page.keyboard.press("Control+S");
    await waitUntil(async () => !(await tab.evaluate((element) => element.classList.contains("dirty"))), { what: `${GOOD} to be saved` });
    const onDisk = fs.readFileSync(path.join(WORKSPACE, GOOD));
    assert.ok(onDisk.equals(formatted), `${GOOD} on disk differs from storyfmt fmt's output:\n--- on disk\n${onDisk}\n--- storyfmt fmt\n${formatted}`);
  });

  await check("notes.txt still has no diagnostics", async () => {
    const files = await readProblems();
    assert.deepEqual(files.filter((entry) => entry.file === NOTES), [], `problems listed for ${NOTES}`);
  });

  let channels;
  await check("after restarting the server twice there is one storyfmt output channel (7b)", async () => {
    await openFile(BROKEN);
    for (let round = 1; round <= 2; round += 1) {
      await runCommand("storyfmt: Restart the language server");
      await sleep(1500);
      await serverAnswers(String(round));
    }
    channels = await outputChannels("storyfmt");
    await screenshot("output-channel");
    const count = channels.labels.filter((label) => label === "storyfmt").length;
    assert.equal(count, 1, `${count} output channels are named storyfmt (of ${JSON.stringify(channels.labels)})`);
  });

  const lines = () => (channels ? channels.texts.flatMap((text) => text.split("\n")) : []);
  await check('the storyfmt channel does not show "Server process exited with code 0" as an error (7b)', async () => {
    assert.ok(channels && channels.texts.length, "no storyfmt output channel was read");
    const shown = lines().filter((line) => /error/i.test(line) && /exited with code 0/.test(line));
    assert.deepEqual(shown, [], `a clean exit is shown as an error:\n${shown.join("\n")}`);
  });

  await check("the storyfmt channel shows no error from the restarts (the server stops cleanly)", async () => {
    assert.ok(channels && channels.texts.length, "no storyfmt output channel was read");
    const shown = lines().filter((line) => /^\[Error|Fatal Python error|Traceback \(most recent call last\)/.test(line));
    assert.deepEqual(shown, [], `the channel shows errors:\n${channels.texts.join("\n-----\n")}`);
  });
}

async function withoutLsp() {
  const patterns = [LSP_EXTRA, "Server initialization failed", "crashed", "Activating extension"];
  await check("opening a story shows one error saying the lsp extra is needed, with Open Settings (7c)", async () => {
    await openFile(BROKEN);
    await waitUntil(async () => (await toasts()).some((text) => patterns.some((pattern) => text.includes(pattern))), {
      timeout: 45000,
      what: "a notification from the extension",
      describe: async () => JSON.stringify(await toasts()),
    });
    // Give any further notification (a server restarted and failing again) time to come.
    await sleep(5000);
    await screenshot("notifications");
    const found = await allNotifications();
    await screenshot("notification-center");
    console.log(`     notifications: ${JSON.stringify(found.map((item) => item.message))}`);
    const failures = [];
    const extra = found.filter((item) => item.message.includes(LSP_EXTRA));
    if (extra.length !== 1) {
      failures.push(`${extra.length} notifications say "${LSP_EXTRA}"`);
    } else {
      if (extra[0].severity !== "error") failures.push(`it is not an error but ${extra[0].severity || "unknown"}`);
      if (!extra[0].buttons.includes("Open Settings")) failures.push(`it has no button "Open Settings": ${JSON.stringify(extra[0].buttons)}`);
    }
    for (const [pattern, what] of [
      [/Activating extension .* failed/, "the extension failed to activate"],
      [/Server initialization failed/, "server initialization failed"],
      [/crashed/, "the server crashed"],
    ]) {
      const seen = found.filter((item) => pattern.test(item.message));
      if (seen.length) failures.push(`${what}: ${seen.map((item) => JSON.stringify(item.message)).join(", ")}`);
    }
    assert.equal(failures.length, 0, failures.join("\n"));
  });
}

(async () => {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
  try {
    await openWorkbench(browser);
    await screenshot("workbench");
    if (options.scenario === "main") {
      await main();
    } else if (options.scenario === "without-lsp") {
      await withoutLsp();
    } else {
      throw new Error(`no scenario ${options.scenario}`);
    }
  } catch (error) {
    results.push({ name: "the scenario ran", ok: false });
    console.log(`FAIL the scenario ran: ${error.stack || error}`);
    if (page) await screenshot("FAILED-scenario");
  } finally {
    await browser.close();
  }
  const failed = results.filter((result) => !result.ok).length;
  console.log(`${options.scenario}: ${results.length - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
})();
