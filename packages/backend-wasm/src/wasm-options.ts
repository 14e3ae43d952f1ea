import { check, checkPositiveInteger, KERNEL_THREADS_VARIABLE, kernelThreadsFromEnvironment } from '@topiary/core';

/** The three builds of the tfjs WebAssembly binary; tfjs picks one by SIMD and thread support. */
export type WasmBinaryName =
  | 'tfjs-backend-wasm.wasm'
  | 'tfjs-backend-wasm-simd.wasm'
  | 'tfjs-backend-wasm-threaded-simd.wasm';

/** Every binary name, in tfjs's order: plain, SIMD, threaded SIMD. */
export const wasmBinaryNames: readonly WasmBinaryName[] = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
];

/** A path or URL for each binary, for files that were renamed or live in different folders. */
export type WasmBinaryPaths = Readonly<Record<WasmBinaryName, string>>;

/** Options of {@link wasm}. */
export interface WasmBackendOptions {
  /**
   * Where the `.wasm` binaries are: a folder path or URL prefix (a missing trailing `/` is added), or a path or
   * URL per binary. In a browser, pass the URL under which the files of `@tensorflow/tfjs-backend-wasm/dist/`
   * are served.
   * @default in Node, the `dist/` folder of the installed `@tensorflow/tfjs-backend-wasm`; elsewhere tfjs's own
   * default, the folder of the script that loaded the backend
   */
  wasmPaths?: string | WasmBinaryPaths;
  /**
   * Threads for XNNPACK where WebAssembly threads are available (cross-origin isolated pages); tfjs runs one
   * thread under Node. Takes effect only on the first start in a process.
   * @default tfjs's default, the number of logical cores
   */
  threads?: number;
  /**
   * Which matrix kernels run BatchMatMul and _FusedMatMul (every Dense layer, forward and backward): Topiary's
   * WebAssembly SIMD kernels on {@link WasmBackendOptions.kernelThreads} threads, or tfjs-backend-wasm's own.
   * Switch later with `setWasmMatMulKernels`.
   * @default 'topiary'
   */
  matMulKernels?: 'topiary' | 'tfjs';
  /**
   * Threads of Topiary's matrix kernels, the calling thread included: worker_threads in Node, Web Workers on
   * cross-origin-isolated pages, one thread where memory cannot be shared (the backend details say why). Takes
   * effect on the first start in a process.
   * @default in Node the `TOPIARY_WASM_THREADS` environment variable when set (the bench's worker processes get
   * their share of the cores through it), else every logical core
   */
  kernelThreads?: number;
}

/** Most kernel threads the kernels' scratch space has room for. */
export const MAX_KERNEL_THREADS = 256;

/** {@link WasmBackendOptions} after validation; `undefined` keeps tfjs's default. */
export interface ResolvedWasmBackendOptions {
  /** A folder prefix ending in `/`, a map of every binary, or `undefined` for the default location. */
  readonly wasmPaths: string | WasmBinaryPaths | undefined;
  /** Thread count, or `undefined` for tfjs's default. */
  readonly threads: number | undefined;
  /** The matrix kernels to run. */
  readonly matMulKernels: 'topiary' | 'tfjs';
  /** Kernel threads, or `undefined` for every logical core. */
  readonly kernelThreads: number | undefined;
}

/** Validates {@link WasmBackendOptions}; throws naming the field, the value and what is allowed. */
export function resolveWasmBackendOptions(options: WasmBackendOptions = {}): ResolvedWasmBackendOptions {
  check(typeof options === 'object' && options !== null, 'wasm options', options, 'an object');
  const { wasmPaths, threads, matMulKernels = 'topiary', kernelThreads } = options;
  if (threads !== undefined) checkPositiveInteger(threads, 'wasm options.threads');
  check(matMulKernels === 'topiary' || matMulKernels === 'tfjs', 'wasm options.matMulKernels', matMulKernels, "'topiary' or 'tfjs'");
  const fromEnvironment = kernelThreads === undefined ? kernelThreadsFromEnvironment() : undefined;
  const resolvedThreads = kernelThreads ?? fromEnvironment;
  if (resolvedThreads !== undefined) {
    const field = kernelThreads === undefined ? `environment variable ${KERNEL_THREADS_VARIABLE}` : 'wasm options.kernelThreads';
    checkPositiveInteger(resolvedThreads, field);
    check(resolvedThreads <= MAX_KERNEL_THREADS, field, resolvedThreads, `at most ${MAX_KERNEL_THREADS}`);
  }
  return { wasmPaths: resolveWasmPaths(wasmPaths), threads, matMulKernels, kernelThreads: resolvedThreads };
}

function resolveWasmPaths(wasmPaths: WasmBackendOptions['wasmPaths']): ResolvedWasmBackendOptions['wasmPaths'] {
  if (wasmPaths === undefined) return undefined;
  if (typeof wasmPaths === 'string') {
    check(wasmPaths.trim() !== '', 'wasm options.wasmPaths', wasmPaths, 'a non-empty folder path or URL prefix');
    return /[/\\]$/.test(wasmPaths) ? wasmPaths : `${wasmPaths}/`;
  }
  check(
    typeof wasmPaths === 'object' && wasmPaths !== null,
    'wasm options.wasmPaths',
    wasmPaths,
    'a folder path or URL prefix, or an object with a path for each binary',
  );
  for (const key of Object.keys(wasmPaths)) {
    check(
      (wasmBinaryNames as readonly string[]).includes(key),
      `wasm options.wasmPaths key ${JSON.stringify(key)}`,
      key,
      `one of ${wasmBinaryNames.join(', ')}`,
    );
  }
  for (const name of wasmBinaryNames) {
    const path: unknown = wasmPaths[name];
    check(
      typeof path === 'string' && path.trim() !== '',
      `wasm options.wasmPaths[${JSON.stringify(name)}]`,
      path,
      'a non-empty path or URL (all three binaries need one)',
    );
  }
  return { ...wasmPaths };
}
