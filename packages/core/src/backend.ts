/**
 * A runtime backend as a value: backend packages export factories that return one (`cpu()`, `wasm()`,
 * `webgpu()`), and nothing is registered until `setup()` runs.
 */
export interface BackendDescriptor {
  /** Topiary's name for the backend: `cpu`, `wasm` or `webgpu`. */
  readonly name: string;
  /** The tfjs backend name passed to `tf.setBackend`. */
  readonly tfBackend: string;
  /**
   * Registers the backend (and any kernels it needs), makes it tfjs's active backend and waits until it is
   * ready. Throws an error that says what was tried and how to fix it when the backend cannot start.
   */
  setup(): Promise<BackendInfo>;
}

/** What a started backend reports about itself. */
export interface BackendInfo {
  /** Topiary's name for the backend. */
  readonly name: string;
  /** Human-readable details: adapter, SIMD or threads, wasm location, fallbacks taken. */
  readonly details: string;
}
