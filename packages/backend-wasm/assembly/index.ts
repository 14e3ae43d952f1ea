// Topiary's WebAssembly kernels: a job is published in shared memory, every thread (the host's own included)
// claims tasks from it until none are left (the protocol: @topiary/core's assembly/jobs.ts).
import { awaitJob, claimTask, enterWorker, finishTask, leaveWorker, nextJob, publishJob } from '@topiary/core/assembly/jobs';
import { KIND_COL2IM, KIND_GEMM, KIND_IM2COL, KIND_MAX_POOL_GRAD, P_KIND, P_TASKS, P_THREADS, PARAMS } from './layout';
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
  for (let task = claimTask(generation, tasks); task >= 0; task = claimTask(generation, tasks)) {
    runTask(kind, task, thread);
    finishTask();
  }
}

/**
 * The host: publishes the job in PARAMS, works on it with the other threads and returns 1 when it is done, or 0
 * when a task claimed by another thread has not finished within `timeoutMs` (that thread stopped answering).
 */
export function runJob(timeoutMs: f64): i32 {
  const generation = publishJob(load<i32>(PARAMS + (<usize>P_THREADS << 2)) > 1);
  drain(generation, 0);
  return awaitJob(load<i32>(PARAMS + (<usize>P_TASKS << 2)), timeoutMs);
}

/** A worker thread's whole life: wait for a job, help with it, repeat until EXIT is set. */
export function workerLoop(thread: i32): void {
  let seen = enterWorker();
  while ((seen = nextJob(seen)) >= 0) drain(seen, thread);
  leaveWorker();
}

export { stopWorkers } from '@topiary/core/assembly/jobs';
