/** Every drop-criterion kind this package provides, one per factory; a JSON config names one of these. */
export const dropCriterionKinds = ['magnitude', 'random', 'saliency', 'set'] as const;

/** The kind of a drop criterion from this package. */
export type DropCriterionKind = (typeof dropCriterionKinds)[number];
