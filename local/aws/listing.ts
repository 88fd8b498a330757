import { AwsError, validationError } from './errors.js';
import { type Body, readObjectList, readString, readStringList } from './input.js';
import type { PrefixTest, SecretQuery, SecretRow, SqliteStore } from './store.js';

// Rows one ListSecrets call may look at after the store's indexes have narrowed them (by name
// prefix, tag key, tag value): like AWS, a page can come back short (even empty) with a token when
// the remaining filters (description, all, ...) keep few of them.
const LIST_SCAN_BUDGET = 1_000;

// Filters the store answers from its indexes; the others are checked row by row.
const INDEXED_KEYS: ReadonlySet<string> = new Set(['name', 'tag-key', 'tag-value']);

/** One parsed ListSecrets filter: values are OR-ed, `!value` negates. */
interface Filter {
  readonly key: string;
  readonly values: readonly string[];
}

const FILTER_KEYS = [
  'description',
  'name',
  'tag-key',
  'tag-value',
  'primary-region',
  'owning-service',
  'all',
];

function readFilters(body: Body): Filter[] | undefined {
  const list = readObjectList(body, 'Filters', { max: 10 });
  return list?.map((f, i) => {
    const key = readString(f, 'Key', { required: true });
    if (!FILTER_KEYS.includes(key)) {
      throw validationError(
        `Value '${key}' at 'filters.${i + 1}.member.key' failed to satisfy constraint: Member must satisfy enum value set: [${FILTER_KEYS.join(', ')}]`,
      );
    }
    const values = readStringList(f, 'Values', { required: true, min: 1, max: 10 });
    return { key, values };
  });
}

// Words as AWS's free-text search sees them: split at punctuation and at lower→upper case changes.
const words = (text: string): string[] =>
  text
    .split(/[^A-Za-z0-9]+/)
    .flatMap((part) => part.split(/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])/))
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());

function attributeMatches(filter: Filter, secret: SecretRow, value: string): boolean {
  switch (filter.key) {
    case 'name':
      return secret.name.startsWith(value);
    case 'description':
      return (secret.description ?? '').toLowerCase().startsWith(value.toLowerCase());
    case 'tag-key':
      return secret.tags.some((t) => t.Key.startsWith(value));
    case 'tag-value':
      return secret.tags.some((t) => t.Value.startsWith(value));
    case 'all': {
      const haystack = [
        secret.name,
        secret.description ?? '',
        ...secret.tags.flatMap((t) => [t.Key, t.Value]),
      ].flatMap(words);
      const wanted = words(value);
      return wanted.length > 0 && wanted.every((w) => haystack.some((h) => h.startsWith(w)));
    }
    default:
      // primary-region / owning-service: local secrets are neither replicated nor service-owned.
      return false;
  }
}

function matchesFilters(filters: readonly Filter[], secret: SecretRow): boolean {
  return filters.every((f) =>
    f.values.some((v) =>
      v.startsWith('!') ? !attributeMatches(f, secret, v.slice(1)) : attributeMatches(f, secret, v),
    ),
  );
}

/**
 * The part of the filters the store can answer from its indexes: each name, tag-key or tag-value
 * filter becomes one clause. The rows it returns are still checked against every filter, so this
 * only has to keep every row that matches (it does, exactly, for those three keys).
 */
function indexedQuery(filters: readonly Filter[], includeDeleted: boolean): SecretQuery {
  const clauses = filters
    .filter((f) => INDEXED_KEYS.has(f.key))
    .map((f) =>
      f.values.map(
        (v): PrefixTest => ({
          field: f.key as PrefixTest['field'],
          prefix: v.startsWith('!') ? v.slice(1) : v,
          negated: v.startsWith('!'),
        }),
      ),
    );
  return { clauses, includeDeleted };
}

interface PageToken {
  readonly cursor: number;
  readonly desc: boolean;
}

function encodeToken(t: PageToken): string {
  return Buffer.from(JSON.stringify({ c: t.cursor, d: t.desc ? 1 : 0 })).toString('base64url');
}

function decodeToken(token: string, desc: boolean): PageToken {
  try {
    const raw = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { c?: unknown; d?: unknown };
    if (typeof raw.c === 'number' && Number.isInteger(raw.c) && raw.d === (desc ? 1 : 0)) {
      return { cursor: raw.c, desc };
    }
  } catch {
    // fall through: any token we did not issue is invalid
  }
  throw new AwsError('InvalidNextTokenException', 'The NextToken value is invalid.');
}

/**
 * One page of secrets that pass the request's Filters, in creation order (SortOrder asc/desc).
 * The store narrows the rows by its indexes; at most LIST_SCAN_BUDGET of those are then checked
 * against the other filters, so a page can be short while a NextToken remains.
 */
export function listSecretsPage(
  store: SqliteStore,
  body: Body,
  max: number,
  includeDeleted: boolean,
): { page: SecretRow[]; nextToken: string | undefined } {
  const order = readString(body, 'SortOrder') ?? 'asc';
  if (order !== 'asc' && order !== 'desc') {
    throw validationError(
      `Value '${order}' at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: [asc, desc]`,
    );
  }
  const desc = order === 'desc';
  const token = readString(body, 'NextToken', { min: 1, max: 4096 });
  const filters = readFilters(body) ?? [];
  const query = indexedQuery(filters, includeDeleted);
  let cursor = token === undefined ? undefined : decodeToken(token, desc).cursor;
  const page: SecretRow[] = [];
  let scanned = 0;
  // Whether rows after the cursor may remain: unknown until a short batch or a look-ahead row says.
  let more: boolean | undefined;
  while (more === undefined && page.length < max && scanned < LIST_SCAN_BUDGET) {
    // One row more than the page still needs: a full page then knows whether anything follows.
    const want = Math.min(max - page.length + 1, LIST_SCAN_BUDGET - scanned);
    const batch = store.secrets.matching(query, cursor, want, desc);
    for (const secret of batch) {
      if (page.length === max) {
        more = true;
        break;
      }
      scanned += 1;
      cursor = secret.id;
      if (matchesFilters(filters, secret)) page.push(secret);
    }
    if (more === undefined && batch.length < want) more = false;
  }
  more ??= store.secrets.matching(query, cursor, 1, desc).length > 0;
  const exhausted = !more;
  const nextToken = exhausted || cursor === undefined ? undefined : encodeToken({ cursor, desc });
  return { page, nextToken };
}
