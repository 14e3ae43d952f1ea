import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SPARSE_KERNELS_BASE64 } from '../wasm/sparse-binary.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('the shipped sparse kernel binary', () => {
  it('is what assembly/ builds with the pinned AssemblyScript, byte for byte', () => {
    const output = execFileSync(process.execPath, [join(root, 'scripts', 'build-kernels.mjs'), '--check'], { encoding: 'utf8' });
    expect(output).toMatch(/2 files match the source/);
  }, 120_000);

  it('embeds exactly wasm/topiary-sparse.wasm', () => {
    expect(Buffer.from(SPARSE_KERNELS_BASE64, 'base64').equals(readFileSync(join(root, 'wasm', 'topiary-sparse.wasm')))).toBe(true);
  });

  it('is valid WebAssembly with SIMD that imports only its memory and exports the kernels', () => {
    const bytes = Buffer.from(SPARSE_KERNELS_BASE64, 'base64');
    expect(WebAssembly.validate(bytes)).toBe(true);
    const module = new WebAssembly.Module(bytes);
    expect(WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}:${i.kind}`)).toEqual(['env.memory:memory']);
    expect(WebAssembly.Module.exports(module).map((e) => e.name).sort()).toEqual(['fromBatchInner', 'gatherRows', 'sampledDots', 'scatterRows', 'toBatchInner']);
  });
});
