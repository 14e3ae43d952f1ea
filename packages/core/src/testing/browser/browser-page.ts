// What the browser tests of the packages share: an esbuild bundle of a page script, a local http server for it (with
// and without cross-origin isolation) and Debian's headless Chromium. Node only; a page script never imports this.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { builtinModules } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';

/** Debian's `chromium` package. */
export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests are skipped here (Chromium missing), or undefined where they can run. */
export const browserSkipReason: string | undefined = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (Debian: apt-get install chromium)`;

/** Flags for a quiet, sandbox-free headless Chromium with WebGPU (SwiftShader where there is no GPU). */
const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--headless=new',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-default-apps',
  '--disable-extensions',
];

/** The headers that make a page cross-origin isolated (shared memory for Web Workers). */
const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } as const;

/** Where the import map of the page sends `node:*` specifiers: a load of one is recorded and answered 404. */
const NODE_BUILTIN_PREFIX = '/node-builtin/';

/** Options of {@link startBrowserPage}. */
export interface BrowserPageOptions {
  /** The page script (TypeScript), bundled for the browser with `node:*` left external. */
  readonly entry: string;
  /** The page's title. */
  readonly title: string;
  /** `.wasm` binaries served under a URL prefix: `{ prefix: '/wasm/', dir }` serves `dir/NAME.wasm` at `/wasm/NAME.wasm`. */
  readonly wasm?: { readonly prefix: string; readonly dir: string };
}

/** A served page and the Chromium that opens it; from {@link startBrowserPage}. */
export interface BrowserPage {
  /** The `node:*` specifiers the bundle imports (left external by esbuild), each with how (`import-statement`, `dynamic-import`, ...). */
  readonly bundleNodeImports: readonly string[];
  /** The `node:*` modules the page tried to load at run time (through its import map), in order. */
  readonly nodeBuiltinLoads: readonly string[];
  /** The uncaught errors of every page opened so far. */
  readonly pageErrors: readonly string[];
  /**
   * Opens a page and waits until its script set `ready` on globalThis: `/` is served cross-origin isolated (COOP
   * same-origin, COEP require-corp), `/plain` without.
   */
  open(path: '/' | '/plain', ready: string): Promise<Page>;
  /** Closes Chromium and the server and removes the profile. */
  close(): Promise<void>;
}

/** The page: an import map that routes every `node:*` module to the recording server, then the bundle. */
function pageHtml(title: string): string {
  const names = [...new Set(builtinModules.map((name) => name.replace(/^node:/, '')))];
  const imports = Object.fromEntries(names.map((name) => [`node:${name}`, `${NODE_BUILTIN_PREFIX}${name}`]));
  return `<!doctype html><meta charset="utf-8"><title>${title}</title><script type="importmap">${JSON.stringify({ imports })}</script><script type="module" src="/page.js"></script>`;
}

/** Bundles `entry` for the browser (workspace packages from their sources); returns the code and its `node:*` imports. */
async function bundlePage(entry: string): Promise<{ code: string; nodeImports: string[] }> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@topiary/source'],
    // Node-only paths (Dawn's `webgpu` package, node builtins) are never reached in a browser
    external: ['webgpu', 'node:*'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const nodeImports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.filter((i) => i.path.startsWith('node:')).map((i) => `${i.path} (${i.kind})`));
  return { code: result.outputFiles[0]!.text, nodeImports: [...new Set(nodeImports)] };
}

/** Serves the page at `/` (isolated) and `/plain`, its bundle, the `.wasm` binaries, and records `node:*` loads. */
async function servePage(html: string, code: string, wasm: BrowserPageOptions['wasm'], nodeLoads: string[]): Promise<Server> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/' || path === '/plain') {
      response.writeHead(200, { 'content-type': 'text/html', ...(path === '/' ? ISOLATION : {}) });
      response.end(html);
    } else if (path === '/page.js') {
      response.writeHead(200, { 'content-type': 'text/javascript', ...ISOLATION });
      response.end(code);
    } else if (wasm && path.startsWith(wasm.prefix) && /^[\w-]+\.wasm$/.test(path.slice(wasm.prefix.length)) && existsSync(join(wasm.dir, path.slice(wasm.prefix.length)))) {
      response.writeHead(200, { 'content-type': 'application/wasm', ...ISOLATION });
      response.end(readFileSync(join(wasm.dir, path.slice(wasm.prefix.length))));
    } else {
      if (path.startsWith(NODE_BUILTIN_PREFIX)) nodeLoads.push(`node:${path.slice(NODE_BUILTIN_PREFIX.length)}`);
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Bundles and serves a test page and launches headless Chromium for it (call only where {@link browserSkipReason} is undefined). */
export async function startBrowserPage(options: BrowserPageOptions): Promise<BrowserPage> {
  const { code, nodeImports } = await bundlePage(options.entry);
  const nodeLoads: string[] = [];
  const pageErrors: string[] = [];
  const server = await servePage(pageHtml(options.title), code, options.wasm, nodeLoads);
  const profile = mkdtempSync(join(tmpdir(), 'topiary-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  } catch (error) {
    await new Promise((resolve) => server.close(resolve));
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    bundleNodeImports: nodeImports,
    nodeBuiltinLoads: nodeLoads,
    pageErrors,
    async open(path, ready) {
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(`${origin}${path}`);
      await page.waitForFunction((name) => name in globalThis, ready);
      return page;
    },
    async close() {
      await context.close();
      await new Promise((resolve) => server.close(resolve));
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
