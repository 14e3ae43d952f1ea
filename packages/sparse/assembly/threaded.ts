// The threaded build of the sparse kernels: everything index.ts exports, and the products as jobs (PARAMS,
// layout.ts; the tasks: jobs.ts) that every thread works on, by the job protocol of @topiary/core's
// assembly/jobs.ts (runJob on the host, workerLoop on each worker, stopWorkers to end them).
import { awaitJob, claimTask, enterWorker, finishTask, leaveWorker, nextJob, publishJob } from '@topiary/core/assembly/jobs';
import { jobKind, jobTasks, runTask, takesPart } from './jobs';

export * from './index';
export { stopWorkers } from '@topiary/core/assembly/jobs';

/** Claims and runs tasks of job `generation` until it has none left or a newer job replaced it. */
function drain(generation: i32, thread: i32): void {
  if (!takesPart(thread)) return;
  const kind = jobKind();
  const tasks = jobTasks();
  for (let task = claimTask(generation, tasks); task >= 0; task = claimTask(generation, tasks)) {
    runTask(kind, task);
    finishTask();
  }
}

/**
 * The host: publishes the job in PARAMS, works on it with the other threads and returns 1 when it is done, or 0
 * when a task claimed by another thread has not finished within `timeoutMs` (that thread stopped answering).
 */
export function runJob(timeoutMs: f64): i32 {
  const generation = publishJob(takesPart(1));
  drain(generation, 0);
  return awaitJob(jobTasks(), timeoutMs);
}

/** A worker thread's whole life: wait for a job, help with it, repeat until EXIT is set. */
export function workerLoop(thread: i32): void {
  let seen = enterWorker();
  while ((seen = nextJob(seen)) >= 0) drain(seen, thread);
  leaveWorker();
}
