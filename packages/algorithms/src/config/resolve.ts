import { checkPositiveInteger, constantSchedule, polynomialSparsitySchedule } from '@topiary/core';
import type { Distribution, DropCriterion, GrowCriterion, GrowInitializer, MaskInit, Redistribution, Schedule, SparseStrategy, UpdateSchedule } from '@topiary/core';
import { customDistribution, erdosRenyi, erdosRenyiKernel, momentumRedistribution, uniform } from '@topiary/distributions';
import { magnitudeDrop, randomDrop, saliencyDrop, setDrop } from '@topiary/drop';
import { constantInit, gradientGrow, kaimingNormalInit, kaimingUniformInit, momentumGrow, normalInit, randomGrow, uniformInit, zerosInit } from '@topiary/grow';
import { dense } from '../presets/dense.js';
import { dropFractionSchedule, presetUpdateSchedule } from '../presets/common.js';
import { magnitudePruning } from '../presets/magnitude-pruning.js';
import { rigl } from '../presets/rigl.js';
import { set } from '../presets/set.js';
import { snfs } from '../presets/snfs.js';
import { snip } from '../presets/snip.js';
import { staticSparse } from '../presets/static-sparse.js';
import { ConfigError, parseStrategyConfig } from './parse.js';
import type { ComponentConfig, DistributionConfig, GrowInitConfig, ScheduleConfig, StrategyConfig, TargetSparsityScheduleConfig } from './schema.js';
import { nearestName } from './suggest.js';

/** Builds a component from the options written next to its `kind`. */
export type ComponentFactory<T> = (options: Readonly<Record<string, unknown>>) => T;

/** User-defined components that JSON configs may name by kind, next to the built-in ones. */
export interface ComponentRegistry {
  /** Drop criteria by kind. */
  readonly drop?: Readonly<Record<string, ComponentFactory<DropCriterion>>>;
  /** Grow criteria by kind. */
  readonly grow?: Readonly<Record<string, ComponentFactory<GrowCriterion>>>;
  /** Redistribution rules by kind. */
  readonly redistribution?: Readonly<Record<string, ComponentFactory<Redistribution>>>;
}

/** What resolution needs to know about the run. */
export interface ResolveContext {
  /** Optimizer steps of the whole run. */
  readonly totalSteps: number;
  /** Steps per epoch; SET and SNFS update once per epoch by default when it is given (else every 100 steps). */
  readonly stepsPerEpoch?: number;
  /** User-defined components. */
  readonly registry?: ComponentRegistry;
  /** Prefix of error paths, e.g. `algorithm`. @default '' */
  readonly root?: string;
}

const builtinDrop: Record<string, ComponentFactory<DropCriterion>> = {
  magnitude: (o) => magnitudeDrop(o as { tieBreakNoise?: number }),
  random: () => randomDrop(),
  saliency: () => saliencyDrop(),
  set: () => setDrop(),
};
const builtinGrow: Record<string, ComponentFactory<GrowCriterion>> = {
  random: () => randomGrow(),
  gradient: () => gradientGrow(),
  momentum: () => momentumGrow(),
};
const builtinRedistribution: Record<string, ComponentFactory<Redistribution>> = {
  momentum: () => momentumRedistribution(),
};

function component<T>(what: string, config: ComponentConfig, builtins: Record<string, ComponentFactory<T>>, user: Readonly<Record<string, ComponentFactory<T>>> | undefined, path: string): T {
  const { kind, ...options } = config;
  const factory = user?.[kind] ?? builtins[kind];
  if (!factory) {
    const allowed = [...Object.keys(builtins), ...Object.keys(user ?? {})];
    const near = nearestName(kind, allowed);
    const hint = near !== undefined ? ` (did you mean ${JSON.stringify(near)}?)` : '';
    throw new ConfigError([{ path: `${path}.kind`, message: `unknown ${what} ${JSON.stringify(kind)}${hint}; allowed: ${allowed.join(', ')} (register others through the registry option)` }]);
  }
  try {
    return factory(options);
  } catch (error) {
    throw new ConfigError([{ path, message: (error as Error).message }]);
  }
}

/** Builds the distribution a config names. */
export function resolveDistribution(config: DistributionConfig): Distribution {
  switch (config.kind) {
    case 'uniform': {
      const { kind: _kind, ...options } = config;
      return uniform(options);
    }
    case 'er': {
      const { kind: _kind, ...options } = config;
      return erdosRenyi(options);
    }
    case 'erk': {
      const { kind: _kind, ...options } = config;
      return erdosRenyiKernel(options);
    }
    case 'custom': {
      const { kind: _kind, ...options } = config;
      return customDistribution(options);
    }
  }
}

/** Builds the grown-weight initialiser a config names. */
export function resolveGrowInit(config: GrowInitConfig): GrowInitializer {
  switch (config.kind) {
    case 'zeros':
      return zerosInit();
    case 'constant':
      return constantInit(config.value);
    case 'normal':
      return normalInit({ std: config.std });
    case 'uniform':
      return uniformInit({ limit: config.limit });
    case 'kaiming-normal':
      return kaimingNormalInit();
    case 'kaiming-uniform':
      return kaimingUniformInit();
  }
}

