export { SparseKernel } from './kernel/sparse-kernel.js';
export type { KernelEntries } from './kernel/sparse-kernel.js';
