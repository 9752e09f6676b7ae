// UI test of the extension in real VS Code (code-server) driven through
// headless Chromium with playwright-core. Run by scripts/editors/test-vscode.sh,
// which starts code-server with the extension installed.
//
// Env:
//   CODE_SERVER_URL  e.g. http://127.0.0.1:8080
//   WORKSPACE        folder with Dockerfile, requirements.txt, app.py
//   ARTIFACTS        folder for screenshots (written here only)
//   CHROME_PROFILE   Chromium user-data-dir (a temp folder)
//   CHROMIUM         default /usr/bin/chromium
//   UI_TIMEOUT_MS    per step, default 60000
//   USER_SETTINGS    code-server's User/settings.json (the Docker DX offer
//                    writes there)
//   EXPECT_VERSION   the version the bundled server must report
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const url = mustEnv('CODE_SERVER_URL');
const workspace = mustEnv('WORKSPACE');
const artifacts = mustEnv('ARTIFACTS');
const profile = mustEnv('CHROME_PROFILE');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = Number(process.env.UI_TIMEOUT_MS || 60000);
const userSettings = mustEnv('USER_SETTINGS');
const expectVersion = mustEnv('EXPECT_VERSION');
const dockerfile = path.join(workspace, 'Dockerfile');
const EXPECTED = [
  'FROM python:3.12-slim',
  'WORKDIR /app',
  'COPY requirements.txt .',
  'RUN pip install -r requirements.txt',
  'COPY . .',
  'CMD ["python", "app.py"]',
].join('\n');

function mustEnv(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`FAIL: environment variable ${name} is not set`);
    process.exit(2);
  }
  return v;
}

const t0 = Date.now();
function step(msg) {
  console.log(`[vscode-test] ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s ${msg}`);
}

async function poll(what, fn, timeout = TIMEOUT, interval = 250) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, interval));
  }
  throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
}

const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: false, // we pass --headless=new ourselves
  args: [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
  viewport: { width: 1400, height: 900 },
  downloadsPath: artifacts,
});
const page = context.pages()[0] ?? (await context.newPage());
page.setDefaultTimeout(TIMEOUT);
const consoleErrors = [];
page.on('console', (m) => {
  if (m.type() === 'error') consoleErrors.push(m.text());
});

const shot = async (name) => {
  const file = path.join(artifacts, name);
  await page.screenshot({ path: file });
  return file;
};

// More files whose language the test checks (written before the workspace
// opens, so Quick Open indexes them).
const variants = { 'Containerfile': true, 'api.Dockerfile': true, 'Dockerfile.prod': true, 'Dockerfile.dockerignore': false, '.dockerignore': false };
for (const [name, isDockerfile] of Object.entries(variants)) {
  fs.writeFileSync(path.join(workspace, name), isDockerfile ? 'FROM alpine:3.20\n' : 'node_modules\n');
}

