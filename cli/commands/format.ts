/** Text for people: listings as aligned columns. */
import type { ListResponse } from '../../lambda/http/schemas.js';

/** One line per key: key, last update, description (if any), in aligned columns. */
export function formatKeys(keys: ListResponse['keys']): string[] {
  const width = Math.max(0, ...keys.map((k) => k.key.length));
  return keys.map((k) =>
    `${k.key.padEnd(width)}  ${k.updatedAt}${k.description ? `  ${k.description}` : ''}`.trimEnd(),
  );
}
