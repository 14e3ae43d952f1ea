import { check } from '@topiary/core';

/** A slice of the grid: shard `index` (1-based) of `count`. */
export interface Shard {
  /** Which shard, from 1 to `count`. */
  readonly index: number;
  /** How many shards the grid is split into. */
  readonly count: number;
}

/** Parses `i/n` (1 ≤ i ≤ n), as in `--shard 2/4`. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  check(match !== null, '--shard', text, 'i/n with whole numbers, e.g. 2/4');
  const index = Number(match![1]);
  const count = Number(match![2]);
  check(count >= 1, '--shard count', count, 'at least 1');
  check(index >= 1 && index <= count, '--shard index', index, `between 1 and ${count}`);
  return { index, count };
}

/**
 * The runs of one shard. Runs are ordered by hash and dealt round-robin, so the split depends only on the
 * set of configurations (not on the suite's order) and every run lands in exactly one shard.
 */
export function selectShard<R extends { readonly hash: string }>(runs: readonly R[], shard: Shard): R[] {
  const order = [...runs].map((run) => run.hash).sort();
  const mine = new Set(order.filter((_, position) => position % shard.count === shard.index - 1));
  return runs.filter((run) => mine.has(run.hash));
}
