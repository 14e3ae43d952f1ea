// A test page that loads a Node builtin at run time, by a specifier the bundler cannot see, then reports how it went.
const specifier = ['node', 'os'].join(':');
import(/* @vite-ignore */ specifier).then(
  () => Object.assign(globalThis, { builtinLoad: 'loaded' }),
  (error: unknown) => Object.assign(globalThis, { builtinLoad: String(error) }),
);
