#!/usr/bin/env node
// The `topiary` command. Runs the compiled CLI from dist/ when the package is built; in a fresh clone of the
// repository (no build) it runs the TypeScript sources with the tsx loader and the `@topiary/source` export
// condition.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/cli/main.js', import.meta.url);

if (existsSync(fileURLToPath(built))) {
  const { main } = await import(built.href);
  await main(process.argv);
} else {
  let loader = 'tsx';
  try {
    loader = import.meta.resolve('tsx');
  } catch {
    // left to Node to resolve from the working directory
  }
  const source = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
  const args = ['--import', loader, '--conditions=@topiary/source', source, ...process.argv.slice(2)];
  const child = spawn(process.execPath, args, { stdio: 'inherit' });
  // Ctrl-C reaches the child from the terminal itself; a SIGTERM sent to this process is passed on.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal === 'SIGINT' ? 130 : 1);
  });
}
