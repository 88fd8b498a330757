/**
 * The adapter's contract: SecretsManagerStore through the real SDK over HTTP. Called once per
 * endpoint (embedded, moto, or an external one) so each is held to the same behaviour.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  ListSecretsCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidKeyError, SecretNotFoundError, ValueTooLargeError } from '../../core/index.js';
import { migrationFlagReader } from '../../lambda/aws/migration-flag.js';
import { SecretsManagerStore } from '../../lambda/aws/secrets-manager-store.js';
import { secretsManagerClient, ssmClient, type TestEndpoint } from '../support/endpoints.js';
import { type Divergence, itFollowingReference } from '../support/moto.js';
import { allPages, pages } from '../support/paging.js';

/** Registers the adapter contract suite against the endpoint `start` gives. */
export function storeContract(
  label: string,
  start: () => Promise<TestEndpoint>,
  divergences: ReadonlySet<Divergence> = new Set(),
): void {
  describe(`SecretsManagerStore contract (${label})`, () => {
    /** A case that holds on AWS but not on an emulator with the named divergence. */
    const itPerReference = itFollowingReference(divergences);
    let endpoint: TestEndpoint;
    let client: SecretsManagerClient;
    let ssm: SSMClient;
    // A fresh lower-case root per suite: runs never see each other's secrets.
    const root = `ct${randomUUID().replace(/-/g, '').slice(0, 10)}/`;
    // The scope's role, and the role this suite's own calls act as where IAM is enforced (the
    // embedded endpoint treats a key it does not know as admin): a system secret's policy must let
    // the suite read back what it wrote, as it would have to on AWS.
    const policyRoles = [
      'arn:aws:iam::000000000000:role/workloads-fn',
      'arn:aws:iam::000000000000:role/admin',
    ];
    let store: SecretsManagerStore;

    beforeAll(async () => {
      endpoint = await start();
      client = secretsManagerClient(endpoint.secretsManagerUrl);
      ssm = ssmClient(endpoint.ssmUrl);
      store = new SecretsManagerStore({ client, root, systemPolicyPrincipals: policyRoles });
    });

    afterAll(async () => {
      if (endpoint && !endpoint.embedded) await removeRunSecrets();
      client?.destroy();
      ssm?.destroy();
      await endpoint?.close();
    });

    /** Leaves nothing behind on a shared external endpoint: every name under this run's roots. */
    async function removeRunSecrets(): Promise<void> {
      const listed = pages(
        (token) =>
          client.send(
            new ListSecretsCommand({
              Filters: [{ Key: 'name', Values: [root.slice(0, -1), root.slice(0, -1).toUpperCase()] }],
              IncludePlannedDeletion: true,
              NextToken: token,
            }),
          ),
        (page) => page.NextToken || undefined,
      );
      for await (const page of listed)
        for (const secret of page.SecretList ?? [])
          await client
            .send(new DeleteSecretCommand({ SecretId: secret.ARN, ForceDeleteWithoutRecovery: true }))
            .catch(() => undefined);
    }

    const describeSecret = (key: string) =>
      client.send(new DescribeSecretCommand({ SecretId: `${root}${key}` }));

    it('creates a new secret and reports it as created', async () => {
      const result = await store.put('create-1', 'v1');
      expect(result.created).toBe(true);
      expect(result.version).not.toBe('');
    });

    it('reads back the value and version it wrote', async () => {
      const written = await store.put('read-1', 'hello');
      expect(await store.get('read-1')).toMatchObject({
        key: 'read-1',
        value: 'hello',
        version: written.version,
      });
    });

    it('updates an existing secret with a new version', async () => {
      const first = await store.put('update-1', 'a');
      const second = await store.put('update-1', 'b');
      expect(second.created).toBe(false);
      expect(second.version).not.toBe(first.version);
      expect((await store.get('update-1')).value).toBe('b');
    });

    it('stores the secret under root + key', async () => {
      await store.put('named-1', 'v');
      expect((await describeSecret('named-1')).Name).toBe(`${root}named-1`);
    });

    it('tags a user secret thv:owner=user', async () => {
      await store.put('tag-user', 'v');
      expect((await describeSecret('tag-user')).Tags).toEqual([{ Key: 'thv:owner', Value: 'user' }]);
    });

    it('tags a system secret with its scope', async () => {
      await store.put('__thv_workloads_tag', 'v', { scope: 'workloads' });
      expect((await describeSecret('__thv_workloads_tag')).Tags).toEqual([
        { Key: 'thv:scope', Value: 'workloads' },
      ]);
    });

    it('attaches the deny-all-but resource policy to a system secret', async () => {
      await store.put('__thv_workloads_pol', 'v', { scope: 'workloads' });
      const out = await client.send(new GetResourcePolicyCommand({ SecretId: `${root}__thv_workloads_pol` }));
      const policy = JSON.parse(out.ResourcePolicy ?? '{}');
      expect(policy.Statement[0]).toMatchObject({
        Effect: 'Deny',
        Principal: '*',
        Action: 'secretsmanager:*',
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': policyRoles } },
      });
    });

    it('updates a system secret with one call, its policy kept from the create; a keyed write re-applies it', async () => {
      const counted = secretsManagerClient(endpoint.secretsManagerUrl);
      const sent: string[] = [];
      counted.middlewareStack.add(
        (next, context) => (args) => {
          sent.push(String(context.commandName));
          return next(args);
        },
        { step: 'initialize' },
      );
      const writer = new SecretsManagerStore({ client: counted, root, systemPolicyPrincipals: policyRoles });
      try {
        await writer.put('__thv_workloads_upd', 'v1', { scope: 'workloads' });
        expect(sent).toEqual(['PutSecretValueCommand', 'CreateSecretCommand', 'PutResourcePolicyCommand']);
        sent.length = 0;
        await writer.put('__thv_workloads_upd', 'v2', { scope: 'workloads' });
        expect(sent).toEqual(['PutSecretValueCommand']);
        // A write with a request token may be the retry of a create cut before its policy.
        sent.length = 0;
        await writer.put('__thv_workloads_upd', 'v3', { scope: 'workloads', requestToken: randomUUID() });
        expect(sent).toEqual(['PutSecretValueCommand', 'PutResourcePolicyCommand']);
      } finally {
        counted.destroy();
      }
      const out = await client.send(new GetResourcePolicyCommand({ SecretId: `${root}__thv_workloads_upd` }));
      expect(JSON.parse(out.ResourcePolicy ?? '{}').Statement[0]).toMatchObject({ Effect: 'Deny' });
    });

    it('attaches no resource policy to a user secret', async () => {
      await store.put('nopolicy-1', 'v');
      const out = await client.send(new GetResourcePolicyCommand({ SecretId: `${root}nopolicy-1` }));
      expect(out.ResourcePolicy ?? undefined).toBeUndefined();
    });

    it('stores the description given on create', async () => {
      await store.put('desc-1', 'v', { description: 'the GitHub token' });
      expect((await describeSecret('desc-1')).Description).toBe('the GitHub token');
    });

    it('throws SecretNotFoundError for a missing secret', async () => {
      await expect(store.get('missing-1')).rejects.toThrow(SecretNotFoundError);
    });

    it('makes a deleted secret unreadable', async () => {
      await store.put('del-1', 'v');
      await store.delete('del-1');
      await expect(store.get('del-1')).rejects.toThrow(SecretNotFoundError);
    });

    it('deletes with a recovery window by default', async () => {
      await store.put('del-window', 'v');
      await store.delete('del-window');
      expect((await describeSecret('del-window')).DeletedDate).toBeInstanceOf(Date);
    });

    it('deletes at once when forced', async () => {
      await store.put('del-force', 'v');
      await store.delete('del-force', { force: true });
      await expect(describeSecret('del-force')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    });

    it('throws SecretNotFoundError when deleting a missing secret', async () => {
      await expect(store.delete('missing-2')).rejects.toThrow(SecretNotFoundError);
    });

    it('throws SecretNotFoundError when deleting a secret already scheduled for deletion', async () => {
      await store.put('del-twice', 'v');
      await store.delete('del-twice');
      await expect(store.delete('del-twice')).rejects.toThrow(SecretNotFoundError);
    });

    it('deletes several secrets and reports the missing ones', async () => {
      await store.put('bulk-a', 'v');
      await store.put('bulk-b', 'v');
      const result = await store.deleteMany(['bulk-a', 'bulk-missing', 'bulk-b', 'bulk-a']);
      expect(result).toEqual({ deleted: ['bulk-a', 'bulk-b'], missing: ['bulk-missing'] });
      await expect(store.get('bulk-b')).rejects.toThrow(SecretNotFoundError);
    });

    itPerReference(
      'putOnScheduled',
      'writes the new value over a secret scheduled for deletion',
      async () => {
        await store.put('restore-1', 'old');
        await store.delete('restore-1');
        const result = await store.put('restore-1', 'new');
        expect(result.created).toBe(true);
        expect((await store.get('restore-1')).value).toBe('new');
        expect((await describeSecret('restore-1')).DeletedDate).toBeUndefined();
      },
    );

    itPerReference(
      'putOnScheduled',
      'gives the deleted secret up for good when it is set again: none of its versions remain',
      async () => {
        const old = await store.put('recreate-1', 'old');
        await store.delete('recreate-1');
        await store.put('recreate-1', 'new');
        const versions = Object.keys((await describeSecret('recreate-1')).VersionIdsToStages ?? {});
        expect(versions).not.toContain(old.version);
        expect(versions).toHaveLength(1);
      },
    );

    itPerReference(
      'putOnScheduled',
      'recreates a deleted system secret with its scope tag, resource policy and request token',
      async () => {
        await store.put('__thv_workloads_recreate', 'old', { scope: 'workloads' });
        await store.delete('__thv_workloads_recreate');
        const token = randomUUID();
        const result = await store.put('__thv_workloads_recreate', 'new', {
          scope: 'workloads',
          requestToken: token,
        });
        // Checked before the retry below, which would re-apply the policy whatever the recreate did.
        const policy = await client.send(
          new GetResourcePolicyCommand({ SecretId: `${root}__thv_workloads_recreate` }),
        );
        expect(JSON.parse(policy.ResourcePolicy ?? '{}').Statement[0]).toMatchObject({ Effect: 'Deny' });
        const again = await store.put('__thv_workloads_recreate', 'new', {
          scope: 'workloads',
          requestToken: token,
        });
        expect([result.version, again.version]).toEqual([token, token]);
        expect((await describeSecret('__thv_workloads_recreate')).Tags).toEqual([
          { Key: 'thv:scope', Value: 'workloads' },
        ]);
      },
    );

    it('round-trips a value of exactly 65,536 bytes', async () => {
      const value = 'x'.repeat(65_536);
      await store.put('big-ok', value);
      expect((await store.get('big-ok')).value).toBe(value);
    });

    it('refuses a value of 65,537 bytes before calling Secrets Manager', async () => {
      await expect(store.put('big-no', 'x'.repeat(65_537))).rejects.toThrow(ValueTooLargeError);
      await expect(describeSecret('big-no')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    });

    it.each(['arn:aws:secretsmanager:us-east-1:000000000000:secret:x', 'a/b', '', 'a b'])(
      'never sends %j as a SecretId',
      async (key) => {
        await expect(store.get(key)).rejects.toThrow(InvalidKeyError);
      },
    );

    it('pages through every key, whatever the page size', async () => {
      const paged = new SecretsManagerStore({ client, root: `${root.slice(0, -1)}pg/` });
      const keys = Array.from({ length: 7 }, (_, i) => `page-${i}`);
      for (const key of keys) await paged.put(key, 'v');
      const listed = await allPages(
        (next) => paged.listPage({ limit: 3, ...(next === undefined ? {} : { next }) }),
        (page) => page.next,
      );
      expect(listed.flatMap((page) => page.items.map((i) => i.key)).sort()).toEqual(keys);
    });

    it('lists by key prefix within the root', async () => {
      const listed = new SecretsManagerStore({ client, root: `${root.slice(0, -1)}lp/` });
      await listed.put('alpha-1', 'v');
      await listed.put('beta-1', 'v');
      const page = await listed.listPage({ prefix: 'alpha', limit: 100 });
      expect(page.items.map((i) => i.key)).toEqual(['alpha-1']);
    });

    it('leaves out names under the root in another letter case', async () => {
      const cased = `${root.slice(0, -1)}cs/`;
      const listed = new SecretsManagerStore({ client, root: cased });
      await listed.put('mine', 'v');
      await client.send(new CreateSecretCommand({ Name: `${cased.toUpperCase()}theirs`, SecretString: 'v' }));
      const page = await listed.listPage({ limit: 100 });
      expect(page.items.map((i) => i.key)).toEqual(['mine']);
    });

    it('leaves deleted secrets out of a listing', async () => {
      const listed = new SecretsManagerStore({ client, root: `${root.slice(0, -1)}dl/` });
      await listed.put('kept', 'v');
      await listed.put('gone', 'v');
      await listed.delete('gone');
      const page = await listed.listPage({ limit: 100 });
      expect(page.items.map((i) => i.key)).toEqual(['kept']);
    });

    it('answers a repeated request token with the same version', async () => {
      const token = randomUUID();
      await store.put('idem-1', 'first');
      const a = await store.put('idem-1', 'same', { requestToken: token });
      const b = await store.put('idem-1', 'same', { requestToken: token });
      expect(b.version).toBe(a.version);
    });

    it('lets concurrent writers of a new key all succeed with one value left', async () => {
      const values = Array.from({ length: 10 }, (_, i) => `writer-${i}`);
      const results = await Promise.allSettled(values.map((v) => store.put('race-1', v)));
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(values).toContain((await store.get('race-1')).value);
    });

    it('reads the migration flag as unset when the parameter is missing', async () => {
      const read = migrationFlagReader(ssm, `/${root}missing-flag`);
      expect(await read()).toBe(false);
    });

    it('reads the migration flag as done once the parameter says so', async () => {
      const name = `/${root}flag`;
      await ssm.send(new PutParameterCommand({ Name: name, Value: 'done {"moved":3}', Type: 'String' }));
      expect(await migrationFlagReader(ssm, name)()).toBe(true);
    });

    it('reads any other flag value as not done', async () => {
      const name = `/${root}flag-pending`;
      await ssm.send(new PutParameterCommand({ Name: name, Value: 'running', Type: 'String' }));
      expect(await migrationFlagReader(ssm, name)()).toBe(false);
    });
  });
}
