// The script of the browser test page: trains the dense fixture on WebGPU or WASM inside headless Chromium.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { maskSelect, maskSelectOnHost, registerHostMaskSelect } from '@topiary/core';
import { webgpu } from '../../index.js';
import { trainDenseSteps } from '../dense-fixture.js';
import { WASM_PREFIX } from './protocol.js';
import type { PageRun } from './protocol.js';

async function startBackend(name: 'webgpu' | 'wasm'): Promise<string> {
  if (name === 'webgpu') return (await webgpu().setup()).details;
  setWasmPaths(WASM_PREFIX);
  if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') failed in the page");
  registerHostMaskSelect('wasm');
  return `wasm, SIMD ${String(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))}`;
}

/** Drops then grows on heavily tied scores with the backend's mask-select kernel; counts differences from the host quickselect. */
async function maskSelectMismatches(): Promise<number> {
  const size = 20_000;
  const scores = Float32Array.from({ length: size }, (_, i) => ((i * 7919) % 13) - 6);
  const mask = Float32Array.from({ length: size }, (_, i) => ((i * 104_729) % 10 < 2 ? 1 : 0));
  const k = 1000;
  const expected = maskSelectOnHost(scores, maskSelectOnHost(scores, mask, k, 'drop'), k, 'grow');
  const got = tf.tidy(() => {
    const s = tf.tensor1d(scores);
    return maskSelect(s, maskSelect(s, tf.tensor1d(mask), k, 'drop'), k, 'grow');
  });
  const values = await got.data();
  got.dispose();
  return expected.reduce((n, v, i) => n + (values[i] === v ? 0 : 1), 0);
}

async function run(name: 'webgpu' | 'wasm', steps: number): Promise<PageRun> {
  const details = await startBackend(name);
  const losses = await trainDenseSteps(steps);
  return { backend: tf.getBackend(), details, losses, maskSelectMismatches: await maskSelectMismatches() };
}

Object.assign(globalThis, { topiaryRun: run });