function resolveSchedule(config: ScheduleConfig | TargetSparsityScheduleConfig, schedule: UpdateSchedule, path: string, final: number): Schedule {
  switch (config.kind) {
    case 'constant':
      return constantSchedule(config.value);
    case 'cosine':
      return dropFractionSchedule(path, 'cosine', config.initial, schedule, config.floor ?? 0);
    case 'linear':
      return dropFractionSchedule(path, 'linear', config.initial, schedule);
    case 'inverse-power': {
      const span = schedule.end - schedule.begin;
      return { kind: 'inverse-power', valueAt: (t) => (t >= schedule.end ? 0 : config.initial * Math.pow(1 - Math.max(0, t - schedule.begin) / span, config.power)) };
    }
    case 'polynomial':
      return polynomialSparsitySchedule({ initial: config.initial ?? 0, final: config.final ?? final, begin: schedule.begin, end: schedule.end - 1, power: config.power ?? 3 });
  }
}

function withRoot(root: string, field: string): string {
  return root ? `${root}.${field}` : field;
}

/**
 * Turns a strategy written as JSON (or already parsed) into a {@link SparseStrategy}: validates it, fills the
 * papers' defaults and builds every component. Errors name the JSON path of the problem.
 */
export function resolveStrategy(json: unknown, context: ResolveContext): SparseStrategy {
  const root = context.root ?? '';
  checkPositiveInteger(context.totalSteps, 'totalSteps');
  if (context.stepsPerEpoch !== undefined) checkPositiveInteger(context.stepsPerEpoch, 'stepsPerEpoch');
  const config: StrategyConfig = parseStrategyConfig(json, root);
  const distribution = 'distribution' in config && config.distribution ? { distribution: resolveDistribution(config.distribution) } : {};
  const growInit = 'growInit' in config && config.growInit ? { growInit: resolveGrowInit(config.growInit) } : {};
  const perEpoch = context.stepsPerEpoch !== undefined ? Math.min(context.stepsPerEpoch, context.totalSteps) : undefined;
  const base = { totalSteps: context.totalSteps, ...distribution };
  const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  try {
    switch (config.method) {
      case 'rigl':
        return rigl(
          defined({
            ...base,
            ...growInit,
            sparsity: config.sparsity,
            updateEvery: config.updateEvery,
            begin: config.begin,
            end: config.end,
            dropFraction: config.dropFraction,
            dropSchedule: config.dropSchedule,
            drop: config.drop ? component('drop criterion', config.drop, builtinDrop, context.registry?.drop, withRoot(root, 'drop')) : undefined,
            grow: config.grow ? component('grow criterion', config.grow, builtinGrow, context.registry?.grow, withRoot(root, 'grow')) : undefined,
          }),
        );
      case 'set':
        return set(defined({ ...base, ...growInit, sparsity: config.sparsity, updateEvery: config.updateEvery ?? perEpoch, begin: config.begin, end: config.end, dropFraction: config.dropFraction, dropSchedule: config.dropSchedule, dropRule: config.dropRule }));
      case 'snfs':
        return snfs(
          defined({ ...base, ...growInit, sparsity: config.sparsity, updateEvery: config.updateEvery ?? perEpoch, begin: config.begin, end: config.end, dropFraction: config.dropFraction, dropFractionFloor: config.dropFractionFloor, redistribute: config.redistribute }),
        );
      case 'static':
        return staticSparse({ ...base, sparsity: config.sparsity });
      case 'snip':
        return snip(defined({ ...base, sparsity: config.sparsity, scope: config.scope }));
      case 'pruning':
        return magnitudePruning(defined({ ...base, sparsity: config.sparsity, updateEvery: config.updateEvery, begin: config.begin, end: config.end, initialSparsity: config.initialSparsity }));
      case 'dense':
        return dense();
      case 'custom':
        return resolveCustom(config, context, root);
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    // preset validation errors name the preset's field (e.g. `rigl.updateEvery`); point at the config instead
    throw new ConfigError([{ path: root || '(root)', message: (error as Error).message }]);
  }
}

function resolveCustom(config: Extract<StrategyConfig, { method: 'custom' }>, context: ResolveContext, root: string): SparseStrategy {
  const registry = context.registry;
  const initConfig = config.init ?? { kind: 'random' as const };
  const init: MaskInit =
    initConfig.kind === 'scored'
      ? { kind: 'scored', criterion: component('drop criterion', initConfig.criterion, builtinDrop, registry?.drop, withRoot(root, 'init.criterion')), scope: initConfig.scope ?? 'layer' }
      : initConfig;
  const strategy: SparseStrategy = {
    name: config.name ?? 'custom',
    sparsity: config.sparsity,
    distribution: config.distribution ? resolveDistribution(config.distribution) : erdosRenyiKernel(),
    init,
  };
  const u = config.update;
  if (!u) return strategy;
  const path = withRoot(root, 'update');
  const schedule = presetUpdateSchedule(path, context.totalSteps, { updateEvery: u.updateEvery, begin: u.begin, end: u.end ?? 1 }, { end: 1 });
  return {
    ...strategy,
    update: {
      schedule,
      drop: component('drop criterion', u.drop, builtinDrop, registry?.drop, `${path}.drop`),
      ...(u.grow ? { grow: component('grow criterion', u.grow, builtinGrow, registry?.grow, `${path}.grow`) } : {}),
      growInit: u.growInit ? resolveGrowInit(u.growInit) : zerosInit(),
      ...(u.dropFraction ? { dropFraction: resolveSchedule(u.dropFraction, schedule, `${path}.dropFraction`, 0) } : {}),
      ...(u.targetSparsity ? { targetSparsity: resolveSchedule(u.targetSparsity, schedule, `${path}.targetSparsity`, config.sparsity) } : {}),
      ...(u.redistribution ? { redistribution: component('redistribution', u.redistribution, builtinRedistribution, registry?.redistribution, `${path}.redistribution`) } : {}),
    },
  };
}
