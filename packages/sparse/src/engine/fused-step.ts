import * as tf from '@tensorflow/tfjs-core';
import { check, type LossFunction, type LossName } from '@topiary/core';
import type { SparseProducts } from '../products/sparse-products.js';
import type { SparseActivation } from './activations.js';
import { hostOptimizerStep } from './host-optimizer.js';
import { HOST_BACKENDS, hostFloats } from './host-values.js';
import type { SparseLayer } from './sparse-layer.js';
import type { StepCapture } from './step-capture.js';
import type { StepGradients } from './step-gradients.js';

// The sparse engine's step without a tfjs graph: forward, loss, backward, finiteness and weight decay in loops over
// host arrays (the products through SparseProducts), each operation rounded to float32 in the order tfjs's ops and
// gradients compute it, so that both paths give the same loss and gradients within float rounding.

/** How {@link SparseEngineTrainer} runs a step: `fused` host loops, `graph` tfjs ops, `auto` fused when the loss and backend allow it. */
export type StepChoice = 'auto' | 'fused' | 'graph';

/** The path a step runs on: `fused` (host loops over typed arrays) or `graph` (tfjs ops and `tf.variableGrads`). */
export type StepPath = 'fused' | 'graph';

/** The losses the fused step computes on the host, as `resolveLoss` defines them in core. */
export const fusedLosses = ['categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'softmaxCrossEntropy', 'meanSquaredError'] as const satisfies readonly LossName[];

/** One of {@link fusedLosses}. */
export type FusedLoss = (typeof fusedLosses)[number];

/**
 * Why the fused step cannot run a network trained with `loss` on `backend` (every sparse-engine activation is
 * fused), or undefined when it can; without a backend, only the loss is judged.
 */
export function fusedIneligibility(loss: LossName | LossFunction, backend?: string): string | undefined {
  if (backend !== undefined && !HOST_BACKENDS.has(backend)) return `the backend is '${backend}' (the fused step runs on host memory: 'cpu' or 'wasm'; on webgpu the graph step runs the WGSL products)`;
  if (typeof loss === 'function') return 'the loss is a function (the fused step computes only the named losses ' + fusedLosses.join(', ') + ')';
  if (!(fusedLosses as readonly string[]).includes(loss)) return `the loss '${String(loss)}' is not one of ${fusedLosses.join(', ')}`;
  return undefined;
}

/** The path `choice` runs for a network trained with `loss` on `backend` (unjudged when omitted); `fused` where it cannot run throws, naming why. */
export function resolveStepPath(choice: StepChoice, loss: LossName | LossFunction, backend?: string): StepPath {
  check(choice === 'auto' || choice === 'fused' || choice === 'graph', 'step', choice, "'auto', 'fused' or 'graph'");
  if (choice === 'graph') return 'graph';
  const reason = fusedIneligibility(loss, backend);
  if (reason === undefined) return 'fused';
  if (choice === 'fused') throw new Error(`step: 'fused' cannot run this network: ${reason}; use step: 'graph' or 'auto'`);
  return 'graph';
}

/** The gradients of one fused step, before weight decay. */
export interface FusedGradients {
  /** The loss of the batch (float32). */
  readonly loss: number;
  /** Whether the loss and every gradient are finite. */
  readonly finite: boolean;
  /** One gradient per trainable variable, in the trainer's order (each layer's values, then its bias). */
  readonly gradients: Float32Array[];
  /** The variables' values the step read, in the same order (for weight decay). */
  readonly weights: Float32Array[];
}

const f32 = Math.fround;

// Each loop is its own small function, so that V8 optimises it for the one operation it does (a function holding
// every case deoptimises when a case it has not run yet starts).

function addBias(z: Float32Array, bias: Float32Array, batch: number, width: number): void {
  for (let b = 0, k = 0; b < batch; b++) for (let o = 0; o < width; o++, k++) z[k] = z[k]! + bias[o]!;
}

/** Bits of a float32 array, for the branchless ReLU loops (the signs of pre-activations are a coin toss to a branch predictor). */
function bits(values: Float32Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length);
}

/** −1 where the float32 bits `v` are a NaN, else 0. */
const nanMask = (v: number): number => (0x7f800000 - (v & 0x7fffffff)) >> 31;

