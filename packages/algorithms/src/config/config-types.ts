/** A strategy written as JSON: its `method` and the options of that preset (see the JSON Schema for each). */
export type StrategyConfig = { readonly method: string } & Readonly<Record<string, unknown>>;
/** A component written as JSON: its `kind` and options. */
export type ComponentConfig = { readonly kind: string } & Readonly<Record<string, unknown>>;
/** A distribution written as JSON. */
export type DistributionConfig = ComponentConfig;
/** A grown-weight initialiser written as JSON. */
export type GrowInitConfig = ComponentConfig;
