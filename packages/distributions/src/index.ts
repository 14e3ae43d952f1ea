export { uniform, uniformDescriptor } from './uniform.js';
export type { ResolvedUniformOptions, UniformDistribution, UniformOptions } from './uniform.js';
export { erdosRenyi, erdosRenyiDescriptor, erdosRenyiRaw } from './erdos-renyi.js';
export type { ErdosRenyiDistribution, ErdosRenyiOptions, ResolvedErdosRenyiOptions } from './erdos-renyi.js';
export { erdosRenyiKernel, erdosRenyiKernelDescriptor, erdosRenyiKernelRaw } from './erdos-renyi-kernel.js';
export type {
  ErdosRenyiKernelDistribution,
  ErdosRenyiKernelOptions,
  ResolvedErdosRenyiKernelOptions,
} from './erdos-renyi-kernel.js';
export { customDistribution, customDistributionDescriptor } from './custom.js';
export type { CustomDistribution, CustomDistributionOptions, ResolvedCustomDistributionOptions } from './custom.js';
export type { DistributionCommonOptions } from './options.js';
export { momentumRedistribution, momentumRedistributionDescriptor } from './momentum-redistribution.js';
export type { MomentumRedistribution } from './momentum-redistribution.js';
export { densitiesToCounts, overallSparsity } from './counts.js';
export { distributionDescriptors, distributionKinds, redistributionDescriptors, redistributionKinds } from './descriptors.js';
export type { DistributionKind, RedistributionKind } from './descriptors.js';
export { denseLayersOption } from './options.js';
