import { cruiseSources } from './cruise-sources.js';
import { findCycles } from './find-cycles.js';
import { folderGraph, type CollapsedGraph } from './folder-graph.js';
import { packageImports } from './package-graph.js';
import type { WorkspacePackage } from './workspace-packages.js';

/** A cycle found at one level, as the chain of nodes (first = last) and one file import behind each step. */
export interface Cycle {
  /** Every node that imports the others round (more than the chain's when several cycles overlap), sorted. */
  readonly members: readonly string[];
  /** The nodes in import order, ending where it started: `[a, b, a]`. */
  readonly chain: readonly string[];
  /** For each step of the chain, a file import that makes it (`a/x.ts → b/y.ts`). */
  readonly steps: readonly string[];
}

/** What the import-graph check found; every list is empty when the graph is one-way. */
export interface ImportGraphReport {
  /** How many source files were read (node_modules not counted). */
  readonly files: number;
  /** Files that import themselves back, as dependency-cruiser reports them (one per set of files). */
  readonly fileCycles: readonly Cycle[];
  /** Imports that resolve to no file. */
  readonly unresolved: readonly string[];
  /** Folders of one package that import themselves back. */
  readonly folderCycles: readonly Cycle[];
  /** Imports of packages the importer does not declare, or of another package's files by path. */
  readonly undeclared: readonly string[];
  /** Workspace packages that import themselves back. */
  readonly packageCycles: readonly Cycle[];
}

/**
 * Checks that imports are one-way at every level: no file, no folder inside a package's sources and no package
 * imports itself back, every import resolves, and every package imported is declared in the importer's manifest.
 * `baseDir` is the workspace root; each package's `sources` folder is cruised.
 */
export async function checkImportGraph(baseDir: string, packages: readonly WorkspacePackage[]): Promise<ImportGraphReport> {
  const result = await cruiseSources(baseDir, packages.map((pkg) => pkg.sources));
  const violations = result.summary.violations;
  const fileCycles = new Map<string, Cycle>();
  for (const violation of violations) {
    if (violation.rule.name !== 'no-circular' || !violation.cycle) continue;
    const chain = [violation.from, ...violation.cycle.map((step) => step.name)];
    const members = [...new Set(chain)].sort();
    const key = members.join('\n');
    if (!fileCycles.has(key)) fileCycles.set(key, { members, chain, steps: chain.slice(1).map((to, i) => `${chain[i]} → ${to}`) });
  }
  const unresolved = violations
    .filter((violation) => violation.rule.name === 'not-to-unresolvable')
    .map((violation) => `${violation.from} imports ${violation.to}, which resolves to no file`);
  const betweenPackages = packageImports(result, packages);
  return {
    files: result.modules.filter((module) => !module.source.includes('node_modules/') && !module.coreModule).length,
    fileCycles: [...fileCycles.values()],
    unresolved: [...new Set(unresolved)].sort(),
    folderCycles: cyclesOf(folderGraph(result, packages)),
    undeclared: betweenPackages.undeclared,
    packageCycles: cyclesOf(betweenPackages),
  };
}

/** The cycles of a collapsed graph, each with a file import behind every step. */
function cyclesOf({ graph, examples }: CollapsedGraph): Cycle[] {
  return findCycles(graph).map(({ members, chain }) => ({
    members,
    chain,
    steps: chain.slice(1).map((to, i) => examples.get(`${chain[i]}\n${to}`) ?? `${chain[i]} → ${to}`),
  }));
}

/** The report as lines for people: one block per problem, cycles as `a → b → a` with the imports behind them. */
export function describeReport(report: ImportGraphReport): string[] {
  const cycle = (kind: string) => (found: Cycle) => {
    const others = found.members.filter((member) => !found.chain.includes(member));
    const also = others.length > 0 ? [`    (in the same cycle: ${others.join(', ')})`] : [];
    return [`${kind} cycle: ${found.chain.join(' → ')}`, ...found.steps.map((step) => `    ${step}`), ...also].join('\n');
  };
  return [
    ...report.fileCycles.map(cycle('file')),
    ...report.folderCycles.map(cycle('folder')),
    ...report.packageCycles.map(cycle('package')),
    ...report.unresolved.map((line) => `unresolved: ${line}`),
    ...report.undeclared.map((line) => `undeclared: ${line}`),
  ];
}
