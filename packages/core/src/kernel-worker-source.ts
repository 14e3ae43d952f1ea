/**
 * The code a kernel thread runs, as source text, so that it needs no file of its own in any bundler or runtime: it
 * instantiates the kernel module on the shared memory it is sent, reports back, and enters `workerLoop`, from
 * which it returns only when the host calls `stopWorkers`.
 */
const body = `
  function start(message, reply) {
    try {
      const instance = new WebAssembly.Instance(message.module, { env: { memory: message.memory, now: () => performance.now() } });
      reply({ up: true });
      instance.exports.workerLoop(message.thread);
    } catch (error) {
      reply({ error: String((error && error.message) || error) });
    }
  }`;

/** For Node's `new Worker(source, { eval: true })` (CommonJS). */
export const NODE_WORKER_SOURCE = `${body}
  const { parentPort } = require('node:worker_threads');
  parentPort.once('message', (message) => start(message, (reply) => parentPort.postMessage(reply)));
`;

/** For a browser `Worker` made from a Blob URL (a classic script). */
export const BROWSER_WORKER_SOURCE = `${body}
  self.onmessage = (event) => { self.onmessage = null; start(event.data, (reply) => self.postMessage(reply)); };
`;
