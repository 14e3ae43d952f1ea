export { uniform } from './uniform.js';
export type { ResolvedUniformOptions, UniformDistribution, UniformOptions } from './uniform.js';
export { erdosRenyi, erdosRenyiRaw } from './erdos-renyi.js';
export type { ErdosRenyiDistribution, ErdosRenyiOptions, ResolvedErdosRenyiOptions } from './erdos-renyi.js';
export { erdosRenyiKernel, erdosRenyiKernelRaw } from './erdos-renyi-kernel.js';
export type {
  ErdosRenyiKernelDistribution,
  ErdosRenyiKernelOptions,
  ResolvedErdosRenyiKernelOptions,
} from './erdos-renyi-kernel.js';
export { customDistribution } from './custom.js';
export type { CustomDistribution, CustomDistributionOptions, ResolvedCustomDistributionOptions } from './custom.js';
export type { DistributionCommonOptions } from './options.js';
export { momentumRedistribution } from './momentum-redistribution.js';
export type { MomentumRedistribution } from './momentum-redistribution.js';
export { densitiesToCounts, overallSparsity } from './counts.js';
export { distributionKinds, redistributionKinds } from './kinds.js';
export type { DistributionKind, RedistributionKind } from './kinds.js';
