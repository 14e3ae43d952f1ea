import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { wasm } from '../index.js';

// Its own file: a failed tfjs start cannot be undone within a process.
it('explains a binary that exists but does not load, and leaves the active backend as it was', async () => {
  await tf.setBackend('cpu');
  const dist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  const notWasm = join(dist, '..', 'package.json');
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  const setup = wasm({
    wasmPaths: {
      'tfjs-backend-wasm.wasm': notWasm,
      'tfjs-backend-wasm-simd.wasm': notWasm,
      'tfjs-backend-wasm-threaded-simd.wasm': notWasm,
    },
  }).setup();
  await expect(setup).rejects.toThrow(
    `wasm backend: tf.setBackend('wasm') failed loading the WebAssembly binary from ${notWasm} ` +
      '(tfjs logs the cause as a warning). Make sure that location serves the .wasm files of ' +
      '@tensorflow/tfjs-backend-wasm/dist/ and pass it as wasm({ wasmPaths })',
  );
  expect(tf.getBackend()).toBe('cpu');
  await expect(wasm().setup()).rejects.toThrow(/An earlier failed start fixes the location for this process: restart it/);
});
