// Topiary's WebAssembly kernels: a job is published in shared memory, every thread (the host's own included)
// claims tasks from it until none are left. Idle threads wait on the job generation with memory.atomic.wait32.
import { CLAIM, COMPLETED, EXIT, GENERATION, SPIN_MICROSECONDS, KIND_COL2IM, KIND_GEMM, KIND_IM2COL, KIND_MAX_POOL_GRAD, P_KIND, P_TASKS, P_THREADS, PARAMS, RUNNING } from './layout';
import { gemmTask } from './gemm';
import { col2imTask, im2colTask } from './patches';
import { maxPoolGradTask } from './pooling';

export { DATA_BASE, PARAMS } from './layout';


function runTask(kind: i32, task: i32, thread: i32): void {
  if (kind == KIND_GEMM) gemmTask(task, thread);
  else if (kind == KIND_IM2COL) im2colTask(task);
  else if (kind == KIND_COL2IM) col2imTask(task);
  else if (kind == KIND_MAX_POOL_GRAD) maxPoolGradTask(task);
}

/** Claims and runs tasks of job `generation` until it has none left or a newer job replaced it. */
function drain(generation: i32, thread: i32): void {
  if (thread >= load<i32>(PARAMS + (<usize>P_THREADS << 2))) return;
  const kind = load<i32>(PARAMS + (<usize>P_KIND << 2));
  const tasks = load<i32>(PARAMS + (<usize>P_TASKS << 2));
  while (true) {
    const word = atomic.load<i64>(CLAIM);
    if (<i32>(word >>> 32) != generation) return;
    const task = <i32>word;
    if (task >= tasks) return;
    if (atomic.cmpxchg<i64>(CLAIM, word, word + 1) != word) continue;
    runTask(kind, task, thread);
    atomic.add<i32>(COMPLETED, 1);
  }
}

/** Milliseconds from the host's clock (performance.now or Date.now). */
@external("env", "now")
declare function now(): f64;

/**
 * The host: publishes the job in PARAMS, works on it with the other threads and returns 1 when it is done, or 0
 * when a task claimed by another thread has not finished within `timeoutMs` (that thread stopped answering).
 */
export function runJob(timeoutMs: f64): i32 {
  const tasks = load<i32>(PARAMS + (<usize>P_TASKS << 2));
  const generation = atomic.load<i32>(GENERATION) + 1;
  atomic.store<i32>(COMPLETED, 0);
  atomic.store<i64>(CLAIM, <i64>generation << 32);
  if (load<i32>(PARAMS + (<usize>P_THREADS << 2)) > 1 && atomic.load<i32>(RUNNING) > 0) atomic.notify(GENERATION, -1);
  drain(generation, 0);
  let spins = 0;
  let since = 0.0;
  let seen = -1;
  while (true) {
    const completed = atomic.load<i32>(COMPLETED);
    if (completed >= tasks) return 1;
    // another thread is finishing its last task; look at the clock now and then
    if ((++spins & 4095) == 0) {
      if (completed != seen) {
        seen = completed;
        since = now();
      } else if (now() - since > timeoutMs) {
        return 0;
      }
    }
  }
}

/** A worker thread's whole life: wait for a job, help with it, repeat until EXIT is set. */
export function workerLoop(thread: i32): void {
  atomic.add<i32>(RUNNING, 1);
  let seen = atomic.load<i32>(GENERATION);
  while (atomic.load<i32>(EXIT) == 0) {
    // spin a while first: the kernels of a training step come a fraction of a millisecond apart, and a sleeping
    // thread takes longer than that to wake
    let spins = 0;
    let since = now();
    while (atomic.load<i32>(GENERATION) == seen && atomic.load<i32>(EXIT) == 0) {
      if ((++spins & 1023) == 0 && (now() - since) * 1000 > <f64>atomic.load<i32>(SPIN_MICROSECONDS)) {
        memory.atomic.wait32(GENERATION, seen, -1);
        since = now();
      }
    }
    if (atomic.load<i32>(EXIT) != 0) break;
    seen = atomic.load<i32>(GENERATION);
    drain(seen, thread);
  }
  atomic.sub<i32>(RUNNING, 1);
}

/** Tells every worker thread to return from workerLoop. */
export function stopWorkers(): void {
  atomic.store<i32>(EXIT, 1);
  atomic.notify(GENERATION, -1);
}
