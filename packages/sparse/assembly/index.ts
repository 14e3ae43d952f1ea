// Topiary's sparse kernels (WebAssembly SIMD): the host lays the operands out in memory and calls one export per
// step of a product (threaded.ts adds the threaded products). Every pointer is a byte address, every count an
// element count.
export { gatherRows } from './gather';
export { scatterRows } from './scatter';
export { sampledDots } from './sampled';
export { fromBatchInner, toBatchInner } from './transpose';
