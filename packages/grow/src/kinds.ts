/** Every grow-criterion kind this package provides, one per factory; a JSON config names one of these. */
export const growCriterionKinds = ['random', 'gradient', 'momentum'] as const;

/** The kind of a grow criterion from this package. */
export type GrowCriterionKind = (typeof growCriterionKinds)[number];

/** Every grown-weight initialiser kind this package provides, one per factory. */
export const growInitializerKinds = ['zeros', 'constant', 'normal', 'uniform', 'kaiming-normal', 'kaiming-uniform'] as const;

/** The kind of a grown-weight initialiser from this package. */
export type GrowInitializerKind = (typeof growInitializerKinds)[number];
