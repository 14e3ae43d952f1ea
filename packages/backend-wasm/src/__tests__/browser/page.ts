// The script of the browser test page: trains a small conv net with Topiary's WASM kernels and on the CPU backend.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import '@tensorflow/tfjs-backend-cpu';
import { wasm, wasmMatMulKernelsInfo } from '../../index.js';
import { trainConvNet, type TrainedNet } from './train-fixture.js';

/** What the page reports to the test. */
export interface PageResult {
  readonly details: string;
  readonly crossOriginIsolated: boolean;
  readonly threads: number;
  readonly nativeCalls: Record<string, number>;
  readonly fallbacks: Record<string, string>;
  readonly wasm: TrainedNet;
  readonly cpu: TrainedNet;
}

async function run(steps: number): Promise<PageResult> {
  const { details } = await wasm({ wasmPaths: '/wasm/' }).setup();
  const onWasm = await trainConvNet(steps);
  const info = wasmMatMulKernelsInfo()!;
  await tf.setBackend('cpu');
  const onCpu = await trainConvNet(steps);
  return {
    details,
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    threads: info.threads,
    nativeCalls: Object.fromEntries(Object.entries(info.calls).map(([name, c]) => [name, c.native])),
    fallbacks: Object.fromEntries(Object.entries(info.calls).map(([name, c]) => [name, `${c.fallback}: ${c.lastFallback ?? ""}`])),
    wasm: onWasm,
    cpu: onCpu,
  };
}

Object.assign(globalThis, { topiaryRun: run });
