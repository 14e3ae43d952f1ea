// The sparse engine in headless Chromium: RigL on tinyMlp on the wasm backend (the WASM SIMD products on Web Workers
// of a cross-origin-isolated page) and on webgpu (the WGSL products, SwiftShader), with the same masks after every
// update, and a bundle that loads no Node builtin. Skipped, with the reason printed, where Chromium is missing.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserSkipReason, startBrowserPage } from '@topiary/core/testing/browser';
import type { BrowserPage } from '@topiary/core/testing/browser';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPARSE_WEBGPU_KERNELS } from '../webgpu/sparse-kernels.js';
import { ASKED_THREADS, WASM_PREFIX } from './browser/protocol.js';
import type { EngineRun } from './browser/protocol.js';

const STEPS = 20;
const EVERY = 4;
if (browserSkipReason) console.warn(`sparse engine browser tests skipped: ${browserSkipReason}`);

const here = dirname(fileURLToPath(import.meta.url));
const wasmDist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));

describe.skipIf(browserSkipReason !== undefined)('the sparse engine in headless Chromium', () => {
  let browser: BrowserPage;
  let page: Page;
  let onWasm: EngineRun;

  beforeAll(async () => {
    browser = await startBrowserPage({ entry: join(here, 'browser', 'page.ts'), title: 'topiary sparse engine', wasm: { prefix: WASM_PREFIX, dir: wasmDist } });
    page = await browser.open('/', 'topiaryRun');
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** Trains in the page on one backend (each backend in a fresh page, as an app would start it). */
  async function runInPage(backend: 'webgpu' | 'wasm'): Promise<EngineRun> {
    const target = backend === 'wasm' ? page : await browser.open('/', 'topiaryRun');
    try {
      return await target.evaluate(
        ([name, steps, every]) => (globalThis as unknown as { topiaryRun: (n: string, s: number, e: number) => Promise<EngineRun> }).topiaryRun(name, steps, every),
        [backend, STEPS, EVERY] as const,
      );
    } finally {
      if (target !== page) await target.close();
    }
  }

  /** The loss falls, every update happened, and no update changed a layer's count of active weights. */
  function expectTrained(run: EngineRun): void {
    expect(run.losses).toHaveLength(STEPS);
    expect(run.losses.every(Number.isFinite)).toBe(true);
    expect(run.losses[STEPS - 1]!).toBeLessThan(0.8 * run.losses[0]!);
    // RigL updates every ΔT = 4 steps until 3/4 of training: at steps 4, 8 and 12
    expect(run.masks).toHaveLength(3);
    for (const counts of run.counts) expect(counts).toEqual(run.counts[0]);
    run.masks.forEach((layers, u) => layers.forEach((mask, l) => expect(mask.split('1').length - 1, `update ${u}, layer ${l}`).toBe(run.counts[0]![l])));
  }

  it('trains with RigL on the wasm backend, the WASM SIMD products on Web Workers of the cross-origin-isolated page', async () => {
    onWasm = await runInPage('wasm');
    expect(onWasm.backend).toBe('wasm');
    expect(onWasm.crossOriginIsolated).toBe(true);
    expect(onWasm.implementation).toBe('wasm');
    expect(onWasm.threads, `threadNote: ${onWasm.threadNote}`).toBe(ASKED_THREADS);
    expect(onWasm.threadNote).toBeUndefined();
    // every forward, input-gradient and sampled-gradient product of the 20 steps ran as a job of the Web Workers
    expect(onWasm.threadedJobs.length).toBeGreaterThanOrEqual(STEPS * 3);
    expect(Math.min(...onWasm.threadedJobs)).toBeGreaterThan(1);
    expectTrained(onWasm);
    expect(browser.pageErrors).toEqual([]);
  });

  it('trains with RigL on webgpu with the WGSL products, with the masks of the wasm run after every update', async () => {
    const onGpu = await runInPage('webgpu');
    expect(onGpu.backend).toBe('webgpu');
    for (const kernel of [SPARSE_WEBGPU_KERNELS.forward, SPARSE_WEBGPU_KERNELS.backwardInput, SPARSE_WEBGPU_KERNELS.sampledGradient]) expect(onGpu.firstStepKernels).toContain(kernel);
    expect(onWasm, 'the wasm run comes first').toBeDefined();
    expectTrained(onGpu);
    expect(onGpu.masks.length).toBe(onWasm.masks.length);
    onGpu.masks.forEach((layers, u) => layers.forEach((mask, l) => expect(mask, `update ${u}, layer ${l}`).toBe(onWasm.masks[u]![l])));
    onGpu.losses.forEach((loss, s) => expect(Math.abs(loss - onWasm.losses[s]!), `loss of step ${s}`).toBeLessThan(1e-4));
    expect(browser.pageErrors).toEqual([]);
  });

  it('runs the WASM products on one thread, and says why, on a page that is not cross-origin isolated', async () => {
    const plain = await browser.open('/plain', 'topiaryProducts');
    try {
      const info = await plain.evaluate((threads) => (globalThis as unknown as { topiaryProducts: (t: number) => Promise<Pick<EngineRun, 'implementation' | 'threads' | 'threadNote' | 'crossOriginIsolated'>> }).topiaryProducts(threads), ASKED_THREADS);
      expect(info).toMatchObject({ implementation: 'wasm', threads: 1, crossOriginIsolated: false });
      expect(info.threadNote).toMatch(/not cross-origin isolated: serve it with COOP same-origin and COEP require-corp/);
    } finally {
      await plain.close();
    }
    expect(browser.pageErrors).toEqual([]);
  });

  it('bundles with node:* external, and the pages load no Node builtin at run time', () => {
    // the bundle names node:* only in guarded dynamic imports of Node-only paths (backend-webgpu's Vulkan
    // diagnostics); a static import would fail the page's module load
    expect(browser.bundleNodeImports.filter((entry) => !entry.endsWith('(dynamic-import)'))).toEqual([]);
    expect(browser.nodeBuiltinLoads).toEqual([]);
  });
});
