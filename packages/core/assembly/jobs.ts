// The job protocol of Topiary's threaded WebAssembly kernels (AssemblyScript, imported by the kernels of
// @topiary/backend-wasm and @topiary/sparse). The host publishes a job of `tasks` tasks in shared memory; every
// thread taking part, the host's own included, claims task indices until none are left; the host then waits for the
// claimed ones to finish. Idle worker threads spin a while, then sleep on the job generation with
// memory.atomic.wait32. Each kernel module keeps its job parameters elsewhere and runs the tasks itself:
//
//   function drain(generation, thread) { for (let t = claimTask(generation, tasks); t >= 0; t = claimTask(generation, tasks)) { run(t); finishTask(); } }
//   export function runJob(timeoutMs) { const g = publishJob(threads > 1); drain(g, 0); return awaitJob(tasks, timeoutMs); }
//   export function workerLoop(thread) { let seen = enterWorker(); while ((seen = nextJob(seen)) >= 0) drain(seen, thread); leaveWorker(); }

/** (generation << 32) | next task index: one 64-bit word, so a claim and a job change can never be confused. */
export const CLAIM: usize = 1024;
/** The generation alone: the high half of CLAIM, the word idle threads wait on. */
export const GENERATION: usize = CLAIM + 4;
/** Tasks finished in the current job. */
export const COMPLETED: usize = 1032;
/** Non-zero tells idle threads to return from workerLoop. */
export const EXIT: usize = 1036;
/** Threads currently started and looping. */
export const RUNNING: usize = 1040;
/** Microseconds an idle thread spins, watching for the next job, before it sleeps (set by the host). */
export const SPIN_MICROSECONDS: usize = 1044;
/** One past the control block: a module's own fixed addresses start at or after this. */
export const CONTROL_END: usize = 1048;

/** Milliseconds from the host's clock (performance.now or Date.now). */
@external("env", "now")
declare function now(): f64;

/** Opens the next job (its parameters already written) and wakes sleeping threads when `wake`; returns its generation. */
export function publishJob(wake: bool): i32 {
  const generation = atomic.load<i32>(GENERATION) + 1;
  atomic.store<i32>(COMPLETED, 0);
  atomic.store<i64>(CLAIM, <i64>generation << 32);
  if (wake && atomic.load<i32>(RUNNING) > 0) atomic.notify(GENERATION, -1);
  return generation;
}

/** The next unclaimed task of job `generation` (of `tasks`), or -1 when it has none left or a newer job replaced it. */
export function claimTask(generation: i32, tasks: i32): i32 {
  while (true) {
    const word = atomic.load<i64>(CLAIM);
    if (<i32>(word >>> 32) != generation) return -1;
    const task = <i32>word;
    if (task >= tasks) return -1;
    if (atomic.cmpxchg<i64>(CLAIM, word, word + 1) == word) return task;
  }
}

/** Counts one claimed task as done. */
export function finishTask(): void {
  atomic.add<i32>(COMPLETED, 1);
}

/**
 * Waits until all `tasks` of the current job are done: 1, or 0 when a task claimed by another thread has not
 * finished within `timeoutMs` (that thread stopped answering).
 */
export function awaitJob(tasks: i32, timeoutMs: f64): i32 {
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

/** Registers a worker thread; returns the generation it has seen. */
export function enterWorker(): i32 {
  atomic.add<i32>(RUNNING, 1);
  return atomic.load<i32>(GENERATION);
}

/** Waits for a job newer than `seen` and returns its generation, or -1 once EXIT is set. */
export function nextJob(seen: i32): i32 {
  if (atomic.load<i32>(EXIT) != 0) return -1;
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
  if (atomic.load<i32>(EXIT) != 0) return -1;
  return atomic.load<i32>(GENERATION);
}

/** Unregisters a worker thread on its way out of workerLoop. */
export function leaveWorker(): void {
  atomic.sub<i32>(RUNNING, 1);
}

/** Tells every worker thread to return from workerLoop. */
export function stopWorkers(): void {
  atomic.store<i32>(EXIT, 1);
  atomic.notify(GENERATION, -1);
}
