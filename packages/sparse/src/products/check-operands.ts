import { check, checkPositiveInteger } from '@topiary/core';
import type { SparseKernel } from '../kernel/sparse-kernel.js';

/** Checks that `array` is a Float32Array of `length` floats; `field` names it and `meaning` says where the length comes from. */
export function checkOperand(array: Float32Array, length: number, field: string, meaning: string): void {
  check(array instanceof Float32Array, field, array?.constructor?.name ?? String(array), 'a Float32Array');
  check(array.length === length, `${field}.length`, array.length, `${meaning} = ${length}`);
}

/** Checks a product's kernel and batch, naming the product (`forward`, …) in the message. */
export function checkKernelAndBatch(product: string, kernel: SparseKernel, batch: number): void {
  check(kernel !== null && typeof kernel === 'object' && kernel.rowPointers instanceof Int32Array, `${product}: kernel`, String(kernel), 'a SparseKernel');
  checkPositiveInteger(batch, `${product}: batch`);
}

/** Checks the operands of the forward product: x [batch, inputs], out [batch, outputs] when given. */
export function checkForward(kernel: SparseKernel, x: Float32Array, batch: number, out: Float32Array | undefined): void {
  checkKernelAndBatch('forward', kernel, batch);
  checkOperand(x, batch * kernel.inputs, 'forward: x', `batch · inputs = ${batch} · ${kernel.inputs}`);
  if (out !== undefined) checkOperand(out, batch * kernel.outputs, 'forward: out', `batch · outputs = ${batch} · ${kernel.outputs}`);
}

/** Checks the operands of the input gradient: dy [batch, outputs], out [batch, inputs] when given. */
export function checkBackwardInput(kernel: SparseKernel, dy: Float32Array, batch: number, out: Float32Array | undefined): void {
  checkKernelAndBatch('backwardInput', kernel, batch);
  checkOperand(dy, batch * kernel.outputs, 'backwardInput: dy', `batch · outputs = ${batch} · ${kernel.outputs}`);
  if (out !== undefined) checkOperand(out, batch * kernel.inputs, 'backwardInput: out', `batch · inputs = ${batch} · ${kernel.inputs}`);
}

/** Checks the operands of the sampled gradient: x [batch, inputs], dy [batch, outputs], out [nnz] when given. */
export function checkSampledGradient(kernel: SparseKernel, x: Float32Array, dy: Float32Array, batch: number, out: Float32Array | undefined): void {
  checkKernelAndBatch('sampledGradient', kernel, batch);
  checkOperand(x, batch * kernel.inputs, 'sampledGradient: x', `batch · inputs = ${batch} · ${kernel.inputs}`);
  checkOperand(dy, batch * kernel.outputs, 'sampledGradient: dy', `batch · outputs = ${batch} · ${kernel.outputs}`);
  if (out !== undefined) checkOperand(out, kernel.nnz, 'sampledGradient: out', 'the kernel\'s nnz');
}
