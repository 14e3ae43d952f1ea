// The bad-input table of strategies: every refused config and preset option names its field and echoes the
// value it refused. Cases cover ranges (also inside custom schedules), contradictions and unknown keys.
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { ConfigError, editDistance, magnitudePruning, nearestName, resolveStrategy, rigl, set, snfs, snip, staticSparse } from '../index.js';

const ctx = { totalSteps: 1000, stepsPerEpoch: 100, root: 'algorithm' };
const update = (fields: Record<string, unknown>) => ({ method: 'custom', sparsity: 0.8, update: { drop: { kind: 'magnitude' }, grow: { kind: 'random' }, ...fields } });
const drift = { dropFraction: { kind: 'constant', value: 0.3 } };

/** [what, JSON config, field named in the message, value echoed in the message]. */
const jsonCases: [string, unknown, string, string][] = [
  ['sparsity 1.5', { method: 'rigl', sparsity: 1.5 }, 'algorithm.sparsity', '(got 1.5)'],
  ['sparsity 1', { method: 'set', sparsity: 1 }, 'algorithm.sparsity', '(got 1)'],
  ['negative sparsity', { method: 'static', sparsity: -0.2 }, 'algorithm.sparsity', '(got -0.2)'],
  ['sparsity as a string', { method: 'snip', sparsity: '0.9' }, 'algorithm.sparsity', '(got "0.9")'],
  ['sparsity missing', { method: 'rigl' }, 'algorithm.sparsity', '(missing)'],
  ['rigl dropFraction 2', { method: 'rigl', sparsity: 0.9, dropFraction: 2 }, 'algorithm.dropFraction', '(got 2)'],
  ['updateEvery 0', { method: 'rigl', sparsity: 0.9, updateEvery: 0 }, 'algorithm.updateEvery', '(got 0)'],
  ['updateEvery 2.5', { method: 'set', sparsity: 0.9, updateEvery: 2.5 }, 'algorithm.updateEvery', '(got 2.5)'],
  ['end 0', { method: 'rigl', sparsity: 0.9, end: 0 }, 'algorithm.end', '(got 0)'],
  ['end 1.2', { method: 'snfs', sparsity: 0.9, end: 1.2 }, 'algorithm.end', '(got 1.2)'],
  ['negative begin', { method: 'rigl', sparsity: 0.9, begin: -5 }, 'algorithm.begin', '(got -5)'],
  ['begin after T_end', { method: 'rigl', sparsity: 0.9, begin: 900 }, 'algorithm.begin', '(got 900)'],
  ['unknown method', { method: 'lottery', sparsity: 0.9 }, 'algorithm.method', '(got "lottery")'],
  ['mistyped method', { method: 'rigll', sparsity: 0.9 }, 'algorithm.method', 'did you mean "rigl"'],
  ['unknown distribution', { method: 'rigl', sparsity: 0.9, distribution: { kind: 'erdos' } }, 'algorithm.distribution.kind', '(got "erdos")'],
  ['custom density 1.5', { method: 'static', sparsity: 0.9, distribution: { kind: 'custom', densities: { fc1: 1.5 } } }, 'algorithm.distribution.densities.fc1', '(got 1.5)'],
  ['erk powerScale -1', { method: 'static', sparsity: 0.9, distribution: { kind: 'erk', powerScale: -1 } }, 'algorithm.distribution.powerScale', '(got -1)'],
  ['unknown top-level key', { method: 'rigl', sparsity: 0.9, updateEvry: 10 }, 'algorithm', 'unknown key "updateEvry" (did you mean "updateEvery"?)'],
  ['dropfraction in lower case', { method: 'set', sparsity: 0.9, dropfraction: 0.3 }, 'algorithm', '"dropfraction" (did you mean "dropFraction"?)'],
  ['unknown distribution key', { method: 'rigl', sparsity: 0.9, distribution: { kind: 'erk', power: 2 } }, 'algorithm.distribution', '"power" (did you mean "powerScale"?)'],
  ['normal init std < 0', { method: 'rigl', sparsity: 0.9, growInit: { kind: 'normal', std: -1 } }, 'algorithm.growInit.std', '(got -1)'],
  ['snfs floor above p', { method: 'snfs', sparsity: 0.9, dropFraction: 0.2, dropFractionFloor: 0.4 }, 'algorithm.dropFractionFloor', '(got 0.4)'],
  ['pruning initial above final', { method: 'pruning', sparsity: 0.5, initialSparsity: 0.7 }, 'algorithm.initialSparsity', '(got 0.7)'],
  ['pruning end before begin', { method: 'pruning', sparsity: 0.5, begin: 0.6, end: 0.4 }, 'algorithm.end', '(got 0.4)'],
  ['pruning begin 1', { method: 'pruning', sparsity: 0.5, begin: 1 }, 'algorithm.begin', '(got 1)'],
  ['dense with sparsity', { method: 'dense', sparsity: 0.5 }, 'algorithm.sparsity', '(got 0.5)'],
  ['criterion option typo', update({ ...drift, drop: { kind: 'magnitude', tieBreakNose: 1e-5 } }), 'algorithm.update.drop', '"tieBreakNose" (did you mean "tieBreakNoise"?)'],
  ['criterion option range', update({ ...drift, drop: { kind: 'magnitude', tieBreakNoise: -1 } }), 'algorithm.update.drop.tieBreakNoise', '(got -1)'],
  ['grow criterion option', update({ ...drift, grow: { kind: 'gradient', scale: 2 } }), 'algorithm.update.grow', '"scale"'],
  ['unknown drop criterion', update({ ...drift, drop: { kind: 'magnitud' } }), 'algorithm.update.drop.kind', '(got "magnitud") (did you mean "magnitude"?)'],
  ['constant drop fraction 2', update({ dropFraction: { kind: 'constant', value: 2 } }), 'algorithm.update.dropFraction.value', '(got 2)'],
  ['cosine floor above initial', update({ dropFraction: { kind: 'cosine', initial: 0.2, floor: 0.5 } }), 'algorithm.update.dropFraction.floor', '(got 0.5)'],
  ['negative linear drop fraction', update({ dropFraction: { kind: 'linear', initial: -0.1 } }), 'algorithm.update.dropFraction.initial', '(got -0.1)'],
  ['target sparsity 1', update({ grow: undefined, targetSparsity: { kind: 'constant', value: 1 } }), 'algorithm.update.targetSparsity.value', '(got 1)'],
  ['polynomial final 1.2', update({ grow: undefined, targetSparsity: { kind: 'polynomial', final: 1.2 } }), 'algorithm.update.targetSparsity.final', '(got 1.2)'],
  ['pruning start above final', update({ grow: undefined, targetSparsity: { kind: 'polynomial', initial: 0.9 } }), 'algorithm.update.targetSparsity.initial', '(got 0.9)'],
  ['drop fraction and target sparsity without growth', update({ ...drift, grow: undefined, targetSparsity: { kind: 'constant', value: 0.5 } }), 'algorithm.update.dropFraction', 'needs a grow criterion (update.grow)'],
  ['global scope with redistribution', update({ ...drift, scope: 'global', redistribution: { kind: 'momentum' } }), 'algorithm.update.redistribution', "contradicts scope 'global'"],
  ['unknown update scope', update({ ...drift, scope: 'network' }), 'algorithm.update.scope', '(got "network")'],
  ['redistribution without growth', update({ ...drift, grow: undefined, redistribution: { kind: 'momentum' } }), 'algorithm.update.redistribution', '(got {"kind":"momentum"})'],
  ['update without a schedule', update({}), 'algorithm.update.dropFraction', 'an update needs dropFraction'],
  ['unknown schedule key', update({ dropFraction: { kind: 'cosine', initial: 0.3, flor: 0.1 } }), 'algorithm.update.dropFraction', '"flor" (did you mean "floor"?)'],
  ['unknown update key', update({ ...drift, updateEvry: 10 }), 'algorithm.update', '"updateEvry" (did you mean "updateEvery"?)'],
];