/** max(z, 0) keeping NaNs, as tfjs's kernel (a −0 becomes +0, which no later operation tells apart), without a branch. */
function relu(z: Float32Array): void {
  const zi = bits(z);
  for (let k = 0, n = zi.length; k < n; k++) {
    const v = zi[k]!;
    zi[k] = v & ~((v >> 31) & ~nanMask(v));
  }
}

function sigmoid(z: Float32Array): void {
  for (let k = 0, n = z.length; k < n; k++) z[k] = 1 / (1 + Math.exp(-z[k]!));
}

function tanh(z: Float32Array): void {
  for (let k = 0, n = z.length; k < n; k++) z[k] = Math.tanh(z[k]!);
}

/** Softmax over each row as tfjs's kernel: exp(x − max), its sum, the quotient (each rounded to float32). */
function softmax(z: Float32Array, batch: number, width: number): void {
  for (let b = 0; b < batch; b++) {
    const row = b * width;
    let max = -Infinity;
    for (let o = 0; o < width; o++) max = Math.max(max, z[row + o]!);
    let sum = 0;
    for (let o = 0; o < width; o++) {
      z[row + o] = Math.exp(f32(z[row + o]! - max));
      sum += z[row + o]!;
    }
    const total = f32(sum);
    for (let o = 0; o < width; o++) z[row + o] = z[row + o]! / total;
  }
}

/** z ← activation(z + bias), in place, as tfjs's add and activation kernels round it. */
function biasAndActivation(z: Float32Array, bias: Float32Array | undefined, activation: SparseActivation, batch: number, width: number): void {
  if (bias) addBias(z, bias, batch, width);
  switch (activation) {
    case 'linear':
      return;
    case 'relu':
      return relu(z);
    case 'sigmoid':
      return sigmoid(z);
    case 'tanh':
      return tanh(z);
    case 'softmax':
      return softmax(z, batch, width);
    default:
      throw new Error(`fused step: activation '${String(activation satisfies never)}' has no host loop`);
  }
}

/**
 * tfjs: dy · step(x), step 1 above 0, 0 below, NaN at NaN, without a branch. The output `a` of {@link relu} is +0
 * where x ≤ 0, positive where x > 0 and NaN where x is, so: g where a > 0, NaN where a is NaN, and where a = +0 the
 * product g · 0 (a zero of g's sign, or NaN where g is infinite or NaN).
 */
function reluBackward(g: Float32Array, a: Float32Array): void {
  const gi = bits(g);
  const ai = bits(a);
  for (let k = 0, n = gi.length; k < n; k++) {
    const v = ai[k]!;
    const d = gi[k]!;
    const aNaN = nanMask(v);
    const positive = (0 - v) >> 31;
    const dNonFinite = (0x7f7fffff - (d & 0x7fffffff)) >> 31;
    const timesZero = (dNonFinite & 0x7fc00000) | (~dNonFinite & d & 0x80000000);
    gi[k] = (aNaN & 0x7fc00000) | (~aNaN & ((positive & d) | (~positive & timesZero)));
  }
}

/** tfjs: dy · (y · (1 − y)). */
function sigmoidBackward(g: Float32Array, a: Float32Array): void {
  for (let k = 0, n = g.length; k < n; k++) g[k] = g[k]! * f32(a[k]! * f32(1 - a[k]!));
}

/** tfjs: (1 − y²) · dy. */
function tanhBackward(g: Float32Array, a: Float32Array): void {
  for (let k = 0, n = g.length; k < n; k++) g[k] = f32(1 - f32(a[k]! * a[k]!)) * g[k]!;
}

/** tfjs: dy·y − Σ(dy·y)·y over the row. */
function softmaxBackward(g: Float32Array, a: Float32Array, batch: number, width: number): void {
  for (let b = 0; b < batch; b++) {
    const row = b * width;
    let sum = 0;
    for (let o = 0; o < width; o++) {
      g[row + o] = g[row + o]! * a[row + o]!;
      sum += g[row + o]!;
    }
    const total = f32(sum);
    for (let o = 0; o < width; o++) g[row + o] = g[row + o]! - f32(total * a[row + o]!);
  }
}

/** g ← the gradient at the pre-activation from g at the activation's output `a`, in place, as tfjs's gradients compute it. */
function activationBackward(g: Float32Array, a: Float32Array, activation: SparseActivation, batch: number, width: number): void {
  switch (activation) {
    case 'linear':
      return;
    case 'relu':
      return reluBackward(g, a);
    case 'sigmoid':
      return sigmoidBackward(g, a);
    case 'tanh':
      return tanhBackward(g, a);
    case 'softmax':
      return softmaxBackward(g, a, batch, width);
    default:
      throw new Error(`fused step: activation '${String(activation satisfies never)}' has no host gradient`);
  }
}

