/**
 * A fetch-based client for the broker's HTTP API (docs/design.md §4). It speaks to the local server
 * unsigned and to a deployed API with SigV4; it turns every failure into a {@link CliError}.
 */
import type * as z from 'zod/mini';
import { MAX_BATCH_GET_KEYS } from '../core/bulk.js';
import {
  BatchGetResponse,
  CleanupResponse,
  DeletedListResponse,
  DeletedScopedListResponse,
  ListResponse,
  PutSecretResponse,
  RestoreResponse,
  RestoreScopedResponse,
  SecretResponse,
} from '../core/http/responses.js';
import { type Endpoint, unreachableHint } from './endpoint.js';
import { ApiError, NotBrokerError, TransportError, UnaddressableError } from './errors.js';
import { apiErrorOf, connectionReasonOf, notBrokerError, parseJson, reasonOf } from './responses.js';
import type { OutgoingRequest, RequestSigner } from './signer.js';

/** Whose secrets a call is about: the user's, or one scope's system secrets. */
export type Target = { readonly kind: 'user' } | { readonly kind: 'scope'; readonly scope: string };

/** The result of a write. */
export interface PutResult {
  /** Key (or scoped name) written. */
  readonly key: string;
  /** Version id of the new value. */
  readonly version: string;
  /** True when the secret did not exist before (201), false when it was updated (200). */
  readonly created: boolean;
}

/** A deleted key (or scoped name) and its dates, whichever route listed it. */
export interface DeletedKey {
  /** Key, or name within the scope. */
  readonly key: string;
  /** When it was deleted (ISO 8601). */
  readonly deletedAt: string;
  /** When it will be purged for good (ISO 8601). */
  readonly purgeAt: string;
}

/** One page of deleted keys. */
export interface DeletedPage {
  /** Deleted keys on this page (may be empty while `next` is set). */
  readonly keys: DeletedKey[];
  /** Token of the next page; absent on the last one. */
  readonly next?: string;
}

/** Which earlier value `getVersion` reads: `previous`, or a version id. */
export type VersionChoice = { readonly previous: true } | { readonly id: string };

/** Options of {@link BrokerClient}. */
export interface BrokerClientOptions {
  /** Where to send requests. */
  readonly endpoint: Endpoint;
  /**
   * Signs each request; absent means unsigned (the local server).
   * @default no signing
   */
  readonly signer?: RequestSigner | undefined;
  /**
   * How long one request may take before it is abandoned, in milliseconds.
   * @default 30000
   */
  readonly timeoutMs?: number;
}

interface Call {
  readonly method: 'GET' | 'PUT' | 'DELETE' | 'POST';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
}

/** One path segment for a key, scope or name; dot segments would be collapsed by URL parsing. */
export function pathSegment(what: string, text: string): string {
  if (text === '' || text === '.' || text === '..') {
    throw new UnaddressableError(
      `${what} ${JSON.stringify(text)} is invalid: it cannot be sent as a URL path segment`,
    );
  }
  return encodeURIComponent(text);
}

/** The path of a target's deleted-key listing. */
function deletedPath(target: Target): string {
  return target.kind === 'user'
    ? '/v1/deleted-secrets'
    : `/v1/scopes/${pathSegment('scope', target.scope)}/deleted-secrets`;
}

/** The base path of a target's secrets, e.g. `/v1/secrets` or `/v1/scopes/workloads/secrets`. */
function targetPath(target: Target): string {
  return target.kind === 'user' ? '/v1/secrets' : `/v1/scopes/${pathSegment('scope', target.scope)}/secrets`;
}

/** Client of the broker API. */
export class BrokerClient {
  private readonly timeoutMs: number;

  constructor(private readonly options: BrokerClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Reads one page of keys. */
  async listPage(
    target: Target,
    page: { limit?: number | undefined; next?: string | undefined } = {},
  ): Promise<ListResponse> {
    const query = { limit: page.limit === undefined ? undefined : String(page.limit), next: page.next };
    const { body } = await this.call({ method: 'GET', path: targetPath(target), query }, ListResponse);
    return body;
  }

  /** Reads one page of deleted keys, with when each was deleted and will be purged. */
  async listDeletedPage(
    target: Target,
    page: { limit?: number | undefined; next?: string | undefined } = {},
  ): Promise<DeletedPage> {
    const query = { limit: page.limit === undefined ? undefined : String(page.limit), next: page.next };
    const path = deletedPath(target);
    if (target.kind === 'user') {
      const { body } = await this.call({ method: 'GET', path, query }, DeletedListResponse);
      return withNext(body.items, body.next);
    }
    const { body } = await this.call({ method: 'GET', path, query }, DeletedScopedListResponse);
    return withNext(
      body.items.map(({ name, ...dates }) => ({ key: name, ...dates })),
      body.next,
    );
  }

  /** Restores a deleted secret; `not_deleted` when it is live, `not_found` when it does not exist. */
  async restore(target: Target, key: string): Promise<void> {
    const path = `${this.keyPath(target, key)}/restore`;
    if (target.kind === 'user') await this.call({ method: 'POST', path }, RestoreResponse);
    else await this.call({ method: 'POST', path }, RestoreScopedResponse);
  }

  /** Reads an earlier value of a secret: the previous one, or a version id. */
  async getVersion(target: Target, key: string, version: VersionChoice): Promise<SecretResponse> {
    const segment = 'previous' in version ? 'previous' : pathSegment('version', version.id);
    const path = `${this.keyPath(target, key)}/versions/${segment}`;
    const { body } = await this.call({ method: 'GET', path }, SecretResponse);
    return body;
  }

  /** Reads a secret; throws {@link ApiError} `not_found` when it does not exist. */
  async get(target: Target, key: string): Promise<SecretResponse> {
    const { body } = await this.call({ method: 'GET', path: this.keyPath(target, key) }, SecretResponse);
    return body;
  }

  /**
   * Reads several secrets of one target with one request (`POST /v1/batch-get` or
   * `/v1/scopes/{scope}/batch-get`): all or nothing, the broker answers every name or an error.
   * Returns the values in a map without a prototype, so no name can collide with one.
   */
  async batchGet(target: Target, names: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(names)];
    const { body } =
      target.kind === 'user'
        ? await this.call({ method: 'POST', path: '/v1/batch-get', body: { keys: unique } }, BatchGetResponse)
        : await this.call(
            {
              method: 'POST',
              path: `/v1/scopes/${pathSegment('scope', target.scope)}/batch-get`,
              body: { names: unique },
            },
            BatchGetResponse,
          );
    const values = new Map<string, string>();
    for (const name of unique) {
      const value = Object.hasOwn(body.values, name) ? body.values[name] : undefined;
      // An answer that lacks a name it was asked for is not the broker's all-or-nothing answer.
      if (value === undefined)
        throw new NotBrokerError(
          `the answer from ${this.options.endpoint.baseUrl} lacks a requested name: check --endpoint`,
        );
      values.set(name, value);
    }
    return values;
  }

