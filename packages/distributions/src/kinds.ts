/** The `kind` of every distribution this package provides, for config resolvers and schemas. */
export const distributionKinds = Object.freeze(['uniform', 'er', 'erk', 'custom'] as const);

/** A distribution kind: `uniform`, `er` (Erdős–Rényi), `erk` (Erdős–Rényi-Kernel) or `custom`. */
export type DistributionKind = (typeof distributionKinds)[number];

/** The `kind` of every redistribution rule this package provides. */
export const redistributionKinds = Object.freeze(['momentum'] as const);

/** A redistribution kind: `momentum` (SNFS). */
export type RedistributionKind = (typeof redistributionKinds)[number];