/** Σ over the batch of g [batch, width] (the bias gradient: tfjs's sum of the broadcast add's gradient). */
function sumRows(g: Float32Array, batch: number, width: number): Float32Array {
  // a column at a time into a register (a row at a time into an array of sums is twice as slow), in batch order
  const out = new Float32Array(width);
  const n = batch * width;
  for (let o = 0; o < width; o++) {
    let sum = 0;
    for (let k = o; k < n; k += width) sum += g[k]!;
    out[o] = sum;
  }
  return out;
}

function allFinite(values: Float32Array): boolean {
  for (let k = 0, n = values.length; k < n; k++) if (!Number.isFinite(values[k]!)) return false;
  return true;
}

const EPSILON = f32(1e-7);
const ONE_MINUS_EPSILON = f32(1 - 1e-7);

/** Targets as one-hot rows [batch, classes] (sparseCategoricalCrossentropy's oneHot of the int32 labels; out of range: a zero row). */
function oneHotLabels(labels: Float32Array, classes: number): Float32Array {
  const out = new Float32Array(labels.length * classes);
  for (let b = 0; b < labels.length; b++) {
    const c = labels[b]! | 0;
    if (c >= 0 && c < classes) out[b * classes + c] = 1;
  }
  return out;
}

/** The loss of predictions `p` [batch, classes] against targets `t`, and its gradient at `p` (a new array), as core's losses and tfjs's gradients compute them. */
function hostLoss(loss: FusedLoss, t: Float32Array, p: Float32Array, batch: number, classes: number): { value: number; grad: Float32Array } {
  const grad = new Float32Array(p.length);
  if (loss === 'meanSquaredError') {
    // mean((t − p)²) over every element; d/dp = (1/n)·2·(p − t)
    let sum = 0;
    for (let k = 0; k < p.length; k++) {
      const d = t[k]! - p[k]!;
      sum += f32(d * d);
    }
    const scale = f32(1 / p.length);
    for (let k = 0; k < p.length; k++) grad[k] = scale * f32(2 * f32(p[k]! - t[k]!));
    return { value: f32(f32(sum) / p.length), grad };
  }
  const scale = f32(1 / batch);
  let total = 0;
  if (loss === 'softmaxCrossEntropy') {
    // p are logits: log-softmax by max + log Σ exp(x − max); d/dlogits = (1/batch)·(exp(logSoftmax) − t)
    for (let b = 0; b < batch; b++) {
      const row = b * classes;
      let max = -Infinity;
      for (let o = 0; o < classes; o++) max = Math.max(max, p[row + o]!);
      let sum = 0;
      for (let o = 0; o < classes; o++) sum += f32(Math.exp(f32(p[row + o]! - max)));
      const lse = f32(max + f32(Math.log(f32(sum))));
      let cost = 0;
      for (let o = 0; o < classes; o++) {
        const logResult = f32(p[row + o]! - lse);
        cost += f32(-f32(logResult * t[row + o]!));
        grad[row + o] = scale * f32(f32(Math.exp(logResult)) - t[row + o]!);
      }
      total += f32(cost);
    }
    return { value: f32(f32(total) / batch), grad };
  }
  // categorical: −mean_b Σ_o t·log(clip(p, ε, 1 − ε)); the gradient passes the clip only inside [ε, 1 − ε]
  const dy = -scale;
  for (let b = 0; b < batch; b++) {
    const row = b * classes;
    let sum = 0;
    for (let o = 0; o < classes; o++) {
      const k = row + o;
      const x = p[k]!;
      const clipped = x > ONE_MINUS_EPSILON ? ONE_MINUS_EPSILON : x < EPSILON ? EPSILON : x;
      sum += f32(t[k]! * f32(Math.log(clipped)));
      grad[k] = x >= EPSILON && x <= ONE_MINUS_EPSILON ? f32(f32(dy * t[k]!) / clipped) : 0;
    }
    total += f32(sum);
  }
  return { value: -f32(f32(total) / batch), grad };
}

/**
 * Forward, loss and backward of a batch through the sparse layers on the host, without a tfjs graph: the products
 * by `products`, the bias, activations, loss and their gradients by loops over Float32Arrays. `captures`, when
 * given, receives each layer's input, output gradient and sampled dW (as `sparseMatMul` gives them).
 */