/** [what, preset call, field named in the message, value echoed in the message]. */
const apiCases: [string, () => unknown, string, string][] = [
  ['rigl sparsity 1.5', () => rigl({ sparsity: 1.5, totalSteps: 10 }), 'rigl.sparsity', '(got 1.5)'],
  ['rigl totalSteps 0', () => rigl({ sparsity: 0.5, totalSteps: 0 }), 'rigl.totalSteps', '(got 0)'],
  ['rigl option typo', () => rigl({ sparsity: 0.5, totalSteps: 10, dropfraction: 0.3 } as never), 'rigl', '"dropfraction" (did you mean "dropFraction"?)'],
  ['set dropFraction 2', () => set({ sparsity: 0.5, totalSteps: 10, dropFraction: 2 }), 'set.dropFraction', '(got 2)'],
  ['set dropRule', () => set({ sparsity: 0.5, totalSteps: 10, dropRule: 'sine' as never }), 'set.dropRule', '(got "sine")'],
  ['snfs floor above p', () => snfs({ sparsity: 0.5, totalSteps: 10, dropFraction: 0.1, dropFractionFloor: 0.2 }), 'snfs.dropFractionFloor', '(got 0.2)'],
  ['pruning initial above final', () => magnitudePruning({ sparsity: 0.5, totalSteps: 100, initialSparsity: 0.8 }), 'magnitudePruning.initialSparsity', '(got 0.8)'],
  ['pruning updateEvery above span', () => magnitudePruning({ sparsity: 0.5, totalSteps: 100, updateEvery: 500 }), 'magnitudePruning.updateEvery', '(got 500)'],
  ['static distribution not an object', () => staticSparse({ sparsity: 0.5, totalSteps: 10, distribution: 'erk' as never }), 'staticSparse.distribution', '(got "erk")'],
  ['snip scope', () => snip({ sparsity: 0.5, totalSteps: 10, scope: 'net' as never }), 'snip.scope', '(got "net")'],
  ['pruning scope', () => magnitudePruning({ sparsity: 0.5, totalSteps: 100, scope: 'net' as never }), 'magnitudePruning.scope', '(got "net")'],
];

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a refusal, got a strategy');
}

