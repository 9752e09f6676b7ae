import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { Readable } from 'node:stream';
import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
} from 'vscode-languageclient/node';

const SECTION = 'dockerfile-ls';
const EXE = process.platform === 'win32' ? 'dockerfile-ls.exe' : 'dockerfile-ls';
const INSTALL_HINT =
  'Install it with `go install github.com/dockerfile-ls/dockerfile-ls/cmd/dockerfile-ls@latest` ' +
  '(and put $GOPATH/bin on PATH), use a platform-specific build of this extension that bundles it, ' +
  'or set "dockerfile-ls.path" in your user settings.';

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let extensionContext: vscode.ExtensionContext;
// Serialises start/stop/restart so that commands and setting changes do not race.
let lifecycle: Promise<void> = Promise.resolve();

type Resolved = { command: string; origin: 'setting' | 'bundled' | 'PATH' };

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (process.platform !== 'win32') {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const exts = process.platform === 'win32' ? ['', ...(process.env.PATHEXT ?? '.EXE').split(';')] : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

function expandHome(p: string): string {
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) {
    return path.join(process.env.HOME ?? process.env.USERPROFILE ?? '', p.slice(1));
  }
  return p;
}

/** Finds the server: setting `dockerfile-ls.path`, else the bundled binary, else PATH. */
function resolveServer(): Resolved | { error: string; hint: boolean } {
  // `path` is machine-scoped: VS Code ignores workspace values for it.
  const configured = vscode.workspace.getConfiguration(SECTION).get<string>('path', '').trim();
  if (configured) {
    const p = expandHome(configured);
    if (isExecutable(p)) {
      return { command: p, origin: 'setting' };
    }
    if (!path.isAbsolute(p)) {
      const onPath = findOnPath(p);
      if (onPath) {
        return { command: onPath, origin: 'setting' };
      }
    }
    return {
      error:
        `"dockerfile-ls.path" is set to ${configured}, but that is not an executable file. ` +
        'Point it at the dockerfile-ls binary, or clear it to use the bundled binary or the one on PATH.',
      hint: false,
    };
  }
  const bundled = extensionContext.asAbsolutePath(path.join('bin', EXE));
  if (process.platform !== 'win32' && fs.existsSync(bundled) && !isExecutable(bundled)) {
    try {
      fs.chmodSync(bundled, 0o755); // an unzip that dropped the mode bits
    } catch {
      // read-only install: fall through to PATH
    }
  }
  if (isExecutable(bundled)) {
    return { command: bundled, origin: 'bundled' };
  }
  const onPath = findOnPath('dockerfile-ls');
  if (onPath) {
    return { command: onPath, origin: 'PATH' };
  }
  return {
    error: 'The dockerfile-ls language server was not found: it is not bundled with this build of the extension and not on PATH.',
    hint: true,
  };
}

/**
 * The "dockerfile-ls" settings in the server's shape (config.Settings in the
 * Go code): `sizes.display` becomes `sizes`, `cacheHistory.codeLens` becomes
 * `cacheHistory: {codeLens}`, `path` and `trace` stay here.
 * Sent as initializationOptions and as the answer to workspace/configuration.
 */
function serverSettings(scope?: vscode.Uri): Record<string, unknown> {
  const cfg = vscode.workspace.getConfiguration(SECTION, scope);
  let buildContext = cfg.get<string>('buildContext', '');
  const folder = scope ? vscode.workspace.getWorkspaceFolder(scope) : vscode.workspace.workspaceFolders?.[0];
  if (folder && buildContext.includes('${workspaceFolder}')) {
    buildContext = buildContext.split('${workspaceFolder}').join(folder.uri.fsPath);
  }
  return {
    rules: cfg.get<Record<string, string>>('rules', {}),
    categories: {
      syntax: cfg.get<boolean>('categories.syntax', true),
      buildkit: cfg.get<boolean>('categories.buildkit', true),
      cache: cfg.get<boolean>('categories.cache', true),
      size: cfg.get<boolean>('categories.size', true),
    },
    buildContext,
    target: cfg.get<string>('target', ''),
    buildArgs: cfg.get<Record<string, string>>('buildArgs', {}),
    // Machine-scoped (a workspace cannot set it), and never in an untrusted
    // workspace: it widens what the server may read.
    allowedContexts: vscode.workspace.isTrusted ? cfg.get<string[]>('allowedContexts', []) : [],
    sizes: cfg.get<string>('sizes.display', 'inlayHints'),
    formatMultiline: cfg.get<boolean>('formatMultiline', true),
    cacheHistory: { codeLens: cfg.get<boolean>('cacheHistory.codeLens', false) },
  };
}

// Docker DX (docker.docker) runs BuildKit's build checks too, through
// `docker buildx build --call=check`: with both on, each finding shows twice.
// Microsoft's Docker / Container Tools extensions run another server
// (dockerfile-utils' checks, not BuildKit's), so they are not asked about.
const DOCKER_DX = 'docker.docker';
const DONT_ASK_BUILDKIT = 'dockerfile-ls.buildkitOverlap.dontAsk';

