import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserSkipReason, startBrowserPage } from '@topiary/core/testing/browser';
import type { BrowserPage } from '@topiary/core/testing/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relativeError } from './backend-fixtures.js';
import type { PageResult } from './browser/page.js';

const STEPS = 6;
if (browserSkipReason) console.warn(`browser tests skipped: ${browserSkipReason}`);

const here = dirname(fileURLToPath(import.meta.url));
const wasmDist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));

describe.skipIf(browserSkipReason !== undefined)("Topiary's WASM kernels in headless Chromium", () => {
  let browser: BrowserPage;

  beforeAll(async () => {
    browser = await startBrowserPage({ entry: join(here, 'browser', 'page.ts'), title: 'topiary wasm kernels', wasm: { prefix: '/wasm/', dir: wasmDist } });
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** Opens `/` (cross-origin isolated) or `/plain` and trains there. */
  async function runPage(path: '/' | '/plain'): Promise<PageResult> {
    const page = await browser.open(path, 'topiaryRun');
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
    expect(browser.pageErrors).toEqual([]);
  });

  it('run on one thread, and say why, on a page that is not cross-origin isolated', async () => {
    const result = await runPage('/plain');
    expect(result.crossOriginIsolated).toBe(false);
    expect(result.threads).toBe(1);
    expect(result.details).toMatch(/on 1 thread \(.*not cross-origin isolated/);
    expect(result.nativeCalls['BatchMatMul']).toBeGreaterThanOrEqual(STEPS);
    expect(relativeError(result.wasm.weights, result.cpu.weights)).toBeLessThanOrEqual(1e-5);
    expect(browser.pageErrors).toEqual([]);
  });
});