describe('bad strategies are refused, naming the field and the value', () => {
  it.each(jsonCases)('JSON: %s', (_what, json, field, value) => {
    let error: unknown;
    try {
      resolveStrategy(json, ctx);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(`${field}`);
    expect(message).toContain(value);
  });

  it.each(apiCases)('API: %s', (_what, run, field, value) => {
    const message = messageOf(run);
    expect(message).toContain(field);
    expect(message).toContain(value);
  });

  it('the table covers at least 40 cases', () => {
    expect(jsonCases.length + apiCases.length).toBeGreaterThanOrEqual(40);
  });

  it('suggests the nearest key only when it is a likely typo', () => {
    expect(editDistance('dropfraction', 'dropFraction')).toBe(0);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(nearestName('tieBreakNose', ['tieBreakNoise'])).toBe('tieBreakNoise');
    expect(nearestName('banana', ['updateEvery', 'begin'])).toBeUndefined();
  });

  it('valid neighbours of the refused configs still resolve', () => {
    expect(resolveStrategy(update({ dropFraction: { kind: 'cosine', initial: 0.5, floor: 0.5 } }), ctx).update!.dropFraction!.valueAt(0)).toBeCloseTo(0.5, 12);
    expect(resolveStrategy(update({ grow: undefined, targetSparsity: { kind: 'polynomial', initial: 0.8 } }), ctx).update!.targetSparsity).toBeDefined();
    expect(resolveStrategy(update({ ...drift, drop: { kind: 'magnitude', tieBreakNoise: 1e-5 }, redistribution: { kind: 'momentum' } }), ctx).update!.redistribution!.kind).toBe('momentum');
    expect(magnitudePruning({ sparsity: 0.5, totalSteps: 1000, initialSparsity: 0.5 }).update).toBeDefined();
  });
});