  /**
   * Reads any number of secrets of one target: one {@link batchGet} per {@link MAX_BATCH_GET_KEYS}
   * distinct names, in order; the first refusal or missing name stops it.
   */
  async batchGetAll(target: Target, names: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(names)];
    const values = new Map<string, string>();
    for (let at = 0; at < unique.length; at += MAX_BATCH_GET_KEYS) {
      const batch = await this.batchGet(target, unique.slice(at, at + MAX_BATCH_GET_KEYS));
      for (const [name, value] of batch) values.set(name, value);
    }
    return values;
  }

  /** Creates or updates a secret. */
  async put(target: Target, key: string, value: string, description?: string): Promise<PutResult> {
    const { status, body } = await this.call(
      { method: 'PUT', path: this.keyPath(target, key), body: { value, description } },
      PutSecretResponse,
    );
    return { ...body, created: status === 201 };
  }

  /** Deletes a secret; throws {@link ApiError} `not_found` when it does not exist. */
  async delete(target: Target, key: string): Promise<void> {
    await this.call({ method: 'DELETE', path: this.keyPath(target, key) }, undefined);
  }

  /** Deletes every secret of a scope; returns how many were deleted. */
  async cleanup(scope: string): Promise<number> {
    const { body } = await this.call(
      { method: 'DELETE', path: targetPath({ kind: 'scope', scope }) },
      CleanupResponse,
    );
    return body.deleted;
  }

  private keyPath(target: Target, key: string): string {
    return `${targetPath(target)}/${pathSegment(target.kind === 'user' ? 'key' : 'name', key)}`;
  }

  private async call<T>(call: Call, schema: z.ZodMiniType<T>): Promise<{ status: number; body: T }>;
  private async call(call: Call, schema: undefined): Promise<{ status: number; body: undefined }>;
  private async call<T>(
    call: Call,
    schema: z.ZodMiniType<T> | undefined,
  ): Promise<{ status: number; body: T | undefined }> {
    const request = this.outgoing(call);
    const { signer } = this.options;
    const headers = signer ? await sign(signer, request) : { ...request.headers };
    let response: Response;
    let text: string;
    try {
      response = await fetch(request.url, {
        method: request.method,
        headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const { endpoint } = this.options;
      throw new TransportError(
        `cannot reach the broker at ${endpoint.baseUrl} (${connectionReasonOf(error)}): ${unreachableHint(endpoint)}`,
        { cause: error },
      );
    }
    const { baseUrl } = this.options.endpoint;
    if (!response.ok) throw apiErrorOf(response, text, baseUrl);
    // The broker answers a delete with 204 and everything else with its JSON body: any other
    // success came from something else, which must not be taken for a done delete or an empty list.
    if (schema === undefined) {
      if (response.status !== 204) throw notBrokerError(baseUrl, response);
      return { status: response.status, body: undefined };
    }
    const parsed = schema.safeParse(parseJson(text));
    if (!parsed.success) throw notBrokerError(baseUrl, response);
    return { status: response.status, body: parsed.data };
  }

  private outgoing(call: Call): OutgoingRequest {
    const url = new URL(`${this.options.endpoint.baseUrl}${call.path}`);
    for (const [name, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (call.body === undefined) return { method: call.method, url, headers };
    headers['content-type'] = 'application/json';
    return { method: call.method, url, headers, body: JSON.stringify(call.body) };
  }
}

function withNext(keys: DeletedKey[], next: string | undefined): DeletedPage {
  return next === undefined ? { keys } : { keys, next };
}

async function sign(signer: RequestSigner, request: OutgoingRequest): Promise<Record<string, string>> {
  try {
    return await signer(request);
  } catch (error) {
    throw new TransportError(`cannot sign the request with AWS credentials: ${reasonOf(error)}`, {
      cause: error,
    });
  }
}
