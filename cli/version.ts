/** The package's version, for `thv-broker --version`. */
import { readFileSync } from 'node:fs';

/** The package's name in package.json: the file found must be this package's own. */
const PACKAGE_NAME = 'thv-secret-broker';

/**
 * The `version` of this package's package.json. The CLI runs from cli/ (tsx) or from the bundle in
 * dist/, both one level below the package root; a compiled copy under dist/cli/ is two levels
 * below, so both places are tried. Read at run time rather than imported, so no build step has to
 * copy package.json next to the output.
 */
export function packageVersion(from: string = import.meta.url): string {
  for (const up of ['../package.json', '../../package.json']) {
    try {
      const json = JSON.parse(readFileSync(new URL(up, from), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (json.name === PACKAGE_NAME && typeof json.version === 'string') return json.version;
    } catch {
      // Not there (or not JSON): try the next place.
    }
  }
  return 'unknown';
}
