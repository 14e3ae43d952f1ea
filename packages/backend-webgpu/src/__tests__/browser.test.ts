import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WASM_PREFIX } from './browser/protocol.js';
import type { PageRun } from './browser/protocol.js';

/** Debian's `chromium` package. */
const CHROMIUM = '/usr/bin/chromium';
const TRAIN_STEPS = 20;
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`browser tests skipped: ${CHROMIUM} is missing (Debian: apt-get install chromium)`);

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

const here = dirname(fileURLToPath(import.meta.url));
const wasmDist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));

/** Bundles the page script for the browser (tfjs-core, its WebGPU and WASM backends, this package). */
async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [join(here, 'browser', 'page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@topiary/source'],
    // Node-only paths of this package, never reached in a browser.
    external: ['webgpu', 'node:*'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Serves the page, its bundle and tfjs's .wasm binaries from 127.0.0.1 on a free port. */
async function servePage(bundle: string): Promise<Server> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<!doctype html><meta charset="utf-8"><title>topiary webgpu</title><script type="module" src="/page.js"></script>');
    } else if (path === '/page.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      response.end(bundle);
    } else if (path.startsWith(WASM_PREFIX) && /^[\w-]+\.wasm$/.test(path.slice(WASM_PREFIX.length))) {
      const file = join(wasmDist, path.slice(WASM_PREFIX.length));
      if (!existsSync(file)) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/wasm' });
      response.end(readFileSync(file));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe.skipIf(!hasChromium)('in headless Chromium', () => {
  let server: Server;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await servePage(await bundlePage());
    profile = mkdtempSync(join(tmpdir(), 'topiary-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => 'topiaryRun' in globalThis);
  });

  afterAll(async () => {
    await context?.close();
    await new Promise((resolve) => server?.close(resolve));
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /** Runs the training in the page on one backend. */
  function runInPage(backend: 'webgpu' | 'wasm'): Promise<PageRun> {
    return page.evaluate(
      ([name, steps]) =>
        (globalThis as unknown as { topiaryRun: (n: string, s: number) => Promise<PageRun> }).topiaryRun(name, steps),
      [backend, TRAIN_STEPS] as const,
    );
  }

  it('trains on WebGPU and on WASM in the page, with the same losses, and selects masks as the host does', async () => {
    const onGpu = await runInPage('webgpu');
    expect(onGpu.backend).toBe('webgpu');
    expect(onGpu.details).toContain('navigator.gpu of the host');
    const onWasm = await runInPage('wasm');
    expect(onWasm.backend).toBe('wasm');
    for (const run of [onGpu, onWasm]) {
      expect(run.losses).toHaveLength(TRAIN_STEPS);
      expect(run.maskSelectMismatches, `${run.backend}: mask selection against the host quickselect`).toBe(0);
      expect(run.losses[TRAIN_STEPS - 1]!).toBeLessThan(0.5 * run.losses[0]!);
    }
    onGpu.losses.forEach((loss, step) => {
      expect(Math.abs(loss - onWasm.losses[step]!), `step ${step}`).toBeLessThanOrEqual(1e-3 * Math.max(1, loss));
    });
    expect(pageErrors).toEqual([]);
  });
});
