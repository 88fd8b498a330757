/**
 * The broker's HTTP API as tests call it: the status of each documented error code (the oracle), the
 * paths, and typed shortcuts for setting up and checking a test.
 */
import { expect } from 'vitest';
import { DEFAULT_SCOPES } from '../../core/namespace.js';
import { type RawResponse, send, sendJson } from './http.js';
import { allPages } from './paging.js';

/** Status of each documented error code (docs/design.md §4, plus 405 for a wrong method). */
export const STATUS_OF_CODE = {
  invalid_key: 400,
  invalid_body: 400,
  reserved_key: 403,
  // The function's own role was refused a key it may not write (e.g. an untagged pre-broker key).
  access_denied: 403,
  not_found: 404,
  unknown_scope: 404,
  method_not_allowed: 405,
  conflict: 409,
  // A restore of a key that is not deleted.
  not_deleted: 409,
  value_too_large: 413,
  throttled: 429,
  internal: 500,
} as const;

/** A documented error code. */
export type ErrorCode = keyof typeof STATUS_OF_CODE;

/** Path of a user key (encoded once, as a client would). */
export const userPath = (key: string) => `/v1/secrets/${encodeURIComponent(key)}`;

/** Path of a scoped name. */
export const scopePath = (scope: string, name: string) =>
  `/v1/scopes/${scope}/secrets/${encodeURIComponent(name)}`;

/** Asserts `response` is the documented error `code`: its status and a `{error,message,requestId}` body. */
export function expectError(response: RawResponse, code: ErrorCode): void {
  expect({ status: response.status, body: response.json }).toEqual({
    status: STATUS_OF_CODE[code],
    body: { error: code, message: expect.any(String), requestId: expect.any(String) },
  });
}

/** Writes a secret and asserts it was acknowledged; returns the version. */
export async function put(
  baseUrl: string,
  path: string,
  value: string,
  description?: string,
): Promise<string> {
  const response = await sendJson(baseUrl, 'PUT', path, { value, description });
  expect([200, 201], `PUT ${path} answered ${response.status} ${response.text}`).toContain(response.status);
  return (response.json as { version: string }).version;
}

/** Every key of a listing (user: `/v1/secrets`, scope: `/v1/scopes/s/secrets`), following `next`. */
export async function listAll(
  baseUrl: string,
  listPath: string,
  limit = 100,
): Promise<{ key: string; description?: string; updatedAt: string }[]> {
  type Page = { keys: { key: string; description?: string; updatedAt: string }[]; next?: string };
  const listed = await allPages(
    async (next) => {
      const query = `?limit=${limit}${next === undefined ? '' : `&next=${encodeURIComponent(next)}`}`;
      const response = await send(baseUrl, 'GET', `${listPath}${query}`);
      expect(response.status, response.text).toBe(200);
      return response.json as Page;
    },
    (page) => page.next,
  );
  return listed.flatMap((page) => page.keys);
}

/** Every key of the user listing and of each default scope (the local broker's): what "nothing changed" is compared on. */
export async function snapshot(baseUrl: string): Promise<Record<string, unknown>> {
  const all: Record<string, unknown> = { user: await listAll(baseUrl, '/v1/secrets') };
  for (const scope of DEFAULT_SCOPES) all[scope] = await listAll(baseUrl, `/v1/scopes/${scope}/secrets`);
  return all;
}
