import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SPARSE_KERNELS_BASE64, SPARSE_THREADED_KERNELS_BASE64 } from '../wasm/sparse-binary.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('the shipped sparse kernel binaries', () => {
  it('is what assembly/ builds with the pinned AssemblyScript, byte for byte', () => {
    const output = execFileSync(process.execPath, [join(root, 'scripts', 'build-kernels.mjs'), '--check'], { encoding: 'utf8' });
    expect(output).toMatch(/3 files match the source/);
  }, 120_000);

  it('embed exactly wasm/topiary-sparse.wasm and wasm/topiary-sparse-threaded.wasm', () => {
    expect(Buffer.from(SPARSE_KERNELS_BASE64, 'base64').equals(readFileSync(join(root, 'wasm', 'topiary-sparse.wasm')))).toBe(true);
    expect(Buffer.from(SPARSE_THREADED_KERNELS_BASE64, 'base64').equals(readFileSync(join(root, 'wasm', 'topiary-sparse-threaded.wasm')))).toBe(true);
  });

  it('threaded: valid WebAssembly on shared memory that imports its memory and the clock, and exports the job loop beside the kernels', () => {
    const bytes = Buffer.from(SPARSE_THREADED_KERNELS_BASE64, 'base64');
    expect(WebAssembly.validate(bytes)).toBe(true);
    const module = new WebAssembly.Module(bytes);
    expect(WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}:${i.kind}`).sort()).toEqual(['env.memory:memory', 'env.now:function']);
    expect(WebAssembly.Module.exports(module).map((e) => e.name).sort()).toEqual([
      'fromBatchInner', 'gatherRows', 'runJob', 'sampledDots', 'scatterRows', 'stopWorkers', 'toBatchInner', 'workerLoop',
    ]);
    // it links only against shared memory
    expect(() => new WebAssembly.Instance(module, { env: { memory: new WebAssembly.Memory({ initial: 2, maximum: 32768 }), now: () => 0 } })).toThrow();
  });

  it('is valid WebAssembly with SIMD that imports only its memory and exports the kernels', () => {
    const bytes = Buffer.from(SPARSE_KERNELS_BASE64, 'base64');
    expect(WebAssembly.validate(bytes)).toBe(true);
    const module = new WebAssembly.Module(bytes);
    expect(WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}:${i.kind}`)).toEqual(['env.memory:memory']);
    expect(WebAssembly.Module.exports(module).map((e) => e.name).sort()).toEqual(['fromBatchInner', 'gatherRows', 'sampledDots', 'scatterRows', 'toBatchInner']);
  });
});
