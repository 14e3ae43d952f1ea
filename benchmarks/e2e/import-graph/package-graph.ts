import type { ICruiseResult } from 'dependency-cruiser';
import type { CollapsedGraph } from './folder-graph.js';
import { declares, packageNameOf, packageOf, type WorkspacePackage } from './workspace-packages.js';

/** What the imports between packages show: the package graph and the imports their manifests do not allow. */
export interface PackageImports extends CollapsedGraph {
  /** One line per import of a package that the importing package's manifest does not declare, or of another package's file by path. */
  readonly undeclared: readonly string[];
}

/**
 * Collapses the file graph to workspace packages. A bare import must name a package the importer's manifest
 * declares (its own name aside); a relative import must stay inside the importer's package.
 */
export function packageImports(result: ICruiseResult, packages: readonly WorkspacePackage[]): PackageImports {
  const graph = new Map<string, Set<string>>(packages.map((pkg) => [pkg.name, new Set<string>()]));
  const examples = new Map<string, string>();
  const undeclared = new Set<string>();
  const byName = new Map(packages.map((pkg) => [pkg.name, pkg]));
  const addEdge = (from: WorkspacePackage, to: WorkspacePackage, example: string) => {
    graph.get(from.name)!.add(to.name);
    const key = `${from.name}\n${to.name}`;
    if (!examples.has(key)) examples.set(key, example);
  };
  for (const module of result.modules) {
    const pkg = packageOf(packages, module.source);
    if (!pkg) continue;
    for (const dependency of module.dependencies) {
      if (dependency.coreModule) continue;
      const example = `${module.source} → ${dependency.module}`;
      if (dependency.module.startsWith('.') || dependency.module.startsWith('/')) {
        const target = packageOf(packages, dependency.resolved);
        if (target && target !== pkg) {
          undeclared.add(`${module.source} imports ${dependency.resolved} of ${target.name} by path; import ${target.name} instead`);
          addEdge(pkg, target, example);
        }
        continue;
      }
      const name = packageNameOf(dependency.module);
      if (name === pkg.name) continue;
      if (!declares(pkg, name)) undeclared.add(`${module.source} imports ${name}, which ${pkg.dir}/package.json does not declare`);
      const target = byName.get(name);
      if (target) addEdge(pkg, target, example);
    }
  }
  return { graph, examples, undeclared: [...undeclared].sort() };
}
