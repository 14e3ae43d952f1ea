export { SparseKernel } from './kernel/sparse-kernel.js';
export { randomSparseKernel } from './kernel/random-kernel.js';
export type { KernelEntries } from './kernel/sparse-kernel.js';
export type { SparseImplementation, SparseProducts } from './products/sparse-products.js';
export { typescriptProducts } from './typescript/typescript-products.js';
export { sparseProducts } from './select-products.js';
export type { SparseProductsOptions } from './select-products.js';
