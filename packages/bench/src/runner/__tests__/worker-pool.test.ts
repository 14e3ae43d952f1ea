import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RunConfig } from '../../train/config.js';
import { defaultWorkerSpec, runPool, WorkerStartError, type PoolJob, type WorkerSpec } from '../worker-pool.js';
import type { RunMeasurements } from '../../results/run-record.js';
import type { BenchProgress } from '../worker-protocol.js';

const fake: WorkerSpec = {
  module: fileURLToPath(new URL('./fake-worker.ts', import.meta.url)),
  execArgv: defaultWorkerSpec().execArgv,
};
const job = (id: number, seed: number): PoolJob => ({ id, config: { seed } as RunConfig });

function collect() {
  const events: string[] = [];
  const done = new Map<number, RunMeasurements>();
  const failed = new Map<number, string>();
  const progress: BenchProgress[] = [];
  return {
    events,
    done,
    failed,
    progress,
    callbacks: {
      onStart: (j: PoolJob) => events.push(`start ${j.id}`),
      onProgress: (_j: PoolJob, p: BenchProgress) => progress.push(p),
      onDone: (j: PoolJob, m: RunMeasurements) => done.set(j.id, m),
      onFailed: (j: PoolJob, e: string) => failed.set(j.id, e),
    },
  };
}

describe('runPool', () => {
  it('runs every job once across forked workers (loaded through the TypeScript loader)', async () => {
    const c = collect();
    const result = await runPool([job(0, 10), job(1, 20), job(2, 30), job(3, 40)], { concurrency: 2, worker: fake }, c.callbacks);
    expect(result.aborted).toBe(false);
    expect([...c.done.keys()].sort()).toEqual([0, 1, 2, 3]);
    expect(c.done.get(2)!.testAccuracy).toBe(0.3);
    expect(c.progress.some((p) => p.epoch === 2 && p.loss === 0.5)).toBe(true);
    expect(c.failed.size).toBe(0);
  });

  it('reports a throwing run and a dying worker as failures and finishes the rest', async () => {
    const c = collect();
    await runPool([job(0, 13), job(1, 99), job(2, 20), job(3, 98), job(4, 30)], { concurrency: 1, worker: fake }, c.callbacks);
    expect(c.failed.get(0)).toMatch(/unlucky seed 13/);
    expect(c.failed.get(1)).toMatch(/worker exited \(SIGKILL\)/);
    expect(c.failed.get(3)).toMatch(/worker exited \(code 3\)/);
    expect([...c.done.keys()].sort()).toEqual([2, 4]);
  });

  it('rejects when a worker cannot start, instead of retrying forever', async () => {
    const c = collect();
    const broken = { module: fake.module.replace('fake-worker', 'no-such-worker'), execArgv: fake.execArgv };
    await expect(runPool([job(0, 1), job(1, 2)], { concurrency: 1, worker: broken }, c.callbacks)).rejects.toBeInstanceOf(WorkerStartError);
  });

  it('stops the pool when recording a result fails', async () => {
    const c = collect();
    const callbacks = { ...c.callbacks, onDone: () => { throw new Error('disk full'); } };
    await expect(runPool([job(0, 1), job(1, 2), job(2, 3)], { concurrency: 1, worker: fake }, callbacks)).rejects.toThrow('disk full');
    expect(c.events).toEqual(['start 0']);
  });

  it('stops early when aborted', async () => {
    const c = collect();
    const controller = new AbortController();
    const callbacks = { ...c.callbacks, onStart: (j: PoolJob) => { c.events.push(`start ${j.id}`); controller.abort(); } };
    const result = await runPool([job(0, 1), job(1, 2), job(2, 3)], { concurrency: 1, worker: fake, signal: controller.signal }, callbacks);
    expect(result.aborted).toBe(true);
    expect(c.events).toEqual(['start 0']);
    expect(c.failed.size).toBe(0);
  });
});
