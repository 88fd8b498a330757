/**
 * A write over a deleted key (docs/design.md §2) is crash-consistent. The write is cut after each of its AWS
 * calls in turn (a client that dies after call N) against the embedded endpoint, through the real
 * SDK over HTTP; afterwards the key is either still deleted or holds the new value, never the
 * deleted one, and a retry of the same write with the same token finishes it. The endpoint keeps a
 * force-deleted name taken for two creates, as AWS's asynchronous deletion does, so the
 * create-retry path runs too.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretNotFoundError } from '../../core/index.js';
import { SecretsManagerStore } from '../../lambda/aws/secrets-manager-store.js';
import { type AwsEndpoint, startAwsEndpoint } from '../../local/aws/endpoint.js';
import { crashing, ProcessKilled } from '../support/crashing-client.js';
import { secretsManagerClient } from '../support/endpoints.js';

const ROOT = 'crash/';
const ROLE = 'arn:aws:iam::000000000000:role/workloads-fn';
const DELETED = 'the-deleted-value';
const NEW = 'the-new-value';

/** `deleted` or `new` (the two allowed states), or a description of anything else. */
async function stateOf(store: SecretsManagerStore, key: string): Promise<string> {
  try {
    const { value } = await store.get(key);
    return value === NEW ? 'new' : value === DELETED ? 'THE DELETED VALUE' : 'another value';
  } catch (error) {
    if (error instanceof SecretNotFoundError) return 'deleted';
    throw error;
  }
}

describe('a write over a deleted key, cut after each of its AWS calls', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'thv-crash-'));
  let endpoint: AwsEndpoint;
  let client: SecretsManagerClient;
  let store: SecretsManagerStore;
  const storeOver = (c: SecretsManagerClient) =>
    new SecretsManagerStore({ client: c, root: ROOT, systemPolicyPrincipals: [ROLE] });
  const dying: SecretsManagerClient[] = [];
  /** A client of its own that lets `alive` calls out and dies on the next; `sent` records them. */
  const dyingClient = (alive: number, sent: string[]): SecretsManagerClient => {
    const c = crashing(secretsManagerClient(endpoint.url), (call) => call.sent >= alive, sent);
    dying.push(c);
    return c;
  };

  beforeAll(async () => {
    endpoint = await startAwsEndpoint({ dataDir, deletionLagCreates: 2 });
    client = secretsManagerClient(endpoint.url);
    store = storeOver(client);
  });

  afterAll(async () => {
    for (const c of dying) c.destroy();
    client?.destroy();
    await endpoint?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A key that held DELETED and was deleted with the recovery window. */
  async function deletedKey(key: string, scope: string | undefined): Promise<void> {
    await store.put(key, DELETED, scope === undefined ? {} : { scope });
    await store.delete(key);
  }

  describe.each([
    ['a user key', 'USER_KEY', undefined],
    ['a system key', '__thv_workloads_SYS_KEY', 'workloads'],
  ])('on %s', (_what, base, scope) => {
    const options = (token: string) => ({ requestToken: token, ...(scope === undefined ? {} : { scope }) });

    it('never leaves the deleted value readable, and a retry with the same token finishes the write', async () => {
      // Prepare: how many calls a whole write makes (the endpoint refuses two creates first).
      const probe = `${base}_probe`;
      await deletedKey(probe, scope);
      const calls: string[] = [];
      await storeOver(dyingClient(Number.POSITIVE_INFINITY, calls)).put(probe, NEW, options(randomUUID()));
      expect(calls.length).toBeGreaterThan(1);
      const seen = new Set<string>();
      const problems: string[] = [];

      for (let alive = 1; alive < calls.length; alive += 1) {
        const key = `${base}_${alive}`;
        await deletedKey(key, scope);
        const token = randomUUID();
        const sent: string[] = [];
        // Act: the write dies after `alive` calls; then the same write is retried in full.
        await expect(storeOver(dyingClient(alive, sent)).put(key, NEW, options(token))).rejects.toThrow(
          ProcessKilled,
        );
        const afterCrash = await stateOf(store, key);
        seen.add(afterCrash);
        if (afterCrash !== 'deleted' && afterCrash !== 'new')
          problems.push(`cut after ${sent.join(' → ')}: ${afterCrash}`);
        const retried = await store.put(key, NEW, options(token));
        const final = await store.get(key);
        if (final.value !== NEW || final.version !== retried.version || retried.version !== token)
          problems.push(`cut after ${sent.join(' → ')}: the retry ended with ${await stateOf(store, key)}`);
        // The recreated secret carries the tags and resource policy of any first write.
        const described = await client.send(new DescribeSecretCommand({ SecretId: `${ROOT}${key}` }));
        expect(described.Tags).toEqual([
          scope === undefined ? { Key: 'thv:owner', Value: 'user' } : { Key: 'thv:scope', Value: scope },
        ]);
        const policy = await client.send(new GetResourcePolicyCommand({ SecretId: `${ROOT}${key}` }));
        expect(policy.ResourcePolicy !== undefined).toBe(scope !== undefined);
      }

      // Assess: only the two allowed states, and the cuts really landed on both sides.
      expect(problems).toEqual([]);
      expect([...seen].sort()).toEqual(scope === undefined ? ['deleted'] : ['deleted', 'new']);
    });
  });
});
