// The threaded products: one job per product, one task per thread taking part, each task a part of the output that
// no other task writes, computed by the same loops in the same order as the single-threaded kernel, so that every
// output element is bitwise the same whatever the number of threads.
//   forward (scatter): the batch lanes split into slices of whole f32x4 vectors; task t zeroes and accumulates its
//     slice of every row of Yᵀ (every lane meets the same additions in the same order as in scatterRows);
//   input gradient (gather) and sampled gradient: the compressed rows split into bands of about equal nonzeros +
//     rows (a row's cost is its nonzeros plus its fixed work), each band by gatherRows / sampledDots' own row loop.
import { gatherBand } from './gather';
import { sampledBand } from './sampled';
import { scatterLanes } from './scatter';
import {
  KIND_GATHER, KIND_SAMPLED, KIND_SCATTER, P_DST, P_DST_ROWS, P_IDX, P_OUT, P_PTR, P_ROWS, P_SRC, P_TASKS, P_THREADS,
  P_VALUES, P_WIDTH, PARAMS,
} from './layout';

@inline function param(slot: i32): i32 {
  return load<i32>(PARAMS + (<usize>slot << 2));
}

/** The first row r of (ptr) with ptr[r] + r ≥ target, for 0 ≤ target ≤ ptr[rows] + rows (rows when none below). */
function bandStart(ptr: usize, rows: i32, target: i64): i32 {
  let lo = 0;
  let hi = rows;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (<i64>load<i32>(ptr + (<usize>mid << 2)) + <i64>mid < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Row band [start, end) of task `task` of `tasks`: equal shares of nonzeros + rows. */
@inline function band(ptr: usize, rows: i32, task: i32, tasks: i32, end: bool): i32 {
  const t = end ? task + 1 : task;
  if (t >= tasks) return rows;
  if (t == 0) return 0;
  const total = <i64>load<i32>(ptr + (<usize>rows << 2)) + <i64>rows;
  return bandStart(ptr, rows, (total * <i64>t) / <i64>tasks);
}

/** Runs task `task` of the job in PARAMS. */
export function runTask(kind: i32, task: i32): void {
  const tasks = param(P_TASKS);
  const rows = param(P_ROWS);
  const ptr = <usize>param(P_PTR);
  const width = param(P_WIDTH);
  if (kind == KIND_SCATTER) {
    const vectors = width >> 2;
    const c0 = (<i32>((<i64>vectors * <i64>task) / <i64>tasks)) << 2;
    const c1 = (<i32>((<i64>vectors * <i64>(task + 1)) / <i64>tasks)) << 2;
    scatterLanes(rows, ptr, <usize>param(P_IDX), <usize>param(P_VALUES), <usize>param(P_SRC), <usize>param(P_DST), width, param(P_DST_ROWS), c0, c1);
  } else {
    const r0 = band(ptr, rows, task, tasks, false);
    const r1 = band(ptr, rows, task, tasks, true);
    if (kind == KIND_GATHER) gatherBand(r0, r1, ptr, <usize>param(P_IDX), <usize>param(P_VALUES), <usize>param(P_SRC), <usize>param(P_DST), width);
    else if (kind == KIND_SAMPLED) sampledBand(r0, r1, ptr, <usize>param(P_IDX), <usize>param(P_SRC), <usize>param(P_DST), <usize>param(P_OUT), width);
  }
}

/** Whether `thread` takes part in the current job. */
export function takesPart(thread: i32): bool {
  return thread < param(P_THREADS);
}

/** Tasks in the current job. */
export function jobTasks(): i32 {
  return param(P_TASKS);
}

/** Kind of the current job. */
export function jobKind(): i32 {
  return load<i32>(PARAMS);
}
