/** Formats a list of keys as a JSON path: `$.axes["algorithm.method"][1]`. */
export function formatJsonPath(keys: readonly PropertyKey[]): string {
  let out = '$';
  for (const key of keys) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}
