import type { SparseStrategy } from '@topiary/core';

/** Drop criteria the sparse engine scores on the nonzeros: each is a function of a weight's own value and gradient, or a rank among the active weights (SET), so its scores over the nonzeros equal its scores on the dense kernel at the active positions. */
export const sparseDropKinds = ['magnitude', 'set', 'mest', 'saliency', 'random'] as const;

/** Grow criteria the sparse engine runs without a dense array: gradient (tiled dense gradient, running top-k), random (sampled) and gse (a sampled subset). */
export const sparseGrowKinds = ['gradient', 'random', 'gse'] as const;

/**
 * Refuses, before anything is built, a strategy the sparse engine cannot run, naming the component and what works
 * instead. `fromSpec`: the network was described, not built, so initialisations that score the dense kernel
 * (SNIP) are not available.
 */
export function checkSparseStrategy(strategy: SparseStrategy, fromSpec: boolean): void {
  const name = strategy.name;
  if (strategy.granularity) {
    throw new Error(`sparse engine: strategy ${name} has granularity '${strategy.granularity.kind}'; the sparse engine runs unstructured masks (N:M and constant fan-in run on the masked engine)`);
  }
  const init = strategy.init;
  if (init.kind === 'scored' && fromSpec) {
    throw new Error(`sparse engine: strategy ${name} has init 'scored' ('${init.criterion.kind}'), which scores the dense kernel on the first batch; build the engine from a tfjs model (it scores that model once, before training), or use init 'random' or 'dense'`);
  }
  if (init.kind === 'masks' && fromSpec) {
    throw new Error(`sparse engine: strategy ${name} has init 'masks' (a dense 0/1 mask per layer); build the engine from the tfjs model the masks belong to, or use init 'random' or 'dense'`);
  }
  const update = strategy.update;
  if (!update) return;
  if (update.scope === 'global') {
    throw new Error(`sparse engine: strategy ${name} has update.scope 'global'; the sparse engine ranks each layer on its own (scope 'layer'); global ranking runs on the masked engine`);
  }
  if (update.redistribution) {
    throw new Error(`sparse engine: strategy ${name} has redistribution '${update.redistribution.kind}', which needs a dense momentum of every weight; the sparse engine keeps none: drop the redistribution or use the masked engine`);
  }
  const needsMomentum = [update.drop, update.grow].filter((c) => c?.needs?.momentum).map((c) => c!.kind);
  if (needsMomentum.length > 0) {
    throw new Error(`sparse engine: criterion '${needsMomentum[0]}' of strategy ${name} needs a dense momentum of every weight (SNFS), which the sparse engine does not keep; grow by 'gradient' (RigL), 'gse' (GSE) or 'random' (SET), or use the masked engine`);
  }
  if (!(sparseDropKinds as readonly string[]).includes(update.drop.kind)) {
    throw new Error(`sparse engine: drop criterion '${update.drop.kind}' of strategy ${name} is not one the sparse engine scores on the nonzeros; supported: ${sparseDropKinds.join(', ')}`);
  }
  if (update.grow && !(sparseGrowKinds as readonly string[]).includes(update.grow.kind)) {
    throw new Error(`sparse engine: grow criterion '${update.grow.kind}' of strategy ${name} is not one the sparse engine runs; supported: ${sparseGrowKinds.join(', ')}`);
  }
  if (update.growInit && update.growInit.kind !== 'zeros') {
    throw new Error(`sparse engine: growInit '${update.growInit.kind}' of strategy ${name} draws a value for every weight of the kernel; the sparse engine starts grown weights at zeros (growInit 'zeros', RigL's choice)`);
  }
}
