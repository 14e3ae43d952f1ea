import { isAbsolute, resolve } from 'node:path';
import { importModule } from '../data/import-module.js';
import { checkPlugin } from './plugin-contract.js';
import { pluginSourceHash } from './plugin-source-hash.js';
import { isPluginError, PluginError } from './plugin-error.js';
import { combinePlugins, type LoadedPlugin, type PluginBase, type PluginFile, type PluginSet, type PluginSource } from './plugin-set.js';

/** The plugin sources of paths given relative to `baseDir` (the suite file's folder, or the working directory); absolute paths stay. */
export function pluginSources(paths: readonly string[], baseDir: string, relativeTo: PluginBase): PluginSource[] {
  return paths.map((path) => ({ path, relativeTo, file: isAbsolute(path) ? path : resolve(baseDir, path) }));
}

/** What to do about a plugin path that does not lead to a module. */
function pathFix(relativeTo: PluginBase): string {
  return `Give the path of a plugin module (.mjs or .js; .ts when running under tsx, as pnpm topiary does), relative to ${relativeTo === 'suite' ? 'the suite file' : 'the working directory'}.`;
}

/**
 * Reads one plugin module, hashes its source (the file and the local modules it imports, {@link pluginSourceHash}), imports it and checks its plugin: the default export, or the export
 * named `plugin` ({@link checkPlugin}). Given a {@link PluginFile}, the bytes must still have its SHA-256 (a worker
 * checks that it loads what the bench validated). Every problem is a {@link PluginError} naming the path as given.
 */
export async function loadPlugin(source: PluginSource | PluginFile): Promise<LoadedPlugin> {
  let sha256: string;
  try {
    ({ sha256 } = await pluginSourceHash(source.file));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? `file not found (looked for ${source.file})` : `cannot read ${source.file} (${code ?? String(cause)})`;
    throw new PluginError(source.path, problem, pathFix(source.relativeTo), { cause });
  }
  if ('sha256' in source && source.sha256 !== sha256) {
    throw new PluginError(
      source.path,
      `changed since the bench checked it (sha256 ${source.sha256.slice(0, 12)}… then, ${sha256.slice(0, 12)}… now)`,
      'Leave plugin files unchanged while a bench runs; rerun the bench to use the new version.',
    );
  }
  const namespace = await importModule(
    source.file,
    (_file, problem, fix, options) => {
      // definePlugin refused the plugin while the module was evaluated: report its problem at this path
      const cause = options?.cause;
      if (isPluginError(cause)) return new PluginError(source.path, cause.problem, cause.fix, options);
      return new PluginError(source.path, problem, fix, options);
    },
    pathFix(source.relativeTo),
  );
  const { default: byDefault, plugin: named } = namespace;
  if (byDefault !== undefined && named !== undefined && byDefault !== named) {
    throw new PluginError(source.path, 'exports both a default export and an export named `plugin`, which differ', 'Export the plugin once, as the default export or as `plugin`.');
  }
  const value = byDefault ?? named;
  if (value === undefined) {
    const exports = Object.keys(namespace).sort();
    throw new PluginError(
      source.path,
      `exports no plugin: it has no default export and no export named \`plugin\` (it exports ${exports.length > 0 ? exports.join(', ') : 'nothing'})`,
      'Add `export default definePlugin({ components: [...], models: [...], datasets: [...] })` (definePlugin from @topiary/bench).',
    );
  }
  return { path: source.path, relativeTo: source.relativeTo, file: source.file, sha256, plugin: checkPlugin(value, source.path) };
}

/**
 * Loads plugin modules (a file given twice is loaded once, under its first path), checks each and builds the
 * registries of their components, models and data sets ({@link combinePlugins}). Throws the first {@link PluginError}.
 */
export async function loadPlugins(sources: readonly (PluginSource | PluginFile)[]): Promise<PluginSet> {
  const seen = new Set<string>();
  const loaded: LoadedPlugin[] = [];
  for (const source of sources) {
    if (seen.has(source.file)) continue;
    seen.add(source.file);
    loaded.push(await loadPlugin(source));
  }
  return combinePlugins(loaded);
}
