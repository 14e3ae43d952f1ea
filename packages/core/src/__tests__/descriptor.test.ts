import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { closedObject } from '../closed-object.js';
import { componentOption, componentOptionFamily, createComponent, defineComponent } from '../descriptor.js';
import type { DropCriterion } from '../types.js';

const constantDrop = defineComponent({
  family: 'drop',
  kind: 'test:constant',
  doc: 'Scores every weight the same.',
  options: closedObject({ level: z.number().min(0, 'must be ≥ 0').optional() }),
  create: ({ level = 1 }): DropCriterion => ({ kind: 'test:constant', needs: {}, score: () => { throw new Error(`level ${level}`); } }),
});

describe('component descriptors', () => {
  it('builds a component from options that pass its schema', () => {
    expect(createComponent(constantDrop, { level: 2 }).kind).toBe('test:constant');
    expect(createComponent(constantDrop, undefined).kind).toBe('test:constant');
  });

  it('refuses bad options with one line per problem, naming the path, the value and what is allowed', () => {
    expect(() => createComponent(constantDrop, { level: -1 }, { path: 'update.drop' })).toThrow('update.drop.level: must be ≥ 0 (got -1)');
    expect(() => createComponent(constantDrop, { levl: 1 } as never)).toThrow(/test:constant: unknown key "levl" \(did you mean "level"\?\)/);
  });

  it('refuses malformed descriptors, naming the field', () => {
    const base = { family: 'drop' as const, kind: 'x', doc: 'One line.', options: closedObject({}), create: () => createComponent(constantDrop, {}) };
    expect(() => defineComponent({ ...base, kind: 'Has Space' })).toThrow(/kind must be lower-case words/);
    expect(() => defineComponent({ ...base, doc: 'two\nlines' })).toThrow(/doc must be one non-empty line/);
    expect(() => defineComponent({ ...base, family: 'crop' } as never)).toThrow(/family must be one of drop, grow/);
    expect(() => defineComponent({ ...base, options: z.string() as never })).toThrow(/options must be a zod object schema/);
    expect(() => defineComponent({ ...base, options: closedObject({ kind: z.string() }) })).toThrow(/options must not declare 'kind'/);
  });

  it('a component option takes built components of its family and records the family', () => {
    const option = componentOption('drop');
    expect(option.safeParse(createComponent(constantDrop, {})).success).toBe(true);
    const refused = option.safeParse({ kind: 'magnitude' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toMatch(/must be a drop component \(an object with score\(\), e\.g\. magnitudeDrop\(\)\)/);
    expect(componentOptionFamily(option)).toBe('drop');
    expect(componentOptionFamily(option.describe('described'))).toBe('drop');
    expect(componentOptionFamily(z.number())).toBeUndefined();
  });
});
