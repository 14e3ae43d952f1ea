import { Command } from 'commander';
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isPluginError } from '../plugins/plugin-error.js';
import { SuiteError } from '../suite/suite-error.js';
import { benchCommand } from './bench-command.js';
import { compareCommand } from './compare-command.js';
import { logsCommand } from './logs-command.js';
import { mergeCommand } from './merge-command.js';
import { plotCommand } from './plot-command.js';
import { tableCommand } from './table-command.js';

/** The version of `@topiary/bench`, read from its package.json (two levels up from `src/cli/` and `dist/cli/`). */
export function benchVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  if (typeof manifest.version !== 'string') throw new Error('@topiary/bench: package.json has no version');
  return manifest.version;
}

/** Builds the `topiary` command-line program. */
export function createProgram(): Command {
  return new Command('topiary')
    .description('Sparse-training benchmarks: run suites, merge shards, make tables and plots, export training logs')
    .version(benchVersion(), '-V, --version', 'print the version of @topiary/bench')
    .showHelpAfterError()
    .addCommand(benchCommand())
    .addCommand(tableCommand())
    .addCommand(plotCommand())
    .addCommand(mergeCommand())
    .addCommand(compareCommand())
    .addCommand(logsCommand());
}

/**
 * Runs the CLI with `process.argv`-style arguments. Errors are printed without a stack trace; the exit code
 * is 2 for an invalid suite or plugin and 1 for any other failure.
 */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  try {
    await createProgram().parseAsync([...argv]);
  } catch (error) {
    process.stderr.write(`topiary: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof SuiteError || isPluginError(error) ? 2 : 1;
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

// Not awaited at the top level: a plugin module that imports @topiary/bench imports this module too, and would
// wait forever for a top-level await that waits for the plugin (main() reports its own errors).
if (isEntryPoint()) void main();
