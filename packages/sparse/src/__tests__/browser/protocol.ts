// What the sparse engine's browser test and its page share: the page's result and where the .wasm binaries are served.

/** What one training run in the page reports back to the test. */
export interface EngineRun {
  /** The tfjs backend that was active while training. */
  readonly backend: string;
  /** Whether the page was cross-origin isolated (shared memory for Web Workers). */
  readonly crossOriginIsolated: boolean;
  /** The host products' implementation (`wasm` or `typescript`); on webgpu the WGSL products run instead. */
  readonly implementation: string;
  /** Threads the host products run on. */
  readonly threads: number;
  /** Why the host products run on fewer threads than were asked for, when so. */
  readonly threadNote: string | undefined;
  /** The task count of every job the WASM products ran on the kernel threads (Web Workers). */
  readonly threadedJobs: number[];
  /** The kernels of the first step (tf.profile). */
  readonly firstStepKernels: string[];
  /** The loss of every step. */
  readonly losses: number[];
  /** The masks after every update step, per layer, as '0'/'1' strings. */
  readonly masks: string[][];
  /** The active weights per layer before training, then after every update step. */
  readonly counts: number[][];
}

/** The URL prefix under which the test server serves tfjs's .wasm binaries. */
export const WASM_PREFIX = '/wasm/';

/** Threads the page asks of the WASM products. */
export const ASKED_THREADS = 3;
