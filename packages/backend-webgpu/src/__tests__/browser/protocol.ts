// What the browser test and its page share: the page's result and where the .wasm binaries are served.

/** What one run in the page reports back to the test. */
export interface PageRun {
  /** The tfjs backend that was active while training. */
  readonly backend: string;
  /** What the backend reported when it started. */
  readonly details: string;
  /** The loss of every training step. */
  readonly losses: number[];
  /** Positions where `maskSelect` (drop, then grow) on tied scores differed from the host quickselect. */
  readonly maskSelectMismatches: number;
}

/** The URL prefix under which the test server serves tfjs's .wasm binaries. */
export const WASM_PREFIX = '/wasm/';
