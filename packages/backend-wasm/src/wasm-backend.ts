import { engine, env, getBackend, ready, setBackend } from '@tensorflow/tfjs-core';
import { registerHostMaskSelect, type BackendDescriptor, type BackendInfo } from '@topiary/core';
import {
  binaryLocation,
  chooseWasmBinary,
  installedWasmFolder,
  isFile,
  localFilePath,
  WASM_PACKAGE,
} from './wasm-binary-location.js';
import { nativeKernelNames, setWasmMatMulKernels, startNativeKernels, wasmMatMulKernelsInfo } from './kernels/native-kernels.js';
import { resolveWasmBackendOptions, type ResolvedWasmBackendOptions, type WasmBackendOptions } from './wasm-options.js';

type WasmPackage = typeof import('@tensorflow/tfjs-backend-wasm');

/** Where the running wasm backend loaded its binary from, recorded by the setup that started it. */
let startedFrom: string | undefined;

/**
 * The WebAssembly backend (SIMD where available), loading its `.wasm` binary from the installed package, so it
 * works offline in Node and, given `wasmPaths`, in browsers. `setup()` also registers the training kernels
 * tfjs-backend-wasm lacks (listed in `wasmTrainingKernelNames`), so convolutional models and `tf.gather`
 * (embeddings) train on it, and the host quickselect as its mask-select kernel (`maskSelect` of
 * `@topiary/core`). Options are validated here, before anything starts.
 *
 * @example
 * ```ts
 * import { wasm } from '@topiary/backend-wasm';
 * const info = await wasm().setup();            // Node: binaries from node_modules
 * await wasm({ wasmPaths: '/assets/tfjs-wasm/' }).setup(); // browser: where the .wasm files are served
 * ```
 */
export function wasm(options?: WasmBackendOptions): BackendDescriptor {
  const resolved = resolveWasmBackendOptions(options);
  return { name: 'wasm', tfBackend: 'wasm', setup: () => setUpWasm(resolved) };
}

