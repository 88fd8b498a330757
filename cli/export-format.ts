/**
 * What `export` writes: a dotenv file or a JSON object of keys and values. Pure text, no I/O.
 *
 * The dotenv dialect is POSIX shell: `KEY='value'`, each `'` of the value written `'\''`. Inside
 * single quotes a shell takes every character literally (newlines, `"`, `$`, `\`, backquotes), so
 * `set -a; . ./file; set +a` gives back every value byte for byte: the only quoting that round-trips
 * any value through the reader everyone has. Readers of the simpler dotenv dialects (Node's dotenv,
 * docker compose, python-dotenv) read single-quoted values literally too, so they agree on every
 * value without a `'`.
 */
import { isEnvName } from './env-name.js';

/** The formats of `export`. */
export const EXPORT_FORMATS = ['dotenv', 'json'] as const;

/** One of {@link EXPORT_FORMATS}. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A value in single quotes, as a POSIX shell reads it back unchanged. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The keys a dotenv file cannot carry as variable names. */
export function dotenvUnfit(keys: readonly string[]): string[] {
  return keys.filter((key) => !isEnvName(key));
}

/** The entries as text in `format`, keys sorted in code point order (the same on every machine). */
export function formatExport(values: ReadonlyMap<string, string>, format: ExportFormat): string {
  const entries = [...values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (format === 'json') {
    // A prototype-free object, so a key named __proto__ is an ordinary entry.
    const object: Record<string, string> = Object.create(null);
    for (const [key, value] of entries) object[key] = value;
    return `${JSON.stringify(object, null, 2)}\n`;
  }
  return entries.map(([key, value]) => `${key}=${shellQuote(value)}\n`).join('');
}