/** Offers once to turn off our BuildKit checks when Docker DX is installed. */
async function offerBuildKitOverlap(): Promise<void> {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  if (
    !vscode.extensions.getExtension(DOCKER_DX) ||
    !cfg.get<boolean>('categories.buildkit', true) ||
    extensionContext.globalState.get<boolean>(DONT_ASK_BUILDKIT)
  ) {
    return;
  }
  const turnOff = 'Turn off ours';
  const keep = 'Keep both';
  const choice = await vscode.window.showInformationMessage(
    'dockerfile-ls: Docker DX also runs BuildKit\'s build checks (through docker buildx), so each would be ' +
      'reported twice. Turn off those of dockerfile-ls ("dockerfile-ls.categories.buildkit")?',
    turnOff,
    keep,
  );
  if (choice === turnOff) {
    // Where the value is set, so that it takes effect; else the user settings.
    const set = cfg.inspect<boolean>('categories.buildkit')?.workspaceValue !== undefined;
    const target = set ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await cfg.update('categories.buildkit', false, target);
    output.info('categories.buildkit turned off: Docker DX reports BuildKit\'s checks');
  } else if (choice === keep) {
    await extensionContext.globalState.update(DONT_ASK_BUILDKIT, true);
  }
}

// The server logs to stderr; show each line at its own level instead of
// everything as [error] (the languageclient default).
const LEVEL = /\blevel=(\w+)|\b(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|PANIC)\b/;

function pipeLines(input: Readable, log: vscode.LogOutputChannel): void {
  readline
    .createInterface({ input, crlfDelay: Infinity, terminal: false, historySize: 0 })
    .on('line', (line) => {
      const m = LEVEL.exec(line);
      switch ((m?.[1] ?? m?.[2] ?? '').toUpperCase()) {
        case 'TRACE':
          return log.trace(line);
        case 'DEBUG':
          return log.debug(line);
        case 'WARN':
        case 'WARNING':
          return log.warn(line);
        case 'ERROR':
        case 'FATAL':
        case 'PANIC':
          return log.error(line);
        default:
          return log.info(line);
      }
    });
}

async function showNotFound(message: string, hint: boolean): Promise<void> {
  output.error(message);
  const openSettings = 'Open Settings';
  const showLog = 'Show Log';
  const choice = await vscode.window.showErrorMessage(
    `dockerfile-ls: ${message}${hint ? ' ' + INSTALL_HINT : ''}`,
    openSettings,
    showLog,
  );
  if (choice === openSettings) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'dockerfile-ls.path');
  } else if (choice === showLog) {
    output.show(true);
  }
}

async function startClient(): Promise<void> {
  const resolved = resolveServer();
  if ('error' in resolved) {
    void showNotFound(resolved.error, resolved.hint);
    return;
  }
  output.info(`starting ${resolved.command} (${resolved.origin})`);

  // No `transport`: stdio is the default, and TransportKind.stdio would
  // append a second --stdio.
  const serverOptions: ServerOptions = { command: resolved.command, args: ['--stdio'] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'dockerfile' },
      { scheme: 'untitled', language: 'dockerfile' },
    ],
    // The server pulls settings with workspace/configuration (answered by the
    // client) and gets didChangeConfiguration when any of them changes.
    synchronize: { configurationSection: SECTION },
    initializationOptions: serverSettings(),
    middleware: {
      workspace: {
        // Answer section "dockerfile-ls" in the server's shape; other
        // sections as VS Code has them.
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) {
            return result;
          }
          return params.items.map((item, i) =>
            item.section === SECTION ? serverSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined) : result[i],
          );
        },
      },
    },
    outputChannel: output,
    stdioOptions: { stdout: pipeLines, stderr: pipeLines },
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };

  const c = new LanguageClient(SECTION, 'dockerfile-ls', serverOptions, clientOptions);
  client = c;
  try {
    await c.start();
    const info = c.initializeResult?.serverInfo;
    output.info(`started ${info?.name ?? 'server'} ${info?.version ?? '(no version)'} (${resolved.origin})`);
  } catch (err) {
    client = undefined;
    void c.dispose().catch(() => undefined);
    const msg = err instanceof Error ? err.message : String(err);
    output.error(`failed to start ${resolved.command}: ${msg}`);
    const showLog = 'Show Log';
    const choice = await vscode.window.showErrorMessage(
      `dockerfile-ls: could not start ${resolved.command}: ${msg}. ${INSTALL_HINT}`,
      showLog,
    );
    if (choice === showLog) {
      output.show(true);
    }
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop(5000);
    } catch (err) {
      output.warn(`stop: ${err instanceof Error ? err.message : String(err)}`);
    }
    await c.dispose().catch(() => undefined);
  }
}

function enqueue(step: () => Promise<void>): Promise<void> {
  lifecycle = lifecycle.then(step, step);
  return lifecycle;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionContext = context;
  output = vscode.window.createOutputChannel('dockerfile-ls', { log: true });
  context.subscriptions.push(output);

  context.subscriptions.push(
    vscode.commands.registerCommand('dockerfile-ls.restartServer', () =>
      enqueue(async () => {
        output.info('restarting');
        await stopClient();
        await startClient();
      }),
    ),
    vscode.commands.registerCommand('dockerfile-ls.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // The other settings reach the running server through didChangeConfiguration.
      if (e.affectsConfiguration(`${SECTION}.path`)) {
        void enqueue(async () => {
          await stopClient();
          await startClient();
        });
      }
    }),
  );

  await enqueue(startClient);
  void offerBuildKitOverlap();
}

export function deactivate(): Promise<void> {
  return enqueue(stopClient);
}