// Quick Open (Ctrl+P) a workspace file, as a user would; retried while the
// file index warms up.
const exactly = (name) => new RegExp(`^\\s*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
async function openWithQuickOpen(name) {
  await poll(`Quick Open to open ${name}`, async () => {
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    const row = page.locator('.quick-input-list .monaco-list-row .label-name', { hasText: exactly(name) }).first();
    try {
      await input.waitFor({ timeout: 5000 });
      await input.fill(name);
      await row.waitFor({ timeout: 5000 });
    } catch {
      await page.keyboard.press('Escape');
      return false;
    }
    await row.click();
    try {
      await page.locator(`.tab.active[data-resource-name="${name}"]`).first().waitFor({ timeout: 5000 });
      return true;
    } catch {
      return false;
    }
  });
}

let failed = false;
try {
  step(`open ${url}/?folder=${workspace}`);
  await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator('.monaco-workbench').waitFor();
  await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor();
  step('workbench loaded');

  // Open the Dockerfile with Quick Open, as a user would.
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await openWithQuickOpen('Dockerfile');
  await editor.waitFor();
  step('Dockerfile open');

  // The language mode must be dockerfile (status bar shows "Dockerfile").
  await page.locator('#status\\.editor\\.mode', { hasText: /Dockerfile/i }).first().waitFor();

  // A stand-in for Docker DX (docker.docker) is installed: the extension
  // offers to turn off its own BuildKit checks; "Turn off ours" writes the
  // user setting.
  const offer = page.locator('.notifications-toasts .notification-toast', { hasText: 'Docker DX also runs' }).first();
  await offer.waitFor();
  step(`Docker DX offer: ${(await offer.innerText()).replace(/\s+/g, ' ').slice(0, 160)}`);
  await shot('vscode-docker-dx-offer.png');
  await offer.locator('.monaco-button', { hasText: 'Turn off ours' }).first().click();
  await poll('"dockerfile-ls.categories.buildkit": false in the user settings', () =>
    /"dockerfile-ls\.categories\.buildkit"\s*:\s*false/.test(fs.readFileSync(userSettings, 'utf8')),
  );
  step('"Turn off ours" set dockerfile-ls.categories.buildkit to false in the user settings');

  // Diagnostic: a squiggle in the editor and an entry in the Problems view.
  await editor.locator('.squiggly-warning, .squiggly-error, .squiggly-info').first().waitFor();
  step('squiggle shown');
  await page.keyboard.press('Control+Shift+M');
  const problems = page.locator('.markers-panel');
  await problems.waitFor();
  const problemRow = problems.locator('.monaco-list-row', { hasText: 'CopyBeforeInstall' }).first();
  await problemRow.waitFor();
  const problemText = (await problemRow.innerText()).replace(/\s+/g, ' ');
  step(`Problems view: ${problemText}`);
  if (!/dockerfile-ls/.test(problemText)) throw new Error(`problem entry lacks source dockerfile-ls: ${problemText}`);
  if (!/\[Ln 4\b/.test(problemText)) throw new Error(`problem entry is not on line 4: ${problemText}`);
  const screenshot = await shot('vscode-diagnostic.png');
  console.log(`SCREENSHOT ${screenshot}`);

  // Quick fix from the UI: cursor on line 4, Ctrl+., pick the action.
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').waitFor();
  await page.keyboard.type('4');
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await editor.locator('.cursors-layer').waitFor({ state: 'attached' });
  const action = page.locator('.action-widget .monaco-list-row', { hasText: 'Copy requirements.txt' }).first();
  await poll('the "Copy requirements.txt" quick fix', async () => {
    await page.keyboard.press('Control+.');
    try {
      await action.waitFor({ timeout: 5000 });
      return true;
    } catch {
      await page.keyboard.press('Escape');
      return false;
    }
  });
  const actionText = (await action.innerText()).replace(/\s+/g, ' ');
  step(`quick fix offered: ${actionText}`);
  await shot('vscode-quickfix-menu.png');
  await action.click();
  await page.locator('.action-widget').first().waitFor({ state: 'hidden' });

  // The edit lands in the editor (possibly after codeAction/resolve); save it.
  // (Inlay hints are off in the test settings: their text would be part of
  // the rendered lines read here.)
  await poll('the reordered editor text', async () => {
    const txt = await editor.locator('.view-lines').innerText();
    const lines = txt.replace(/\u00a0/g, ' ').split('\n').map((l) => l.trim());
    return lines.indexOf('COPY requirements.txt .') >= 0 && lines.indexOf('COPY . .') > lines.indexOf('COPY requirements.txt .');
  });
  step('editor text reordered');
  await page.keyboard.press('Control+S');
  await poll('the fixed Dockerfile on disk', () => fs.readFileSync(dockerfile, 'utf8').trimEnd() === EXPECTED, TIMEOUT);
  step('saved file on disk is the fixed Dockerfile');

  // The server re-checks the edited file: the problem goes away.
  await poll('the CopyBeforeInstall problem to disappear', async () => (await problems.locator('.monaco-list-row', { hasText: 'CopyBeforeInstall' }).count()) === 0);
  step('problem gone after the fix');

  // File name -> language: Dockerfile variants are "dockerfile" (status bar
  // shows its alias), *.dockerignore is not.
  const checkLang = async (name, isDockerfile) => {
    await openWithQuickOpen(name);
    // The status bar follows the active editor asynchronously.
    let lang = '';
    try {
      await poll(`the language of ${name}`, async () => {
        lang = (await page.locator('[id="status.editor.mode"]').first().innerText()).trim();
        return /docker|container/i.test(lang) === isDockerfile;
      }, 10000);
    } catch {
      throw new Error(`${name} opened as "${lang}"`);
    }
    return lang;
  };
  const langs = [];
  for (const [name, isDockerfile] of Object.entries(variants)) {
    langs.push(`${name}=${await checkLang(name, isDockerfile)}`);
    await page.keyboard.press('Control+W');
  }
  step(`languages: ${langs.join(', ')}`);
  await openWithQuickOpen('Dockerfile');

  // "dockerfile-ls: Restart server" from the Command Palette, then the
  // "dockerfile-ls" output channel must show the restart and a new start.
  const runCommand = async (title) => {
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').waitFor();
    await page.keyboard.type(title);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: title.replace(/^.*: /, '') }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  };
  await runCommand('dockerfile-ls: Restart server');
  step('ran "dockerfile-ls: Restart server"');
  await runCommand('dockerfile-ls: Show server log');
  const outputLines = page.locator('[id="workbench.panel.output"] .view-lines');
  await outputLines.waitFor();
  // Only lines with "start" (long server logs scroll the rest away).
  const filter = page.locator('.panel .viewpane-filter input, .panel input[placeholder^="Filter"]').first();
  await filter.fill('start');
  // After "restarting": "starting <binary> (bundled)", then the version the
  // server reports, which must be the extension's.
  const started = `started dockerfile-ls ${expectVersion} (bundled)`;
  const log = await poll(`"restarting", then "starting" and "${started}" in the dockerfile-ls output channel`, async () => {
    const txt = (await outputLines.innerText().catch(() => '')).replace(/\u00a0/g, ' ');
    const i = txt.indexOf('restarting');
    const j = i >= 0 ? txt.indexOf('starting ', i + 'restarting'.length) : -1;
    return j > 0 && txt.indexOf(started, j) > 0 ? txt : false;
  });
  await shot('vscode-output-channel.png');
  step(`output channel: ${log.split('\n').filter((l) => /start/.test(l)).map((l) => l.trim()).join(' | ')}`);
  // The restarted server diagnoses again (undo brings the old order back, unsaved).
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+Z');
  await page.keyboard.press('Control+Shift+M');
  await problems.locator('.monaco-list-row', { hasText: 'CopyBeforeInstall' }).first().waitFor();
  step('restarted server reports CopyBeforeInstall again after undo');

  // No error notification from the extension.
  const toasts = await page.locator('.notifications-toasts .notification-toast', { hasText: 'dockerfile-ls' }).allInnerTexts();
  if (toasts.some((t) => /not found|could not start|error/i.test(t))) {
    throw new Error(`error notification: ${toasts.join(' | ')}`);
  }

  // A bad "dockerfile-ls.path" set in the Settings editor: the extension
  // restarts the server and shows an error notification with the fix.
  const bad = path.join(workspace, 'no-such-dockerfile-ls');
  await page.keyboard.press('Control+Comma');
  const search = page.locator('.settings-editor .settings-header .monaco-editor').first();
  await search.waitFor();
  // "machine" scope: in code-server (a remote window) it lives in the Remote tab.
  await page.locator('.settings-editor .settings-tabs-widget .action-label', { hasText: 'Remote' }).first().click();
  const pathInput = page.locator('.settings-editor .setting-item-contents', { hasText: 'bundled with the extension' }).locator('input').first();
  await poll('the dockerfile-ls.path setting in the Settings editor', async () => {
    await search.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('dockerfile-ls.path', { delay: 20 });
    try {
      await pathInput.waitFor({ timeout: 5000 });
      return true;
    } catch {
      return false;
    }
  });
  await pathInput.fill(bad);
  await pathInput.press('Tab');
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'not an executable file' }).first();
  await toast.waitFor();
  const toastText = (await toast.innerText()).replace(/\s+/g, ' ');
  if (!/Open Settings/.test(toastText) || !/clear it/.test(toastText)) {
    throw new Error(`not-found notification lacks the fix: ${toastText}`);
  }
  await shot('vscode-not-found.png');
  step(`bad dockerfile-ls.path -> notification: ${toastText.slice(0, 150)}...`);
  console.log('PASS vscode (code-server): Docker DX offer, diagnostic, quick fix via Ctrl+., save, restart with the bundled version, not-found notification');
} catch (err) {
  failed = true;
  console.error(`FAIL: ${err && err.message ? err.message : err}`);
  try {
    console.error(`failure screenshot: ${await shot('vscode-failure.png')}`);
  } catch {}
  const toasts = await page.locator('.notifications-toasts').allInnerTexts().catch(() => []);
  if (toasts.join('').trim()) console.error(`notifications: ${toasts.join(' | ')}`);
  if (consoleErrors.length) console.error(`browser console errors (last 10):\n  ${consoleErrors.slice(-10).join('\n  ')}`);
} finally {
  await context.close().catch(() => {});
}
process.exit(failed ? 1 : 0);
