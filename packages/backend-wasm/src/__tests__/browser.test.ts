import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relativeError } from './backend-fixtures.js';
import type { PageResult } from './browser/page.js';

/** Debian's `chromium` package. */
const CHROMIUM = '/usr/bin/chromium';
const STEPS = 6;
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`browser tests skipped: ${CHROMIUM} is missing (Debian: apt-get install chromium)`);

const CHROMIUM_ARGS = ['--no-sandbox', '--headless=new', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--disable-default-apps', '--disable-extensions'];
const here = dirname(fileURLToPath(import.meta.url));
const wasmDist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));

async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [join(here, 'browser', 'page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@topiary/source'],
    external: ['node:*'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Serves the page at / with cross-origin isolation (COOP + COEP, so Web Workers can share memory) and at /plain without. */
async function servePage(bundle: string): Promise<Server> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const isolation = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
    if (path === '/' || path === '/plain') {
      response.writeHead(200, { 'content-type': 'text/html', ...(path === '/' ? isolation : {}) });
      response.end('<!doctype html><meta charset="utf-8"><title>topiary wasm kernels</title><script type="module" src="/page.js"></script>');
    } else if (path === '/page.js') {
      response.writeHead(200, { 'content-type': 'text/javascript', ...isolation });
      response.end(bundle);
    } else if (path.startsWith('/wasm/') && /^[\w-]+\.wasm$/.test(path.slice(6)) && existsSync(join(wasmDist, path.slice(6)))) {
      response.writeHead(200, { 'content-type': 'application/wasm', ...isolation });
      response.end(readFileSync(join(wasmDist, path.slice(6))));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe.skipIf(!hasChromium)("Topiary's WASM kernels in headless Chromium", () => {
  let server: Server;
  let profile: string;
  let context: BrowserContext;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await servePage(await bundlePage());
    profile = mkdtempSync(join(tmpdir(), 'topiary-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await context?.close();
    await new Promise((resolve) => server?.close(resolve));
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  async function runPage(path: string): Promise<PageResult> {
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
    await page.waitForFunction(() => 'topiaryRun' in globalThis);
    const result = await page.evaluate((steps) => (globalThis as unknown as { topiaryRun: (s: number) => Promise<PageResult> }).topiaryRun(steps), STEPS);
    await page.close();
    return result;
  }

  it('train a conv net on Web Workers of a cross-origin-isolated page, as the CPU backend does', async () => {
    const result = await runPage('/');
    expect(result.crossOriginIsolated).toBe(true);
    expect(result.threads).toBeGreaterThan(1);
    expect(result.details).toMatch(new RegExp(`Topiary's WebAssembly SIMD kernels for .* on ${result.threads} threads`));
    for (const kernel of ['BatchMatMul', '_FusedMatMul', 'Conv2DBackpropFilter', 'Conv2DBackpropInput']) {
      expect(result.nativeCalls[kernel], `${kernel} (fallbacks ${result.fallbacks[kernel]})`).toBeGreaterThanOrEqual(STEPS);
    }
    expect(result.wasm.losses[STEPS - 1]!).toBeLessThan(result.wasm.losses[0]!);
    expect(relativeError(result.wasm.losses, result.cpu.losses)).toBeLessThanOrEqual(1e-5);
    expect(relativeError(result.wasm.weights, result.cpu.weights)).toBeLessThanOrEqual(1e-5);
    expect(pageErrors).toEqual([]);
  });

  it('run on one thread, and say why, on a page that is not cross-origin isolated', async () => {
    const result = await runPage('/plain');
    expect(result.crossOriginIsolated).toBe(false);
    expect(result.threads).toBe(1);
    expect(result.details).toMatch(/on 1 thread \(.*not cross-origin isolated/);
    expect(result.nativeCalls['BatchMatMul']).toBeGreaterThanOrEqual(STEPS);
    expect(relativeError(result.wasm.weights, result.cpu.weights)).toBeLessThanOrEqual(1e-5);
    expect(pageErrors).toEqual([]);
  });
});
