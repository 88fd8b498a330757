/**
 * The adapter's restore, deleted listing and version reads: SecretsManagerStore through
 * the real SDK over HTTP, against the embedded endpoint and, where it is installed, moto.
 */
import { randomUUID } from 'node:crypto';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidKeyError,
  NotDeletedError,
  OWNER_TAG,
  SCOPE_TAG,
  SecretNotFoundError,
  USER_OWNER,
  VersionNotFoundError,
} from '../../core/index.js';
import { SecretsManagerStore } from '../../lambda/aws/secrets-manager-store.js';
import { embeddedEndpoint, secretsManagerClient, type TestEndpoint } from '../support/endpoints.js';
import { type Divergence, itFollowingReference, onMoto } from '../support/moto.js';
import { allPages } from '../support/paging.js';

const DAY_MS = 86_400_000;
const USER = { key: OWNER_TAG, value: USER_OWNER };

function restoreContract(
  label: string,
  start: () => Promise<TestEndpoint>,
  divergences: ReadonlySet<Divergence> = new Set(),
): void {
  describe(`SecretsManagerStore restore and versions (${label})`, () => {
    const itPerReference = itFollowingReference(divergences);
    let endpoint: TestEndpoint;
    let client: SecretsManagerClient;
    const root = `rv${randomUUID().replace(/-/g, '').slice(0, 10)}/`;
    let store: SecretsManagerStore;

    beforeAll(async () => {
      endpoint = await start();
      client = secretsManagerClient(endpoint.secretsManagerUrl);
      // A window other than the default, so a purge time computed from anything else shows.
      store = new SecretsManagerStore({ client, root, recoveryWindowDays: 9 });
    });

    afterAll(async () => {
      client?.destroy();
      await endpoint?.close();
    });

    /** Every deleted row under `prefix`, through the store's own paging. */
    async function deletedRows(prefix: string, tag = USER) {
      const listed = await allPages(
        (next) =>
          store.listPage({ prefix, tag, deleted: true, limit: 100, ...(next === undefined ? {} : { next }) }),
        (page) => page.next,
      );
      return listed.flatMap((page) => page.items);
    }

    it('reads the previous value by AWSPREVIOUS', async () => {
      await store.put('v-prev', 'first');
      await store.put('v-prev', 'second');
      expect((await store.getVersion('v-prev', 'previous')).value).toBe('first');
    });

    it('reads a value by the version id its write returned', async () => {
      const { version } = await store.put('v-id', 'first');
      await store.put('v-id', 'second');
      expect(await store.getVersion('v-id', { id: version })).toMatchObject({ value: 'first', version });
    });

    it('reports no previous version of a secret written once as VersionNotFoundError', async () => {
      await store.put('v-once', 'only');
      await expect(store.getVersion('v-once', 'previous')).rejects.toThrow(VersionNotFoundError);
    });

    it('reports an unknown version id as VersionNotFoundError', async () => {
      await store.put('v-unknown', 'x');
      await expect(store.getVersion('v-unknown', { id: randomUUID() })).rejects.toThrow(VersionNotFoundError);
    });

    it('reports a version of a missing secret as VersionNotFoundError', async () => {
      await expect(store.getVersion('v-missing', 'previous')).rejects.toThrow(VersionNotFoundError);
    });

    it('reports a version of a deleted secret as VersionNotFoundError', async () => {
      await store.put('v-deleted', 'a');
      await store.put('v-deleted', 'b');
      await store.delete('v-deleted');
      await expect(store.getVersion('v-deleted', 'previous')).rejects.toThrow(VersionNotFoundError);
    });

    it('refuses an invalid key on a version read before calling Secrets Manager', async () => {
      await expect(store.getVersion('a/b', 'previous')).rejects.toThrow(InvalidKeyError);
    });

    it('restores a deleted secret with its value and previous version', async () => {
      await store.put('r-back', 'old');
      await store.put('r-back', 'new');
      await store.delete('r-back');
      await store.restore('r-back', { tag: USER });
      expect([
        (await store.get('r-back')).value,
        (await store.getVersion('r-back', 'previous')).value,
      ]).toEqual(['new', 'old']);
    });

    it('throws NotDeletedError on a restore of a live secret', async () => {
      await store.put('r-live', 'v');
      await expect(store.restore('r-live')).rejects.toThrow(NotDeletedError);
    });

    it('throws SecretNotFoundError on a restore of a secret that never existed', async () => {
      await expect(store.restore('r-never')).rejects.toThrow(SecretNotFoundError);
    });

    it('throws SecretNotFoundError on a restore of a force-deleted (purged) secret', async () => {
      await store.put('r-purged', 'v');
      await store.delete('r-purged', { force: true });
      await expect(store.restore('r-purged')).rejects.toThrow(SecretNotFoundError);
    });

    it('refuses to restore a deleted secret without the asked tag, and leaves it deleted', async () => {
      await store.put('r-system', 'v', { scope: 'workloads' });
      await store.delete('r-system');
      await expect(store.restore('r-system', { tag: USER })).rejects.toThrow(SecretNotFoundError);
      await expect(store.get('r-system')).rejects.toThrow(SecretNotFoundError);
    });

    it('lists only deleted secrets in a deleted listing, live ones only in a live listing', async () => {
      await store.put('lst-live', 'v');
      await store.put('lst-gone', 'v');
      await store.delete('lst-gone');
      const live = await store.listPage({ prefix: 'lst-', tag: USER, limit: 100 });
      expect([(await deletedRows('lst-')).map((r) => r.key), live.items.map((r) => r.key)]).toEqual([
        ['lst-gone'],
        ['lst-live'],
      ]);
    });

    itPerReference(
      'deletedDateIsDeletionTime',
      "gives a deleted row its deletion time and that plus the broker's recovery window as purge time",
      async () => {
        await store.put('dates-gone', 'v');
        const before = Date.now();
        await store.delete('dates-gone');
        const [row] = await deletedRows('dates-');
        const deletedAt = Date.parse(row?.deletedAt ?? '');
        expect(deletedAt).toBeGreaterThanOrEqual(before - 1000);
        expect(deletedAt).toBeLessThanOrEqual(Date.now() + 1000);
        expect(Date.parse(row?.purgeAt ?? '') - deletedAt).toBe(9 * DAY_MS);
      },
    );

    it('filters a deleted listing by tag, as the live one', async () => {
      await store.put('tag-user', 'v');
      await store.put('tag-sys', 'v', { scope: 'workloads' });
      for (const k of ['tag-user', 'tag-sys']) await store.delete(k);
      const scoped = await deletedRows('tag-', { key: SCOPE_TAG, value: 'workloads' });
      expect([(await deletedRows('tag-')).map((r) => r.key), scoped.map((r) => r.key)]).toEqual([
        ['tag-user'],
        ['tag-sys'],
      ]);
    });
  });
}

restoreContract('embedded local endpoint', () => embeddedEndpoint());

onMoto('SecretsManagerStore restore and versions (moto_server)', (start, divergences) =>
  restoreContract('moto_server', start, divergences),
);
