import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';

type Generator = ReturnType<typeof xoroshiro128plus>;

/** A seeded, serialisable random number generator (xoroshiro128+) used for every random choice Topiary makes. */
export class Rng {
  private constructor(private generator: Generator) {}

  /** Creates a generator from an integer seed. */
  static fromSeed(seed: number): Rng {
    if (!Number.isInteger(seed)) {
      throw new RangeError(`seed must be an integer, got ${seed}`);
    }
    return new Rng(xoroshiro128plus(seed | 0));
  }

  /** Restores a generator from the state returned by {@link Rng.getState}. */
  static fromState(state: readonly number[]): Rng {
    if (!Array.isArray(state) || state.length !== 4 || !state.every(Number.isInteger)) {
      throw new RangeError(`rng state must be an array of 4 integers, got ${JSON.stringify(state)}`);
    }
    return new Rng(xoroshiro128plusFromState(state));
  }

  /** The generator's internal state, for checkpoints. */
  getState(): number[] {
    return [...this.generator.getState()];
  }

  /** A uniform float in [0, 1). */
  float(): number {
    return uniformFloat64(this.generator);
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return uniformInt(this.generator, 0, n - 1);
  }

  /** A standard normal sample (Box-Muller). */
  normal(): number {
    const u = 1 - this.float();
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A 31-bit integer seed for tfjs random ops, drawn from this generator. */
  seed(): number {
    return uniformInt(this.generator, 0, 0x7fffffff);
  }

  /** Fills a new Float32Array of length n with uniform floats in [0, 1). */
  uniformArray(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.float();
    return out;
  }

  /** An independent generator split off this one (advances this one). */
  fork(): Rng {
    return Rng.fromSeed(this.seed());
  }
}
