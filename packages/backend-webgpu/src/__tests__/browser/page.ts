// The script of the browser test page: trains the dense fixture on WebGPU or WASM inside headless Chromium.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { webgpu } from '../../index.js';
import { trainDenseSteps } from '../dense-fixture.js';
import { WASM_PREFIX } from './protocol.js';
import type { PageRun } from './protocol.js';

async function startBackend(name: 'webgpu' | 'wasm'): Promise<string> {
  if (name === 'webgpu') return (await webgpu().setup()).details;
  setWasmPaths(WASM_PREFIX);
  if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') failed in the page");
  return `wasm, SIMD ${String(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))}`;
}

async function run(name: 'webgpu' | 'wasm', steps: number): Promise<PageRun> {
  const details = await startBackend(name);
  const losses = await trainDenseSteps(steps);
  return { backend: tf.getBackend(), details, losses };
}

Object.assign(globalThis, { topiaryRun: run });
