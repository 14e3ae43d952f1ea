import { dirname } from 'node:path/posix';
import type { ICruiseResult } from 'dependency-cruiser';
import type { Graph } from './find-cycles.js';
import { packageOf, type WorkspacePackage } from './workspace-packages.js';

/** A graph collapsed from files, with for each edge (`from\nto`) one file import that makes it. */
export interface CollapsedGraph {
  /** Each node and the nodes it imports. */
  readonly graph: Graph;
  /** `from\nto` → the first file import found behind that edge (`a/x.ts → b/y.ts`). */
  readonly examples: ReadonlyMap<string, string>;
}

/**
 * The folder a source file counts in: its directory, except that a `__tests__` folder with everything below it is
 * one folder of its own (tests sit above the code they test, so they are not counted in the folder they test).
 */
export function folderOf(file: string): string {
  const tests = file.indexOf('/__tests__/');
  return tests === -1 ? dirname(file) : file.slice(0, tests + '/__tests__'.length);
}

/**
 * The import graph of folders inside each package's sources: an edge for every file of one folder that imports a
 * file of another folder of the same package (imports between packages are the package graph's business). See
 * {@link folderOf} for what a folder is.
 */
export function folderGraph(result: ICruiseResult, packages: readonly WorkspacePackage[]): CollapsedGraph {
  const graph = new Map<string, Set<string>>();
  const examples = new Map<string, string>();
  const inSources = (file: string) => {
    const pkg = packageOf(packages, file);
    return pkg !== undefined && file.startsWith(`${pkg.sources}/`) ? pkg : undefined;
  };
  for (const module of result.modules) {
    const pkg = inSources(module.source);
    if (!pkg) continue;
    const from = folderOf(module.source);
    if (!graph.has(from)) graph.set(from, new Set());
    for (const dependency of module.dependencies) {
      if (dependency.coreModule || dependency.couldNotResolve || inSources(dependency.resolved) !== pkg) continue;
      const to = folderOf(dependency.resolved);
      if (to === from) continue;
      graph.get(from)!.add(to);
      const key = `${from}\n${to}`;
      if (!examples.has(key)) examples.set(key, `${module.source} → ${dependency.resolved}`);
    }
  }
  return { graph, examples };
}
