/** Writes `openapi.json` at the repository root from the HTTP layer's zod schemas. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApiText } from '../lambda/http/openapi.js';

const target = fileURLToPath(new URL('../openapi.json', import.meta.url));
writeFileSync(target, openApiText());
console.log(`wrote ${target}`);
