export { dense, magnitudePruning, rigl, set, snfs, snip, staticSparse } from './presets/index.js';
export type {
  DropScheduleKind,
  MagnitudePruningOptions,
  PresetOptions,
  RiglOptions,
  SetOptions,
  SnfsOptions,
  SnipOptions,
  StaticSparseOptions,
  UpdateOptions,
} from './presets/index.js';
export {
  componentConfigSchema,
  customConfigSchema,
  denseConfigSchema,
  distributionConfigSchema,
  growInitConfigSchema,
  methods,
  pruningConfigSchema,
  riglConfigSchema,
  scheduleConfigSchema,
  setConfigSchema,
  snfsConfigSchema,
  snipConfigSchema,
  staticConfigSchema,
  strategyConfigSchema,
} from './config/schema.js';
export type { ComponentConfig, DistributionConfig, GrowInitConfig, ScheduleConfig, StrategyConfig } from './config/schema.js';
export { ConfigError, configErrorFromZod, parseStrategyConfig } from './config/parse.js';
export { formatPath } from '@topiary/core';
export { resolveDistribution, resolveGrowInit, resolveStrategy } from './config/resolve.js';
export type { ComponentFactory, ComponentRegistry, ResolveContext } from './config/resolve.js';
export { strategyJsonSchema } from './config/json-schema.js';
export {
  dropComponentConfigSchema,
  dropFractionScheduleConfigSchema,
  growComponentConfigSchema,
  redistributionComponentConfigSchema,
  targetSparsityScheduleConfigSchema,
} from './config/schema.js';
export type { TargetSparsityScheduleConfig } from './config/schema.js';
export { closedObject, describeIssue, editDistance, formatValue, nearestName, unknownKeysMessage } from './config/suggest.js';
export type { DescribedIssue } from './config/suggest.js';
