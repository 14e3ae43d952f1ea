export { custom, cyclicRigl, cyclicRiglDescriptor, dense, granet, granetDescriptor, magnitudePruning, mest, mestDescriptor, nmRigl, nmRiglDescriptor, nmSet, nmSetDescriptor, presetDescriptors, rigl, set, snfs, snip, srigl, sriglDescriptor, staticSparse, blockRigl, blockRiglDescriptor } from './presets/index.js';
export { customDescriptor, denseDescriptor, magnitudePruningDescriptor, riglDescriptor, scheduleConfigSchema, setDescriptor, snfsDescriptor, snipDescriptor, staticSparseDescriptor } from './presets/index.js';
export type { CustomOptions, CyclicRiglOptions, DropScheduleKind, GranetOptions, MagnitudePruningOptions, MestOptions, NmRiglOptions, NmSetOptions, RiglOptions, ScheduleConfig, SetOptions, SnfsOptions, SnipOptions, SriglOptions, StaticSparseOptions, BlockRiglOptions } from './presets/index.js';
export {
  distributionConfigSchema,
  dropComponentConfigSchema,
  growComponentConfigSchema,
  growInitConfigSchema,
  methods,
  redistributionComponentConfigSchema,
  strategyConfigSchema,
} from './config/schema.js';
export type { ComponentConfig, DistributionConfig, GrowInitConfig, StrategyConfig } from './config/schema.js';
export { ConfigError, configErrorFromZod, parseStrategyConfig } from './config/parse.js';
export { resolveStrategy } from './config/resolve.js';
export type { ResolveContext } from './config/resolve.js';
export { ComponentRegistry } from './config/component-registry.js';
export type { RegisteredComponent } from './config/component-registry.js';
export { builtinRegistry } from './config/builtin-registry.js';
export { strategyJsonSchema } from './config/json-schema.js';
export { closedObject, describeIssue, editDistance, formatPath, formatValue, nearestName, unknownKeysMessage } from './config/suggest.js';
export type { DescribedIssue } from './config/suggest.js';
export { lotteryPruneCount, lotteryTicket, pruneByMagnitude } from './lottery/index.js';
export type { LotteryModel, LotteryRound, LotteryRoundRecord, LotteryScope, LotteryTicketOptions, LotteryTicketResult, LotteryTrainerOptions } from './lottery/index.js';
