import * as tf from '@tensorflow/tfjs-core';

/** How one values variable's entries move at a mask update: for each new entry the old entry it comes from, or −1. */
export interface ValuesRemap {
  /** The variable's name (kept across the update: the optimizer finds the new variable under it). */
  readonly name: string;
  /** For each new entry, its old index, or −1 for a new connection (fresh state: zeros). */
  readonly sources: Int32Array;
}

/** A slot's new values: the old entries' state where they carry over, zeros for new connections. */
function remapped(old: Float32Array, sources: Int32Array): Float32Array {
  const out = new Float32Array(sources.length);
  for (let k = 0; k < sources.length; k++) {
    const j = sources[k]!;
    if (j >= 0) out[k] = old[j]!;
  }
  return out;
}

/**
 * Carries a tfjs optimizer's per-weight state (momentum, Adam's moments, …: slots named `<variable>/<slot>`) over a
 * change of the values variables' entries: every slot of a remapped variable is rebuilt in the new order, state
 * kept for surviving entries and zero for new ones, as the masked engine resets the slots of changed positions.
 * Goes through `getWeights` / `setWeights`, so it works with every tfjs optimizer (SGD has no slots); the old slot
 * variables are released. O(nnz) time and memory per remapped variable.
 */
export async function remapOptimizerState(optimizer: tf.Optimizer, remaps: readonly ValuesRemap[]): Promise<void> {
  if (remaps.length === 0) return;
  const weights = await optimizer.getWeights();
  const created: tf.Tensor[] = [];
  const next: { name: string; tensor: tf.Tensor }[] = [];
  for (const { name, tensor } of weights) {
    const remap = remaps.find((r) => name.startsWith(`${r.name}/`));
    if (!remap) {
      next.push({ name, tensor });
      continue;
    }
    const fresh = tf.tensor1d(remapped((await tensor.data()) as Float32Array, remap.sources), 'float32');
    created.push(fresh);
    next.push({ name, tensor: fresh });
  }
  await optimizer.setWeights(next);
  // setWeights made new slot variables from the tensors given: the old variables and the arrays made here go
  tf.dispose(weights.map((w) => w.tensor));
  tf.dispose(created);
}
