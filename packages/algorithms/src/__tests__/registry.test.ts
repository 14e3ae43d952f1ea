import '@tensorflow/tfjs-backend-cpu';
import { closedObject, componentFamilies, createExample, defineComponent } from '@topiary/core';
import type { ComponentFamily } from '@topiary/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { builtinRegistry, ConfigError, methods, resolveStrategy, strategyJsonSchema } from '../index.js';

const window = { begin: 0, end: 100, final: 0.9 };

/** The JSON part of a preset example: plain values only (component objects have no JSON form), without what the run provides. */
function jsonPart(example: Record<string, unknown>): Record<string, unknown> {
  const plain = (v: unknown): boolean => v === null || ['number', 'string', 'boolean'].includes(typeof v) || (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype && Object.values(v as object).every(plain));
  return Object.fromEntries(Object.entries(example).filter(([key, value]) => key !== 'totalSteps' && key !== 'stepsPerEpoch' && plain(value)));
}

describe('the built-in registry, derived from every package list of descriptors', () => {
  it.each(componentFamilies.map((f) => [f] as [ComponentFamily]))('%s: every descriptor builds its own kind from its example and its config passes the derived JSON union', (family) => {
    const components = builtinRegistry.components(family);
    expect(components.length).toBeGreaterThan(0);
    for (const { descriptor, source } of components) {
      expect(source).toBe('built-in');
      expect(descriptor.doc).not.toMatch(/\n/);
      const built = createExample(descriptor, family === 'schedule' ? (window as never) : undefined);
      if (family === 'preset') {
        const config = { method: descriptor.kind, ...jsonPart((descriptor.example ?? {}) as Record<string, unknown>) };
        expect(resolveStrategy(config, { totalSteps: 1000 }).name, descriptor.kind).toBe((built as { name: string }).name);
      } else {
        expect((built as { kind: string }).kind.length, descriptor.kind).toBeGreaterThan(0);
        expect(builtinRegistry.configSchema(family).safeParse({ kind: descriptor.kind, ...(descriptor.example ?? {}) }).success, descriptor.kind).toBe(true);
      }
    }
  });

  it('methods and the JSON Schema list every preset', () => {
    expect(methods).toEqual(builtinRegistry.kinds('preset'));
    const text = JSON.stringify(strategyJsonSchema());
    for (const method of methods) expect(text).toContain(JSON.stringify(method));
  });

  it('a user descriptor is usable from JSON and the JSON Schema as soon as it is registered; a taken kind is refused', () => {
    const halfMagnitude = defineComponent({
      family: 'drop',
      kind: 'lab:half',
      doc: 'Half the magnitude (a test criterion).',
      options: closedObject({ factor: z.number().positive('must be > 0').optional() }),
      create: () => createExample(builtinRegistry.get('drop', 'magnitude')!),
    });
    const registry = builtinRegistry.with([halfMagnitude], 'test module');
    expect(registry.kinds('drop')).toContain('lab:half');
    expect(JSON.stringify(strategyJsonSchema(registry))).toContain('"lab:half"');
    expect(resolveStrategy({ method: 'rigl', sparsity: 0.9, drop: { kind: 'lab:half', factor: 2 } }, { totalSteps: 100, registry }).update!.drop.kind).toBe('magnitude');
    expect(() => resolveStrategy({ method: 'rigl', sparsity: 0.9, drop: { kind: 'lab:half', factor: -2 } }, { totalSteps: 100, registry, root: 'algorithm' })).toThrow(/algorithm\.drop\.factor: must be > 0 \(got -2\)/);
    expect(() => resolveStrategy({ method: 'rigl', sparsity: 0.9, drop: { kind: 'lab:half' } }, { totalSteps: 100 })).toThrow(ConfigError);
    expect(() => registry.with([halfMagnitude], 'another module')).toThrow('another module: drop kind "lab:half" is already registered by test module');
    expect(() => builtinRegistry.with([{ ...halfMagnitude, kind: 'magnitude' }], 'mine')).toThrow(/already registered by built-in/);
  });
});
