import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SINGLE_THREAD_KERNELS_BASE64, THREADED_KERNELS_BASE64 } from '../native/kernel-binaries.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('the shipped kernel binaries', () => {
  it('are what assembly/ builds with the pinned AssemblyScript, byte for byte', () => {
    const output = execFileSync(process.execPath, [join(root, 'scripts', 'build-kernels.mjs'), '--check'], { encoding: 'utf8' });
    expect(output).toMatch(/3 files match the source/);
  }, 120_000);

  it('embed exactly the .wasm files of wasm/', () => {
    expect(Buffer.from(SINGLE_THREAD_KERNELS_BASE64, 'base64').equals(readFileSync(join(root, 'wasm', 'topiary-kernels.wasm')))).toBe(true);
    expect(Buffer.from(THREADED_KERNELS_BASE64, 'base64').equals(readFileSync(join(root, 'wasm', 'topiary-kernels-threaded.wasm')))).toBe(true);
  });

  it('are valid WebAssembly with SIMD, the threaded one importing shared memory', () => {
    for (const text of [SINGLE_THREAD_KERNELS_BASE64, THREADED_KERNELS_BASE64]) {
      expect(WebAssembly.validate(Buffer.from(text, 'base64'))).toBe(true);
    }
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(Buffer.from(THREADED_KERNELS_BASE64, 'base64')));
    expect(imports.map((i) => `${i.module}.${i.name}:${i.kind}`).sort()).toEqual(['env.memory:memory', 'env.now:function']);
  });
});
