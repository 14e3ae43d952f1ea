import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { closedObject, defineComponent } from '@topiary/core';
import { z } from 'zod';
import { builtinRegistry, ConfigError, parseStrategyConfig, resolveStrategy, strategyJsonSchema } from '../index.js';

const largestFirst = defineComponent({
  family: 'drop',
  kind: 'largest-first',
  doc: 'Drops the largest weights first (a test criterion).',
  options: closedObject({ scale: z.number().positive() }),
  create: ({ scale }) => ({ kind: 'largest-first', needs: {}, score: ({ weight }) => tf.mul(tf.neg(tf.abs(weight)), scale) }),
});

const ctx = { totalSteps: 1000, stepsPerEpoch: 100 };

describe('JSON strategy configs', () => {
  it('every preset can be written as JSON and resolves to the same strategy as its factory', () => {
    const rigl = resolveStrategy({ method: 'rigl', sparsity: 0.9 }, ctx);
    expect(rigl.name).toBe('rigl');
    expect(rigl.update!.schedule).toEqual({ begin: 0, end: 750, every: 100 });
    expect(resolveStrategy({ method: 'set', sparsity: 0.9 }, ctx).update!.schedule.every).toBe(100);
    expect(resolveStrategy({ method: 'snfs', sparsity: 0.95, distribution: { kind: 'erk' } }, ctx).distribution.kind).toBe('erk');
    expect(resolveStrategy({ method: 'static', sparsity: 0.9, distribution: { kind: 'uniform', denseFirstLayer: true } }, ctx).update).toBeUndefined();
    expect(resolveStrategy({ method: 'snip', sparsity: 0.9 }, ctx).init.kind).toBe('scored');
    expect(resolveStrategy({ method: 'pruning', sparsity: 0.9, updateEvery: 50 }, ctx).update!.targetSparsity).toBeDefined();
    expect(resolveStrategy({ method: 'dense' }, ctx).sparsity).toBe(0);
  });

  it('RigL knobs: ΔT, α, schedule, T_end "until the end", grow init', () => {
    const s = resolveStrategy({ method: 'rigl', sparsity: 0.8, updateEvery: 50, dropFraction: 0.5, dropSchedule: 'linear', end: 1, growInit: { kind: 'kaiming-normal' } }, ctx);
    expect(s.update!.schedule).toEqual({ begin: 0, end: 1000, every: 50 });
    expect(s.update!.dropFraction!.kind).toBe('linear');
    expect(s.update!.dropFraction!.valueAt(500)).toBeCloseTo(0.25, 12);
    expect(s.update!.growInit!.kind).toBe('kaiming-normal');
  });

  it('a hand-composed strategy: RigL with momentum growth and redistribution, written as JSON', () => {
    const s = resolveStrategy(
      {
        method: 'custom',
        name: 'rigl-momentum',
        sparsity: 0.9,
        distribution: { kind: 'erk', powerScale: 0.5 },
        update: { updateEvery: 100, end: 0.75, drop: { kind: 'magnitude', tieBreakNoise: 1e-5 }, grow: { kind: 'momentum' }, dropFraction: { kind: 'cosine', initial: 0.3 }, redistribution: { kind: 'momentum' } },
      },
      ctx,
    );
    expect(s.name).toBe('rigl-momentum');
    expect(s.update!.grow!.kind).toBe('momentum');
    expect(s.update!.redistribution!.kind).toBe('momentum');
    expect(s.update!.dropFraction!.valueAt(0)).toBeCloseTo(0.3, 12);
  });

  it('user-defined criteria plug in through a registry', () => {
    const s = resolveStrategy(
      { method: 'custom', sparsity: 0.5, update: { drop: { kind: 'largest-first', scale: 2 }, grow: { kind: 'random' }, dropFraction: { kind: 'constant', value: 0.1 } } },
      { ...ctx, registry: builtinRegistry.with([largestFirst], 'test') },
    );
    expect(s.update!.drop.kind).toBe('largest-first');
  });

  it('refuses bad configs with the JSON path of the problem', () => {
    const fails = (json: unknown, pattern: RegExp, root = 'algorithm') => {
      let error: unknown;
      try {
        resolveStrategy(json, { ...ctx, root });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(pattern);
    };
    fails({ method: 'rigl', sparsity: 1 }, /algorithm\.sparsity: must be < 1 \(got 1\)/);
    fails({ method: 'rigl', sparsity: 1.5 }, /algorithm\.sparsity/);
    fails({ method: 'rigl', sparsity: 0.9, dropFraction: 2 }, /algorithm\.dropFraction/);
    fails({ method: 'rigl', sparsity: 0.9, updateEvery: 0 }, /algorithm\.updateEvery/);
    fails({ method: 'rigl', sparsity: 0.9, end: 0 }, /algorithm\.end/);
    fails({ method: 'lottery', sparsity: 0.9 }, /algorithm\.method/);
    fails({ method: 'rigl', sparsity: 0.9, distribution: { kind: 'erdos' } }, /algorithm\.distribution\.kind/);
    fails({ method: 'rigl', sparsity: 0.9, updateEvry: 10 }, /algorithm: unknown key "updateEvry" \(did you mean "updateEvery"\?\)/);
    fails({ method: 'custom', sparsity: 0.9, update: { drop: { kind: 'mystery' }, dropFraction: { kind: 'constant', value: 0.1 } } }, /algorithm\.update\.drop\.kind: must be one of "magnitude", "random", .* \(got "mystery"\)/);
    fails({ method: 'custom', sparsity: 0.9, update: { drop: { kind: 'magnitude' } } }, /algorithm\.update\.dropFraction: an update needs/);
    expect(() => parseStrategyConfig({ method: 'rigl' })).toThrow(/sparsity/);
  });

  it('exports a JSON Schema for editors, and the committed copy is up to date', () => {
    const schema = strategyJsonSchema();
    expect(JSON.stringify(schema)).toContain('"rigl"');
    const committed = JSON.parse(readFileSync(new URL('../../schema/strategy-config.schema.json', import.meta.url), 'utf8'));
    // the committed copy is what editors and the package's ./schema.json export see; regenerate it when descriptors change
    expect(committed, 'schema/strategy-config.schema.json is out of date: run `pnpm --filter @topiary/algorithms schema` and commit the result').toEqual(schema);
  });
});
