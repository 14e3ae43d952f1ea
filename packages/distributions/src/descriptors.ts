import { customDistributionDescriptor } from './custom.js';
import { erdosRenyiDescriptor } from './erdos-renyi.js';
import { erdosRenyiKernelDescriptor } from './erdos-renyi-kernel.js';
import { momentumRedistributionDescriptor } from './momentum-redistribution.js';
import { uniformDescriptor } from './uniform.js';

/** Every distribution this package provides, one descriptor each; JSON configs, registries and listings derive from it. */
export const distributionDescriptors = Object.freeze([uniformDescriptor, erdosRenyiDescriptor, erdosRenyiKernelDescriptor, customDistributionDescriptor]);

/** Every redistribution rule this package provides, one descriptor each. */
export const redistributionDescriptors = Object.freeze([momentumRedistributionDescriptor]);

/** The `kind` of every distribution this package provides, in the order of {@link distributionDescriptors}. */
export const distributionKinds = Object.freeze(distributionDescriptors.map((d) => d.kind));

/** A distribution kind: `uniform`, `er` (Erdős–Rényi), `erk` (Erdős–Rényi-Kernel) or `custom`. */
export type DistributionKind = (typeof distributionKinds)[number];

/** The `kind` of every redistribution rule this package provides. */
export const redistributionKinds = Object.freeze(redistributionDescriptors.map((d) => d.kind));

/** A redistribution kind: `momentum` (SNFS). */
export type RedistributionKind = (typeof redistributionKinds)[number];
