// `webgpu` (Dawn for Node) is an optional peer dependency of the bench: without it, asking for WebGPU fails with
// the install command, and `auto` falls back to another backend saying why.
import * as tf from '@tensorflow/tfjs-core';
import { expect, it, vi } from 'vitest';
import { selectBackend } from '../select-backend.js';

vi.mock('webgpu', () => {
  throw new Error("Cannot find package 'webgpu'");
});

it('a requested webgpu backend without the webgpu package names the install command', async () => {
  const failure = selectBackend('webgpu');
  await expect(failure).rejects.toThrow(/Backend 'webgpu' was requested but could not start/);
  await expect(failure).rejects.toThrow(/could not load the `webgpu` package[\s\S]*pnpm add webgpu@0\.6\.2/);
});

it('auto runs on another backend without the webgpu package and says why', async () => {
  const selected = await selectBackend('auto');
  expect(selected.name).not.toBe('webgpu');
  expect(tf.getBackend()).toBe(selected.name);
  expect(selected.reason).toMatch(/webgpu is not available \(.*could not load the `webgpu` package[\s\S]*pnpm add webgpu@0\.6\.2/);
});
