import * as tf from '@tensorflow/tfjs-core';

/** What identifies an optimizer's state in a checkpoint: its tfjs class name and the names of its per-weight slots. */
export interface OptimizerKind {
  /** `optimizer.getClassName()`, e.g. `Adam`, `Momentum`, `SGD`. */
  readonly className: string;
  /** Slot names per trainable weight, in `getWeights()` order (`m`, `v` for Adam; none for SGD). */
  readonly slots: readonly string[];
  /** Whether the slot names are known for this class (otherwise they were read from the state it holds now). */
  readonly slotsKnown: boolean;
}

/** Per-weight slots of the tfjs optimizers, in the order their `getWeights()` lists them. */
const KNOWN_SLOTS: Record<string, (config: Record<string, unknown>) => string[]> = {
  SGD: () => [],
  Momentum: () => ['momentum'],
  Adam: () => ['m', 'v'],
  Adagrad: () => ['accumulator'],
  Adadelta: () => ['accum_grad', 'accum_var'],
  RMSProp: (config) => (config['centered'] === true ? ['rms', 'momentum', 'mg'] : ['rms', 'momentum']),
};

/**
 * Scalar state that a tfjs optimizer keeps outside `getWeights()` and recomputes, not restores, in `setWeights()`:
 * Adam's accumulated β powers (`setWeights` sets them to β^(t+1) with `pow`, which differs in the last bit from
 * the product accumulated step by step), so checkpoints save and restore them.
 */
const HIDDEN_SCALARS: Record<string, readonly string[]> = {
  Adam: ['accBeta1', 'accBeta2'],
};

/** The kind of `optimizer`, given the slot names it holds now (`getWeights()` names without `iter`). */
export function optimizerKind(optimizer: tf.Optimizer, heldNames: readonly string[]): OptimizerKind {
  const className = optimizer.getClassName();
  const known = KNOWN_SLOTS[className];
  if (known) return { className, slots: known(optimizer.getConfig() as Record<string, unknown>), slotsKnown: true };
  const slots: string[] = [];
  for (const name of heldNames) {
    const slash = name.lastIndexOf('/');
    const slot = slash >= 0 ? name.slice(slash + 1) : name;
    if (!slots.includes(slot)) slots.push(slot);
  }
  return { className, slots, slotsKnown: false };
}

/** `Adam (slots m, v)`: how errors name an optimizer kind. */
export function describeOptimizerKind(kind: { readonly className: string; readonly slots: readonly string[] }): string {
  return `${kind.className} (${kind.slots.length === 0 ? 'no slots' : `slots ${kind.slots.join(', ')}`})`;
}

/** Names of the hidden scalar variables of this optimizer class that checkpoints carry. */
export function hiddenScalarNames(optimizer: tf.Optimizer): readonly string[] {
  return HIDDEN_SCALARS[optimizer.getClassName()] ?? [];
}

/** The hidden scalar variable `name` of `optimizer`, or an Error saying it is missing. */
export function hiddenScalar(optimizer: tf.Optimizer, name: string): tf.Variable {
  const value = (optimizer as unknown as Record<string, unknown>)[name];
  if (!(value instanceof tf.Variable) || value.size !== 1) {
    throw new Error(`optimizer ${optimizer.getClassName()} has no scalar variable ${name}, which its checkpoints carry (tfjs version mismatch?)`);
  }
  return value;
}

/**
 * Replaces the optimizer's state by `weights` (as `getWeights()` returned it) and its hidden scalars by `hidden`,
 * leaking nothing: tfjs's `setWeights` makes new slot variables and drops the old ones without disposing them,
 * so the old ones that the optimizer no longer holds are disposed here. `weights` stay the caller's.
 */
export async function restoreOptimizerState(
  optimizer: tf.Optimizer,
  weights: readonly { name: string; tensor: tf.Tensor }[],
  hidden: readonly { name: string; value: number }[],
): Promise<void> {
  const before = await optimizer.getWeights();
  const given = new Set(weights.map((w) => w.tensor));
  const fresh = (list: { tensor: tf.Tensor }[]): tf.Tensor[] => list.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable) && !given.has(t));
  try {
    await optimizer.setWeights([...weights]);
  } catch (error) {
    tf.dispose(fresh(before));
    throw error;
  }
  const after = await optimizer.getWeights();
  const held = new Set(after.map((w) => w.tensor));
  const dropped = before.map((w) => w.tensor).filter((t) => t instanceof tf.Variable && !held.has(t) && !given.has(t));
  tf.dispose([...fresh(before), ...fresh(after), ...dropped]);
  for (const { name, value } of hidden) {
    const variable = hiddenScalar(optimizer, name);
    tf.tidy(() => variable.assign(tf.scalar(value, 'float32')));
  }
}