export function fusedGradients(layers: readonly SparseLayer[], products: SparseProducts, loss: FusedLoss, x: tf.Tensor, y: tf.Tensor, captures: (StepCapture | undefined)[] | undefined): FusedGradients {
  const batch = x.shape[0]!;
  const first = layers[0]!.shape.fanIn;
  if (x.size !== batch * first) throw new Error(`step: x has shape [${x.shape.join(', ')}], which does not flatten to [${batch}, ${first}] (the first layer's inputs)`);
  const classes = layers[layers.length - 1]!.shape.fanOut;
  const labels = loss === 'sparseCategoricalCrossentropy';
  if (y.size !== batch * (labels ? 1 : classes)) {
    throw new Error(`step: y has shape [${y.shape.join(', ')}]; loss '${loss}' needs ${labels ? `${batch} class labels` : `[${batch}, ${classes}] targets`} for a batch of ${batch}`);
  }
  const weights: Float32Array[] = [];
  const kernels = layers.map((layer) => {
    const values = hostFloats(layer.values);
    weights.push(values);
    if (layer.bias) weights.push(hostFloats(layer.bias));
    return layer.structure.withValues(values);
  });
  const inputs: Float32Array[] = [hostFloats(x)];
  let w = 0;
  layers.forEach((layer, i) => {
    const z = products.forward(kernels[i]!, inputs[i]!, batch);
    w++;
    biasAndActivation(z, layer.bias ? weights[w++] : undefined, layer.activation, batch, layer.shape.fanOut);
    inputs.push(z);
  });
  const targets = labels ? oneHotLabels(hostFloats(y), classes) : hostFloats(y);
  const { value, grad } = hostLoss(loss, targets, inputs[layers.length]!, batch, classes);
  const gradients: Float32Array[] = new Array<Float32Array>(weights.length);
  let finite = Number.isFinite(value);
  let g = grad;
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    const width = layer.shape.fanOut;
    activationBackward(g, inputs[i + 1]!, layer.activation, batch, width);
    w -= layer.bias ? 2 : 1;
    if (layer.bias) {
      const db = sumRows(g, batch, width);
      gradients[w + 1] = db;
      finite &&= allFinite(db);
    }
    const dw = products.sampledGradient(kernels[i]!, inputs[i]!, g, batch);
    gradients[w] = dw;
    finite &&= allFinite(dw);
    if (captures) captures[i] = { x: i === 0 ? inputs[0]!.slice() : inputs[i]!, dy: g, batch, sampled: dw };
    if (i > 0) g = products.backwardInput(kernels[i]!, g, batch);
  }
  return { loss: value, finite, gradients, weights };
}

/**
 * The fused step as {@link StepGradients}: {@link fusedGradients}, then at `apply` weight decay on the host
 * (g + λ·w, float32 as tfjs's mul and add) and the optimizer's step: tfjs's SGD and momentum on the host with the
 * optimizer's own variables (`hostOptimizerStep`, the same float32 operations), any other optimizer by
 * `applyGradients` with the gradients as tensors, so each steps with its own state exactly as in the graph path.
 */
export function fusedStepGradients(layers: readonly SparseLayer[], variables: readonly tf.Variable[], products: SparseProducts, loss: FusedLoss, x: tf.Tensor, y: tf.Tensor, weightDecay: number, captures: (StepCapture | undefined)[] | undefined): StepGradients {
  const step = fusedGradients(layers, products, loss, x, y, captures);
  const decay = f32(weightDecay);
  return {
    loss: step.loss,
    finite: step.finite,
    apply(optimizer) {
      const gradients = step.gradients.map((g, j) => {
        if (decay === 0) return g;
        const v = step.weights[j]!;
        const decayed = new Float32Array(g.length);
        for (let k = 0; k < g.length; k++) decayed[k] = g[k]! + f32(v[k]! * decay);
        return decayed;
      });
      if (hostOptimizerStep(optimizer, variables, gradients, step.weights)) return;
      const named = variables.map((variable, j) => ({ name: variable.name, tensor: tf.tensor1d(gradients[j]!, 'float32') }));
      try {
        optimizer.applyGradients(named);
      } finally {
        tf.dispose(named.map((e) => e.tensor));
      }
    },
    discard() {},
  };
}
