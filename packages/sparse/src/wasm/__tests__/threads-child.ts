// Run by thread-exit.test.ts in a process of its own: starts the sparse products on 2 threads, runs one product
// split across them, prints the thread count and the result's checksum, and returns without stopping the threads.
// The process must end by itself.
import { sparseProducts } from '../../select/select-products.js';
import { makeCase } from '../../__tests__/fixtures.js';

const products = await sparseProducts({ threads: 2 });
const c = makeCase(400, 300, 64, 0.5, 1);
const y = products.forward(c.kernel, c.x, c.batch);
console.log(JSON.stringify({ threads: products.threads, note: products.threadNote ?? null, sum: y.reduce((a, b) => a + b, 0) }));
