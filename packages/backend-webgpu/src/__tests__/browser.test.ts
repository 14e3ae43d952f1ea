import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserSkipReason, startBrowserPage } from '@topiary/core/testing/browser';
import type { BrowserPage } from '@topiary/core/testing/browser';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WASM_PREFIX } from './browser/protocol.js';
import type { PageRun } from './browser/protocol.js';

const TRAIN_STEPS = 20;
if (browserSkipReason) console.warn(`browser tests skipped: ${browserSkipReason}`);

const here = dirname(fileURLToPath(import.meta.url));
const wasmDist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));

describe.skipIf(browserSkipReason !== undefined)('in headless Chromium', () => {
  let browser: BrowserPage;
  let page: Page;

  beforeAll(async () => {
    browser = await startBrowserPage({ entry: join(here, 'browser', 'page.ts'), title: 'topiary webgpu', wasm: { prefix: WASM_PREFIX, dir: wasmDist } });
    // a page that is not cross-origin isolated, as most apps serve
    page = await browser.open('/plain', 'topiaryRun');
  });

  afterAll(async () => {
    await browser?.close();
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
    expect(browser.pageErrors).toEqual([]);
  });
});
