/**
 * A trainer's weights and optimizer slots read densely, for comparisons on small test models (every array has the
 * weight's full size, so it is not for layers that exist only sparse).
 */
export interface EngineDenseState {
  /** Each masked layer's kernel, row-major, zeros where no weight is active. */
  readonly kernels: Float32Array[];
  /** Each masked layer's optimizer slots for its kernel (slot suffix such as `/momentum` → dense values, zeros where not kept). */
  readonly kernelSlots: Map<string, Float32Array>[];
  /** Every weight in the order of the trainer's tfjs model (kernels dense as in `kernels`, biases, …). */
  readonly weights: Float32Array[];
}
