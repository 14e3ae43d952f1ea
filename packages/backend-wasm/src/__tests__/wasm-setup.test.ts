import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { wasm, wasmTrainingKernelNames } from '../index.js';
import { resolveWasmBackendOptions } from '../wasm-options.js';

// Tests run in order: the failed starts come first, while tfjs has not loaded any binary yet.
const installedDist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('wasm() options', () => {
  it('rejects bad options when the descriptor is made, naming field, value and what is allowed', () => {
    expect(() => wasm({ threads: 0 })).toThrow('wasm options.threads must be a positive integer, got 0');
    expect(() => wasm({ threads: 1.5 })).toThrow(RangeError);
    expect(() => wasm({ wasmPaths: '  ' })).toThrow('wasm options.wasmPaths must be a non-empty folder path or URL prefix, got "  "');
    expect(() => wasm({ wasmPaths: { 'tfjs-backend-wasm.wasm': '/a.wasm' } as never })).toThrow(
      /wasm options.wasmPaths\["tfjs-backend-wasm-simd.wasm"\] must be a non-empty path or URL \(all three binaries need one\), got undefined/,
    );
    expect(() => wasm({ wasmPaths: { 'tfjs-backend.wasm': '/a.wasm' } as never })).toThrow(
      /wasm options.wasmPaths key "tfjs-backend.wasm" must be one of tfjs-backend-wasm.wasm, tfjs-backend-wasm-simd.wasm/,
    );
    expect(() => wasm(null as never)).toThrow('wasm options must be an object, got null');
    expect(() => wasm({ matMulKernels: 'xnnpack' as never })).toThrow(`wasm options.matMulKernels must be 'topiary' or 'tfjs', got "xnnpack"`);
    expect(() => wasm({ kernelThreads: 0 })).toThrow('wasm options.kernelThreads must be a positive integer, got 0');
    expect(() => wasm({ kernelThreads: 257 })).toThrow('wasm options.kernelThreads must be at most 256, got 257');
  });

  it('takes the kernel thread count from TOPIARY_WASM_THREADS in Node, and refuses a bad one naming the variable', () => {
    vi.stubEnv('TOPIARY_WASM_THREADS', 'two');
    expect(() => wasm()).toThrow('environment variable TOPIARY_WASM_THREADS must be a positive integer, got "two"');
    vi.stubEnv('TOPIARY_WASM_THREADS', '0');
    expect(() => wasm()).toThrow('environment variable TOPIARY_WASM_THREADS must be a positive integer, got 0');
    vi.stubEnv('TOPIARY_WASM_THREADS', '3');
    expect(resolveWasmBackendOptions().kernelThreads).toBe(3);
    expect(resolveWasmBackendOptions({ kernelThreads: 2 }).kernelThreads).toBe(2);
    vi.unstubAllEnvs();
  });
});

describe('wasm().setup()', () => {
  it('explains a folder without the binary, and leaves tfjs untouched so a later start works', async () => {
    const missing = `${installedDist}/no-such-folder`;
    const setup = wasm({ wasmPaths: missing }).setup();
    await expect(setup).rejects.toThrow(
      `wasm backend: the WebAssembly binary tfjs-backend-wasm-simd.wasm was not found at ${missing}/tfjs-backend-wasm-simd.wasm ` +
        `(from wasmPaths "${missing}/"). Pass wasm({ wasmPaths }) the folder that holds the .wasm files of ` +
        '@tensorflow/tfjs-backend-wasm (its dist/ folder)',
    );
    expect('wasm' in tf.engine().registry).toBe(false);
  });

  it('checks the mapped file of a per-binary map too', async () => {
    const paths = {
      'tfjs-backend-wasm.wasm': `${installedDist}/tfjs-backend-wasm.wasm`,
      'tfjs-backend-wasm-simd.wasm': `${installedDist}/renamed-simd.wasm`,
      'tfjs-backend-wasm-threaded-simd.wasm': `${installedDist}/tfjs-backend-wasm-threaded-simd.wasm`,
    };
    await expect(wasm({ wasmPaths: paths }).setup()).rejects.toThrow(
      `was not found at ${installedDist}/renamed-simd.wasm (from the wasmPaths map)`,
    );
  });

  it('starts from an explicit folder (trailing slash optional) and registers the training kernels', async () => {
    const info = await wasm({ wasmPaths: installedDist }).setup();
    expect(info.name).toBe('wasm');
    expect(info.details).toContain(`binary ${installedDist}/tfjs-backend-wasm-simd.wasm`);
    expect(info.details).toContain('SIMD on');
    expect(info.details).toContain(`training kernels added: ${wasmTrainingKernelNames.join(', ')}`);
    expect(tf.getBackend()).toBe('wasm');
    for (const name of wasmTrainingKernelNames) expect(tf.getKernel(name, 'wasm')?.kernelName).toBe(name);
  });

  it('is idempotent: a second setup re-activates wasm without registering anything again', async () => {
    const kernelsBefore = wasmTrainingKernelNames.map((name) => tf.getKernel(name, 'wasm'));
    const backendBefore = tf.engine().registry['wasm'];
    const warn = vi.spyOn(console, 'warn');
    await tf.setBackend('cpu');
    const info = await wasm().setup();
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.engine().registry['wasm']).toBe(backendBefore);
    expect(wasmTrainingKernelNames.map((name) => tf.getKernel(name, 'wasm'))).toEqual(kernelsBefore);
    expect(warn).not.toHaveBeenCalled();
    expect(info.details).toContain(`training kernels added: ${wasmTrainingKernelNames.join(', ')}`);
  });

  it('says when options cannot apply because wasm is already running', async () => {
    const info = await wasm({ wasmPaths: '/elsewhere/', threads: 2 }).setup();
    expect(info.details).toContain('already running in this process, so wasmPaths and threads were not applied');
    expect(tf.getBackend()).toBe('wasm');
  });
});
