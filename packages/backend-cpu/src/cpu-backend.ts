import { getBackend, ready, setBackend } from '@tensorflow/tfjs-core';
import { registerHostMaskSelect, type BackendDescriptor, type BackendInfo } from '@topiary/core';

/** The npm package that implements the pure-JavaScript backend. */
const CPU_PACKAGE = '@tensorflow/tfjs-backend-cpu';

/**
 * The pure-JavaScript CPU backend: slow but available everywhere, the fallback when neither WebGPU nor
 * WebAssembly can start. `setup()` also registers the host quickselect as the backend's mask-select kernel
 * (`maskSelect` of `@topiary/core`), so device selection there selects exactly what host selection does.
 *
 * @example
 * ```ts
 * import { cpu } from '@topiary/backend-cpu';
 * const info = await cpu().setup();
 * console.log(info.details);
 * ```
 */
export function cpu(): BackendDescriptor {
  return { name: 'cpu', tfBackend: 'cpu', setup: setUpCpu };
}

async function setUpCpu(): Promise<BackendInfo> {
  let version: string;
  try {
    ({ version_cpu: version } = await import('@tensorflow/tfjs-backend-cpu'));
  } catch (error) {
    throw new Error(
      `cpu backend: could not load ${CPU_PACKAGE} (${describeError(error)}). ` +
        `Install it next to @tensorflow/tfjs-core with the same version, e.g. \`pnpm add ${CPU_PACKAGE}@4.22.0\`.`,
      { cause: error },
    );
  }
  const started = await setBackend('cpu');
  if (!started || getBackend() !== 'cpu') {
    throw new Error(
      `cpu backend: tf.setBackend('cpu') failed after loading ${CPU_PACKAGE} ${version}. ` +
        'Check that only one copy of @tensorflow/tfjs-core is installed (`pnpm why @tensorflow/tfjs-core`).',
    );
  }
  await ready();
  registerHostMaskSelect('cpu');
  return { name: 'cpu', details: `pure JavaScript (${CPU_PACKAGE} ${version}), no SIMD, single thread` };
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
