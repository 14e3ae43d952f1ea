import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { expect, it, vi } from 'vitest';
import { WebGpuUnavailableError, probeWebGpu, webgpu } from '../index.js';

vi.mock('webgpu', () => {
  throw new Error("Cannot find package 'webgpu'");
});

it('tells how to install the webgpu package when Node cannot load it', async () => {
  await tf.setBackend('cpu');
  const failure = webgpu().setup();
  await expect(failure).rejects.toBeInstanceOf(WebGpuUnavailableError);
  await expect(failure).rejects.toThrow(/could not load the `webgpu` package[\s\S]*pnpm add webgpu@0\.6\.2/);
  expect(tf.getBackend()).toBe('cpu');
  const probe = await probeWebGpu();
  expect(probe.available).toBe(false);
  expect(probe.reason).toContain('pnpm add webgpu@0.6.2');
});

it('rejects bad options, naming the field, the value and what is allowed', () => {
  expect(() => webgpu({ powerPreference: 'fast' as 'low-power' })).toThrow(
    /powerPreference must be one of 'high-performance', 'low-power', got "fast"/,
  );
  expect(() => webgpu({ allowFallbackAdapter: 'yes' as unknown as boolean })).toThrow(
    /allowFallbackAdapter must be a boolean, got "yes"/,
  );
  expect(() => webgpu({ dawnFlags: [''] })).toThrow(/dawnFlags must be an array of non-empty strings, got \[""\]/);
  expect(() => webgpu({ softwareVulkanIcd: '' })).toThrow(/softwareVulkanIcd must be a path/);
});
