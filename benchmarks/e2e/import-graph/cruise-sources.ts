import { cruise, type ICruiseResult, type IFlattenedRuleSet } from 'dependency-cruiser';

/** The export condition under which workspace packages resolve to their TypeScript sources. */
const SOURCE_CONDITION = '@topiary/source';

/** Left out: build output outside node_modules, and the generated WASM kernels as base64 text. */
const EXCLUDED = ['^(?!node_modules/).*/dist/', '^packages/backend-wasm/src/native/kernel-binaries\\.ts$'];

/** The dependency-cruiser rules the check asks for: no file imports itself back, every import resolves. */
function rules(): IFlattenedRuleSet {
  return {
    forbidden: [
      { name: 'no-circular', severity: 'error', comment: 'a file that imports itself back', from: {}, to: { circular: true } },
      { name: 'not-to-unresolvable', severity: 'error', comment: 'an import that names no file', from: {}, to: { couldNotResolve: true } },
    ],
  };
}

/**
 * Runs dependency-cruiser over `roots` (folders relative to `baseDir`): type-only imports, re-exports and
 * dynamic imports count; `.js` specifiers resolve to the `.ts` sources, workspace packages to their sources
 * through the `@topiary/source` condition; node_modules are listed but not followed; build output and
 * generated files are left out. The result holds every module and the rule violations.
 */
export async function cruiseSources(baseDir: string, roots: readonly string[]): Promise<ICruiseResult> {
  const { output } = await cruise(
    [...roots],
    {
      baseDir,
      validate: true,
      ruleSet: rules(),
      tsPreCompilationDeps: true,
      doNotFollow: { path: ['node_modules'] },
      exclude: { path: EXCLUDED },
      enhancedResolveOptions: {
        exportsFields: ['exports'],
        conditionNames: [SOURCE_CONDITION, 'import', 'types', 'node', 'default'],
        mainFields: ['module', 'main', 'types'],
      },
    },
    { extensionAlias: { '.js': ['.ts', '.js'] }, bustTheCache: true },
  );
  if (typeof output === 'string') throw new Error(`dependency-cruiser returned text instead of a result: ${output.slice(0, 200)}`);
  return output;
}
