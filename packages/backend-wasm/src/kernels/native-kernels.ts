import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  _FusedMatMul,
  BatchMatMul,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  MaxPoolGrad,
  getKernel,
  registerKernel,
  unregisterKernel,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { runConv2DBackpropFilter, runConv2DBackpropInput } from './conv-gradients.js';
import { matMulCall, runMatMul } from './mat-mul.js';
import { runMaxPoolGrad } from './max-pool-grad.js';
import { KernelRuntime } from '../native/kernel-runtime.js';

/** Which kernels the wasm backend runs for products and convolution gradients: Topiary's (SIMD, threads) or the ones they replace. */
export type WasmMatMulKernels = 'topiary' | 'tfjs';

type NativeKernel = (runtime: KernelRuntime, backend: BackendWasm, args: Parameters<KernelFunc>[0]) => TensorInfo | string;

function matMul(fused: boolean): NativeKernel {
  return (runtime, backend, { inputs, attrs }) => {
    const call = matMulCall(inputs, attrs, fused);
    return typeof call === 'string' ? call : runMatMul(runtime, backend, call);
  };
}

/** Each replaced tfjs kernel and Topiary's implementation of it (which says why not for a case it does not take). */
const nativeKernels: Record<string, NativeKernel> = {
  [BatchMatMul]: matMul(false),
  [_FusedMatMul]: matMul(true),
  [Conv2DBackpropFilter]: (runtime, backend, { inputs, attrs }) => runConv2DBackpropFilter(runtime, backend, inputs, attrs ?? {}),
  [Conv2DBackpropInput]: (runtime, backend, { inputs, attrs }) => runConv2DBackpropInput(runtime, backend, inputs, attrs ?? {}),
  [MaxPoolGrad]: (runtime, backend, { inputs, attrs }) => runMaxPoolGrad(runtime, backend, inputs, attrs ?? {}),
};

/** The tfjs kernels that Topiary's WebAssembly kernels replace on the wasm backend: matrix products, convolution and max-pool gradients. */
export const nativeKernelNames: readonly string[] = Object.keys(nativeKernels);

/** Calls per replaced kernel: run by Topiary's kernels, or handed to tfjs's own (and why, for the last one). */
export interface NativeKernelCounts {
  /** Calls Topiary's kernels ran. */
  readonly native: number;
  /** Calls given to tfjs's own kernel (switched off, or a case the kernels do not take). */
  readonly fallback: number;
  /** Why the latest fallback happened. */
  readonly lastFallback: string | undefined;
}

interface NativeState {
  runtime: KernelRuntime;
  mode: WasmMatMulKernels;
  counts: Map<string, { native: number; fallback: number; lastFallback: string | undefined }>;
}

let state: NativeState | undefined;
let starting: Promise<NativeState> | undefined;

/**
 * Starts the kernels once per process or page (later calls return the running ones) and registers them in place
 * of tfjs-backend-wasm's BatchMatMul and _FusedMatMul; each falls back to tfjs's own kernel for what it does not take.
 */
export async function startNativeKernels(threads: number | undefined, isNode: boolean): Promise<KernelRuntime> {
  starting ??= KernelRuntime.start(threads, isNode).then((runtime) => {
    state = { runtime, mode: 'topiary', counts: new Map() };
    for (const name of nativeKernelNames) replaceKernel(name, state);
    return state;
  });
  try {
    return (await starting).runtime;
  } catch (error) {
    starting = undefined;
    throw error;
  }
}

function replaceKernel(name: string, native: NativeState): void {
  const original = getKernel(name, 'wasm');
  if (original === undefined) return;
  const run = nativeKernels[name]!;
  const counts = { native: 0, fallback: 0, lastFallback: undefined as string | undefined };
  native.counts.set(name, counts);
  const kernelFunc: KernelFunc = (args) => {
    const fallback = (why: string) => {
      counts.fallback++;
      counts.lastFallback = why;
      return original.kernelFunc(args);
    };
    if (native.mode !== 'topiary') return fallback("switched to tfjs's kernels");
    if (native.runtime.failure !== undefined) return fallback(native.runtime.failure);
    let result: TensorInfo | string;
    try {
      result = run(native.runtime, args.backend as BackendWasm, args);
    } catch (error) {
      if (native.runtime.failure === undefined) throw error;
      return fallback(native.runtime.failure);
    }
    if (typeof result === 'string') return fallback(result);
    counts.native++;
    return result;
  };
  unregisterKernel(name, 'wasm');
  const config: KernelConfig = { kernelName: name, backendName: 'wasm', kernelFunc };
  if (original.setupFunc) config.setupFunc = original.setupFunc;
  if (original.disposeFunc) config.disposeFunc = original.disposeFunc;
  registerKernel(config);
}

/**
 * Chooses the matrix kernels from now on: Topiary's, with `threads` of the started threads taking part, or
 * tfjs-backend-wasm's own (for comparisons in one process). Needs a started `wasm().setup()`.
 */
export function setWasmMatMulKernels(options: { kernels?: WasmMatMulKernels; threads?: number }): void {
  if (state === undefined) throw new Error('setWasmMatMulKernels: start the backend with wasm().setup() first');
  const { kernels, threads } = options;
  if (kernels !== undefined) {
    if (kernels !== 'topiary' && kernels !== 'tfjs') {
      throw new Error(`setWasmMatMulKernels: kernels must be 'topiary' or 'tfjs' (got ${JSON.stringify(kernels)})`);
    }
    state.mode = kernels;
  }
  if (threads !== undefined) state.runtime.setActiveThreads(threads);
}

/** What the running kernels are: mode, threads started and in use, why fewer started, and the calls so far. */
export function wasmMatMulKernelsInfo():
  | { kernels: WasmMatMulKernels; threads: number; activeThreads: number; threadNote: string | undefined; calls: Record<string, NativeKernelCounts> }
  | undefined {
  if (state === undefined) return undefined;
  return {
    kernels: state.mode,
    threads: state.runtime.threads,
    activeThreads: state.runtime.activeThreads,
    threadNote: state.runtime.threadNote ?? state.runtime.failure,
    calls: Object.fromEntries([...state.counts].map(([name, c]) => [name, { ...c }])),
  };
}
