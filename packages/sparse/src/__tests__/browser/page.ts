// The script of the sparse engine's browser test page: trains tinyMlp with SparseEngineTrainer and RigL on the wasm
// backend (the WASM SIMD products on kernel threads) or on webgpu (the WGSL products) inside headless Chromium.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { rigl } from '@topiary/algorithms';
import { webgpu } from '@topiary/backend-webgpu';
import { syntheticBatches, tinyMlp, toTensors } from '@topiary/core/testing';
import { SparseEngineTrainer, sparseProducts } from '../../index.js';
import type { SparseProducts } from '../../index.js';
import { sparseThreadPool } from '../../wasm/thread-pool.js';
import { wasmProducts } from '../../wasm/wasm-products.js';
import { ASKED_THREADS, WASM_PREFIX } from './protocol.js';
import type { EngineRun } from './protocol.js';

async function startBackend(name: 'webgpu' | 'wasm'): Promise<void> {
  if (name === 'webgpu') {
    await webgpu().setup();
    return;
  }
  setWasmPaths(WASM_PREFIX);
  if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') failed in the page");
}

/** Jobs the kernel threads ran, as the task count of each. */
const threadedJobs: number[] = [];

/**
 * The WASM products on the page's kernel threads as `sparseProducts` starts them, reporting their threads; then, where
 * threads run, products on the same threads that split every product (this MLP's are far below the default split
 * threshold), counting the jobs the threads take.
 */
async function threadedProducts(): Promise<{ products: SparseProducts; threads: number; threadNote: string | undefined }> {
  const shipped = await sparseProducts({ implementation: 'wasm', threads: ASKED_THREADS });
  const pool = await sparseThreadPool(ASKED_THREADS);
  const runtime = pool.started.runtime;
  if (shipped.threads === 1 || runtime === undefined) return { products: shipped, threads: shipped.threads, threadNote: shipped.threadNote };
  const run = runtime.run.bind(runtime);
  runtime.run = (job, tasks) => {
    const ran = run(job, tasks);
    if (ran) threadedJobs.push(tasks);
    return ran;
  };
  const products = wasmProducts(runtime, { threads: shipped.threads, minTaskWork: 0, ...(pool.resident ? { resident: pool.resident } : {}) });
  return { products, threads: shipped.threads, threadNote: shipped.threadNote };
}

const maskText = (masks: Uint8Array[]): string[] => masks.map((mask) => mask.join(''));
const countsOf = (masks: Uint8Array[]): number[] => masks.map((mask) => mask.reduce((n, v) => n + v, 0));

async function run(name: 'webgpu' | 'wasm', steps: number, every: number): Promise<EngineRun> {
  await startBackend(name);
  const host = name === 'wasm' ? await threadedProducts() : undefined;
  const products = host?.products;
  const strategy = rigl({ sparsity: 0.8, totalSteps: steps, updateEvery: every });
  const trainer = new SparseEngineTrainer(tinyMlp({ seed: 5 }), { strategy, optimizer: tf.train.momentum(0.05, 0.9), loss: 'categoricalCrossentropy', seed: 3, weightDecay: 1e-4, ...(products ? { products } : {}) });
  const losses: number[] = [];
  const masks: string[][] = [];
  const counts: number[][] = [];
  let firstStepKernels: string[] = [];
  try {
    for (const [i, batch] of syntheticBatches({ count: steps, batchSize: 8, seed: 13 }).entries()) {
      const { x, y } = toTensors(batch);
      let result: Awaited<ReturnType<SparseEngineTrainer['step']>> | undefined;
      if (i === 0) {
        firstStepKernels = (await tf.profile(async () => {
          result = await trainer.step(x, y);
        })).kernelNames;
        counts.push(countsOf(trainer.masks()));
      } else {
        result = await trainer.step(x, y);
      }
      tf.dispose([x, y]);
      losses.push(result!.loss);
      if (result!.maskUpdated) {
        const now = trainer.masks();
        masks.push(maskText(now));
        counts.push(countsOf(now));
      }
    }
    const used = host ?? trainer.products;
    return {
      backend: tf.getBackend(),
      crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
      implementation: trainer.products.implementation,
      threads: used.threads,
      threadNote: used.threadNote,
      threadedJobs: [...threadedJobs],
      firstStepKernels,
      losses,
      masks,
      counts,
    };
  } finally {
    trainer.dispose();
  }
}

/** The WASM products this page gets when it asks for `threads` threads (on `/plain`: one, with the reason). */
async function productsInfo(threads: number): Promise<Pick<EngineRun, 'implementation' | 'threads' | 'threadNote' | 'crossOriginIsolated'>> {
  const products = await sparseProducts({ implementation: 'wasm', threads });
  return { implementation: products.implementation, threads: products.threads, threadNote: products.threadNote, crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true };
}

Object.assign(globalThis, { topiaryRun: run, topiaryProducts: productsInfo });
