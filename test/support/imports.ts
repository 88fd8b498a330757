/** Reads module specifiers out of source text, for the layering and core-purity tests. */

// `import … from`, `export … from`, a bare `import '…'` (side effects only) and `import('…')`.
const importPattern =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every module specifier `source` imports or re-exports, in order. */
export function importSpecifiers(source: string): string[] {
  return [...source.matchAll(importPattern)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}
