import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../rng.js';
import type { LayerShape, ScoreContext } from '../types.js';

/** A dense ([nIn, nOut]) or convolution ([kh, kw, cIn, cOut]) layer description for a kernel shape. */
export function layerOf(shape: number[]): LayerShape {
  const conv = shape.length > 2;
  return {
    name: 'test/kernel',
    layerName: 'test',
    kind: conv ? 'conv' : 'dense',
    shape,
    size: shape.reduce((a, b) => a * b, 1),
    fanIn: shape[shape.length - 2] ?? 1,
    fanOut: shape[shape.length - 1] ?? 1,
    kernelSize: conv ? shape.slice(0, -2) : [],
    outputPositions: 1,
    hasBias: true,
  };
}

/** Builds a score context from plain arrays; the caller disposes the tensors with {@link disposeContext}. */
export function contextOf(
  shape: number[],
  weight: number[],
  mask: number[],
  extra: { gradient?: number[]; momentum?: number[]; seed?: number } = {},
): ScoreContext {
  return {
    layer: layerOf(shape),
    weight: tf.tensor(weight, shape, 'float32'),
    mask: tf.tensor(mask, shape, 'float32'),
    ...(extra.gradient ? { gradient: tf.tensor(extra.gradient, shape, 'float32') } : {}),
    ...(extra.momentum ? { momentum: tf.tensor(extra.momentum, shape, 'float32') } : {}),
    step: 0,
    rng: Rng.fromSeed(extra.seed ?? 1),
  };
}

/** Disposes the tensors of a context built by {@link contextOf}. */
export function disposeContext(ctx: ScoreContext): void {
  tf.dispose([ctx.weight, ctx.mask, ...(ctx.gradient ? [ctx.gradient] : []), ...(ctx.momentum ? [ctx.momentum] : [])]);
}

/** Reads a tensor's values and disposes it. */
export async function valuesOf(t: tf.Tensor): Promise<number[]> {
  const values = Array.from(await t.data());
  t.dispose();
  return values;
}