async function setUpWasm(options: ResolvedWasmBackendOptions): Promise<BackendInfo> {
  const wasmPackage = await loadWasmPackage();
  const { registeredTrainingKernels } = await import('./register-training-kernels.js');
  const notes: string[] = [];
  if ('wasm' in engine().registry) {
    if (options.wasmPaths !== undefined || options.threads !== undefined) {
      notes.push('already running in this process, so wasmPaths and threads were not applied');
    }
  } else {
    startedFrom = await configureFirstStart(wasmPackage, options);
  }
  const previousBackend = engine().backendName as string | null;
  const started = await setBackend('wasm');
  if (!started || getBackend() !== 'wasm') {
    await restoreBackend(previousBackend);
    throw new Error(
      "wasm backend: tf.setBackend('wasm') failed loading the WebAssembly binary from " +
        `${startedFrom ?? "tfjs's default location"} (tfjs logs the cause as a warning). ` +
        `Make sure that location serves the .wasm files of ${WASM_PACKAGE}/dist/ and pass it as ` +
        'wasm({ wasmPaths }); after a failed start, restart the process or reload the page before retrying, ' +
        'or use the cpu backend.',
    );
  }
  await ready();
  registerHostMaskSelect('wasm');
  const matMul = await startMatMulKernels(options, notes);
  const simd = (await env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const threads = wasmPackage.getThreadsCount();
  const kernels = registeredTrainingKernels.length > 0 ? registeredTrainingKernels.join(', ') : 'none needed';
  const details = [
    `WebAssembly (${WASM_PACKAGE} ${wasmPackage.version_wasm})`,
    `SIMD ${simd ? 'on' : 'off'}`,
    `${threads} thread${threads === 1 ? '' : 's'}`,
    `binary ${startedFrom ?? 'chosen by tfjs'}`,
    `training kernels added: ${kernels}`,
    matMul,
    ...notes,
  ].join('; ');
  return { name: 'wasm', details };
}

/** Starts Topiary's matrix kernels unless tfjs's were asked for; returns the backend-details part that says what runs. */
async function startMatMulKernels(options: ResolvedWasmBackendOptions, notes: string[]): Promise<string> {
  const running = wasmMatMulKernelsInfo();
  if (options.matMulKernels === 'tfjs') {
    if (running !== undefined) setWasmMatMulKernels({ kernels: 'tfjs' });
    return "matrix kernels: tfjs-backend-wasm's own (matMulKernels: 'tfjs')";
  }
  if (running !== undefined && options.kernelThreads !== undefined && options.kernelThreads !== running.threads) {
    notes.push(`Topiary's kernels already run on ${running.threads} threads in this process, so kernelThreads was not applied`);
  }
  try {
    const runtime = await startNativeKernels(options.kernelThreads, env().getBool('IS_NODE'));
    setWasmMatMulKernels({ kernels: 'topiary' });
    const threads = `${runtime.threads} thread${runtime.threads === 1 ? '' : 's'}`;
    const why = runtime.threadNote === undefined ? '' : ` (${runtime.threadNote})`;
    return `matrix kernels: Topiary's WebAssembly SIMD kernels for ${nativeKernelNames.join(', ')} on ${threads}${why}`;
  } catch (error) {
    return `matrix kernels: tfjs-backend-wasm's own, because Topiary's could not start (${describeError(error)})`;
  }
}

async function loadWasmPackage(): Promise<WasmPackage> {
  try {
    return await import('@tensorflow/tfjs-backend-wasm');
  } catch (error) {
    throw new Error(
      `wasm backend: could not load ${WASM_PACKAGE} (${describeError(error)}). ` +
        `Install it with the same version as @tensorflow/tfjs-core, e.g. \`pnpm add ${WASM_PACKAGE}@4.22.0\`.`,
      { cause: error },
    );
  }
}

/**
 * Applies the options before tfjs first starts the backend: points tfjs at the binary this machine will load,
 * checking in Node that the file exists before tfjs tries it (a failed tfjs start cannot be retried in the same
 * process), and sets the thread count. Returns a description of the binary's location, or undefined for tfjs's default.
 */
async function configureFirstStart(
  wasmPackage: WasmPackage,
  options: ResolvedWasmBackendOptions,
): Promise<string | undefined> {
  if (options.threads !== undefined) wasmPackage.setThreadsCount(options.threads);
  const isNode = env().getBool('IS_NODE');
  const paths = options.wasmPaths ?? (isNode ? await installedWasmFolder() : undefined);
  if (paths === undefined) return undefined;
  const [simd, threadsSupported] = await Promise.all([
    env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
  ]);
  const binary = chooseWasmBinary(simd === true, threadsSupported === true);
  const location = binaryLocation(paths, binary);
  const file = isNode ? await localFilePath(location) : undefined;
  if (file !== undefined && !(await isFile(file))) {
    const tried = typeof paths === 'string' ? `wasmPaths ${JSON.stringify(paths)}` : 'the wasmPaths map';
    throw new Error(
      `wasm backend: the WebAssembly binary ${binary} was not found at ${file} (from ${tried}). ` +
        `Pass wasm({ wasmPaths }) the folder that holds the .wasm files of ${WASM_PACKAGE} (its dist/ folder), ` +
        `omit wasmPaths to use the installed package, or reinstall ${WASM_PACKAGE}.`,
    );
  }
  try {
    wasmPackage.setWasmPaths(paths as Parameters<WasmPackage['setWasmPaths']>[0]);
  } catch (error) {
    throw new Error(
      `wasm backend: could not point tfjs at ${location} (${describeError(error)}). ` +
        'An earlier failed start fixes the location for this process: restart it (or reload the page) and retry.',
      { cause: error },
    );
  }
  // results record this: name the installed package rather than where this checkout happens to live
  return options.wasmPaths === undefined ? `${binary} from the installed ${WASM_PACKAGE}` : location;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Re-activates the backend that was active before a failed start, so a failure changes nothing. */
async function restoreBackend(previous: string | null): Promise<void> {
  if (previous != null && previous !== 'wasm' && previous in engine().registry) await setBackend(previous);
}
