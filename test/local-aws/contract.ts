/**
 * The local AWS endpoint's wire contract: every Secrets Manager and SSM operation it serves, through
 * the real SDK clients over HTTP. Called once per endpoint (embedded, moto, or any endpoint named by
 * CONTRACT_SECRETS_MANAGER_ENDPOINT) so the embedded endpoint is held to implementations nobody here
 * wrote. Where an emulator and the AWS API reference disagree, the reference decides: the case is
 * listed in `MOTO_DIVERGENCES` (test/support/moto.ts) and skipped for that emulator only.
 */
import { randomUUID } from 'node:crypto';
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DeleteResourcePolicyCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  type ListSecretsCommandInput,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  type SecretsManagerClient,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import {
  DeleteParameterCommand,
  GetParameterCommand,
  PutParameterCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretsManagerClient, ssmClient, type TestEndpoint } from '../support/endpoints.js';
import { type Divergence, itFollowingReference } from '../support/moto.js';
import { errorName } from '../support/outcome.js';
import { allPages, pages } from '../support/paging.js';

const DAY_MS = 86_400_000;

/** Registers the whole contract suite against the endpoint `start` gives. */
export function awsContract(
  label: string,
  start: () => Promise<TestEndpoint>,
  divergences: ReadonlySet<Divergence> = new Set(),
): void {
  describe(`local AWS wire contract (${label})`, () => {
    let endpoint: TestEndpoint;
    let sm: SecretsManagerClient;
    let ssm: SSMClient;
    // Unique per run: suites against a shared endpoint (real AWS, a long-lived moto) never collide.
    const prefix = `thv-ct-${randomUUID().slice(0, 8)}/`;
    const paramPrefix = `/thv-ct-${randomUUID().slice(0, 8)}/`;
    let counter = 0;
    const uniqueName = (label: string): string => {
      counter += 1;
      return `${prefix}${label}-${counter}`;
    };

    /** `it`, unless this endpoint is known to diverge from the reference on this case. */
    const itFollowsReference = itFollowingReference(divergences);

    beforeAll(async () => {
      endpoint = await start();
      sm = secretsManagerClient(endpoint.secretsManagerUrl);
      ssm = ssmClient(endpoint.ssmUrl);
    });

    afterAll(async () => {
      // Leave nothing behind on a shared endpoint: force-delete every secret of this run.
      if (sm) {
        const listed = pages(
          (token) =>
            sm.send(
              new ListSecretsCommand({
                Filters: [{ Key: 'name', Values: [prefix] }],
                IncludePlannedDeletion: true,
                NextToken: token,
              }),
            ),
          (page) => page.NextToken || undefined,
        );
        try {
          for await (const page of listed)
            for (const s of page.SecretList ?? [])
              await sm
                .send(new DeleteSecretCommand({ SecretId: s.ARN, ForceDeleteWithoutRecovery: true }))
                .catch(() => {});
        } catch {
          // A listing that fails leaves the rest behind; the suite's own results stand.
        }
      }
      sm?.destroy();
      ssm?.destroy();
      await endpoint?.close();
    });

    const create = (name: string, value = 'v1') =>
      sm.send(new CreateSecretCommand({ Name: name, SecretString: value }));
    const read = (secretId: string) => sm.send(new GetSecretValueCommand({ SecretId: secretId }));
    const stagesOf = async (secretId: string) =>
      (await sm.send(new DescribeSecretCommand({ SecretId: secretId }))).VersionIdsToStages ?? {};
    const scheduleDeletion = (name: string) =>
      sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
    const listAll = async (input: ListSecretsCommandInput) => {
      const listed = await allPages(
        (token) => sm.send(new ListSecretsCommand({ ...input, NextToken: token })),
        (page) => page.NextToken || undefined,
      );
      return {
        names: listed.flatMap((page) => (page.SecretList ?? []).map((s) => s.Name ?? '')),
        pageSizes: listed.map((page) => page.SecretList?.length ?? 0),
      };
    };

    describe('CreateSecret', () => {
      it('returns an ARN made of the name and a six-character suffix', async () => {
        const name = uniqueName('arn');

        const out = await create(name);

        expect(out.Name).toBe(name);
        expect(out.ARN).toMatch(
          new RegExp(`^arn:aws:secretsmanager:us-east-1:\\d{12}:secret:${name}-[A-Za-z0-9]{6}$`),
        );
      });

      it('refuses a second secret with the same name', async () => {
        const name = uniqueName('dup');
        await create(name);

        expect(await errorName(create(name, 'other'))).toBe('ResourceExistsException');
      });

      itFollowsReference(
        'nameCharset',
        'rejects a name with a character outside the allowed set',
        async () => {
          expect(await errorName(create(`${prefix}bad name!`))).toBe('InvalidParameterException');
        },
      );

      itFollowsReference('valueSize', 'rejects a string value larger than 65,536 bytes', async () => {
        expect(await errorName(create(uniqueName('big'), 'x'.repeat(65_537)))).toBe('ValidationException');
      });

      it('accepts a string value of exactly 65,536 bytes', async () => {
        const name = uniqueName('max');
        await create(name, 'x'.repeat(65_536));

        expect((await read(name)).SecretString).toHaveLength(65_536);
      });

      itFollowsReference('stringAndBinary', 'rejects a string and a binary value together', async () => {
        const out = sm.send(
          new CreateSecretCommand({
            Name: uniqueName('both'),
            SecretString: 'a',
            SecretBinary: Buffer.from('b'),
          }),
        );

        expect(await errorName(out)).toBe('InvalidParameterException');
      });

      it('answers a retried create (same token, same value) with the same version', async () => {
        const name = uniqueName('retry');
        const token = randomUUID();
        const first = await sm.send(
          new CreateSecretCommand({ Name: name, SecretString: 'v', ClientRequestToken: token }),
        );

        const again = await sm.send(
          new CreateSecretCommand({ Name: name, SecretString: 'v', ClientRequestToken: token }),
        );

        expect(again.VersionId).toBe(first.VersionId);
        expect(Object.keys(await stagesOf(name))).toEqual([first.VersionId]);
      });

      it('keeps the description and tags it was created with', async () => {
        const name = uniqueName('meta');
        await sm.send(
          new CreateSecretCommand({
            Name: name,
            SecretString: 'v',
            Description: 'for tests',
            Tags: [{ Key: 'thv:owner', Value: 'user' }],
          }),
        );

        const out = await sm.send(new DescribeSecretCommand({ SecretId: name }));

        expect(out.Description).toBe('for tests');
        expect(out.Tags).toEqual([{ Key: 'thv:owner', Value: 'user' }]);
      });
    });

    describe('GetSecretValue', () => {
      it('reads the current value by name', async () => {
        const name = uniqueName('byname');
        await create(name, 'hello');

        const out = await read(name);

        expect(out).toMatchObject({ Name: name, SecretString: 'hello', VersionStages: ['AWSCURRENT'] });
        expect(out.CreatedDate).toBeInstanceOf(Date);
      });

      it('reads by full ARN', async () => {
        const name = uniqueName('byarn');
        const { ARN } = await create(name, 'by-arn');

        expect((await read(ARN ?? '')).SecretString).toBe('by-arn');
      });

      it('reads by partial ARN (without the random suffix)', async () => {
        const name = uniqueName('partial');
        const { ARN = '' } = await create(name, 'by-partial');

        expect((await read(ARN.slice(0, -7))).SecretString).toBe('by-partial');
      });

      it('reports a missing secret as ResourceNotFoundException', async () => {
        expect(await errorName(read(uniqueName('missing')))).toBe('ResourceNotFoundException');
      });

      it('reads the previous value by the AWSPREVIOUS stage', async () => {
        const name = uniqueName('prev');
        await create(name, 'old');
        await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'new' }));

        const out = await sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }));

        expect(out.SecretString).toBe('old');
      });

      it('reads an older value by its VersionId', async () => {
        const name = uniqueName('byversion');
        const first = await create(name, 'first');
        await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'second' }));

        const out = await sm.send(new GetSecretValueCommand({ SecretId: name, VersionId: first.VersionId }));

        expect(out.SecretString).toBe('first');
      });

      it('reports AWSPREVIOUS of a secret written once as ResourceNotFoundException', async () => {
        const name = uniqueName('noprev');
        await create(name);

        const out = sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }));

        expect(await errorName(out)).toBe('ResourceNotFoundException');
      });

      it('reports an unknown VersionId as ResourceNotFoundException', async () => {
        const name = uniqueName('noversion');
        await create(name);

        const out = sm.send(new GetSecretValueCommand({ SecretId: name, VersionId: randomUUID() }));

        expect(await errorName(out)).toBe('ResourceNotFoundException');
      });

      it('refuses a VersionId and a VersionStage that do not belong together', async () => {
        const name = uniqueName('mismatch');
        const first = await create(name, 'first');
        await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'second' }));

        const out = sm.send(
          new GetSecretValueCommand({
            SecretId: name,
            VersionId: first.VersionId,
            VersionStage: 'AWSCURRENT',
          }),
        );

        expect(await errorName(out)).toBe('InvalidRequestException');
      });

      it('round-trips a binary value', async () => {
        const name = uniqueName('binary');
        const bytes = Uint8Array.from([0, 1, 2, 250, 255]);
        await sm.send(new CreateSecretCommand({ Name: name, SecretBinary: bytes }));

        const out = await read(name);

        expect(Buffer.from(out.SecretBinary ?? []).equals(Buffer.from(bytes))).toBe(true);
        expect(out.SecretString).toBeUndefined();
      });
    });

    describe('PutSecretValue', () => {
      it('makes the new version AWSCURRENT and the old one AWSPREVIOUS', async () => {
        const name = uniqueName('stages');
        const first = await create(name, 'a');

        const second = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'b' }));

        expect(second.VersionStages).toEqual(['AWSCURRENT']);
        const stages = await stagesOf(name);
        expect(stages[second.VersionId ?? '']).toEqual(['AWSCURRENT']);
        expect(stages[first.VersionId ?? '']).toEqual(['AWSPREVIOUS']);
      });

      it('drops AWSPREVIOUS from the version before the previous one', async () => {
        const name = uniqueName('third');
        const first = await create(name, 'a');
        await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'b' }));

        await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'c' }));

        // Unlabelled versions may be listed with no stages or left out; either way it carries none.
        expect((await stagesOf(name))[first.VersionId ?? ''] ?? []).toEqual([]);
      });

      itFollowsReference(
        'unlabelledVersions',
        'leaves versions without a stage out of VersionIdsToStages',
        async () => {
          const name = uniqueName('deprecated');
          const first = await create(name, 'a');
          await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'b' }));

          await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'c' }));

          expect(Object.keys(await stagesOf(name))).not.toContain(first.VersionId);
        },
      );

      it('answers a retried write (same token, same value) with the same version and adds none', async () => {
        const name = uniqueName('idem');
        await create(name, 'a');
        const token = randomUUID();
        const first = await sm.send(
          new PutSecretValueCommand({ SecretId: name, SecretString: 'b', ClientRequestToken: token }),
        );
        const before = await stagesOf(name);

        const again = await sm.send(
          new PutSecretValueCommand({ SecretId: name, SecretString: 'b', ClientRequestToken: token }),
        );

        expect(again.VersionId).toBe(first.VersionId);
        expect(await stagesOf(name)).toEqual(before);
      });

      it('refuses a reused token with a different value', async () => {
        const name = uniqueName('reuse');
        await create(name, 'a');
        const token = randomUUID();
        await sm.send(
          new PutSecretValueCommand({ SecretId: name, SecretString: 'b', ClientRequestToken: token }),
        );

        const out = sm.send(
          new PutSecretValueCommand({ SecretId: name, SecretString: 'c', ClientRequestToken: token }),
        );

        expect(await errorName(out)).toBe('ResourceExistsException');
        expect((await read(name)).SecretString).toBe('b');
      });

      it('reports a missing secret as ResourceNotFoundException', async () => {
        const out = sm.send(new PutSecretValueCommand({ SecretId: uniqueName('nope'), SecretString: 'x' }));

        expect(await errorName(out)).toBe('ResourceNotFoundException');
      });
    });

    describe('UpdateSecret', () => {
      it('writes a new current value', async () => {
        const name = uniqueName('upd');
        await create(name, 'a');

        const out = await sm.send(new UpdateSecretCommand({ SecretId: name, SecretString: 'b' }));

        expect(out.VersionId).toBeDefined();
        expect((await read(name)).SecretString).toBe('b');
      });

      it('changes only the description without creating a version', async () => {
        const name = uniqueName('desc');
        await create(name, 'a');
        const before = await stagesOf(name);

        await sm.send(new UpdateSecretCommand({ SecretId: name, Description: 'changed' }));

        const out = await sm.send(new DescribeSecretCommand({ SecretId: name }));
        expect(out.Description).toBe('changed');
        expect(out.VersionIdsToStages).toEqual(before);
      });

      it('accepts a KmsKeyId and reports it', async () => {
        const name = uniqueName('kms');
        await create(name, 'a');
        const key = 'arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555';

        await sm.send(new UpdateSecretCommand({ SecretId: name, KmsKeyId: key, SecretString: 'b' }));

        expect((await sm.send(new DescribeSecretCommand({ SecretId: name }))).KmsKeyId).toBe(key);
      });

      it('reports a missing secret as ResourceNotFoundException', async () => {
        const out = sm.send(new UpdateSecretCommand({ SecretId: uniqueName('nope'), SecretString: 'x' }));

        expect(await errorName(out)).toBe('ResourceNotFoundException');
      });
    });

    describe('DeleteSecret and RestoreSecret', () => {
      it('schedules deletion 30 days out by default', async () => {
        const name = uniqueName('del30');
        await create(name);

        const out = await sm.send(new DeleteSecretCommand({ SecretId: name }));

        expect(Math.abs((out.DeletionDate?.getTime() ?? 0) - (Date.now() + 30 * DAY_MS))).toBeLessThan(
          3_600_000,
        );
      });

      it('schedules deletion after the given recovery window', async () => {
        const name = uniqueName('del7');
        await create(name);

        const out = await scheduleDeletion(name);

        expect(Math.abs((out.DeletionDate?.getTime() ?? 0) - (Date.now() + 7 * DAY_MS))).toBeLessThan(
          3_600_000,
        );
      });

      it('rejects a recovery window shorter than 7 days', async () => {
        const name = uniqueName('del6');
        await create(name);

        const out = sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 6 }));

        expect(await errorName(out)).toBe('InvalidParameterException');
      });

      it('rejects a recovery window longer than 30 days', async () => {
        const name = uniqueName('del31');
        await create(name);

        const out = sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 31 }));

        expect(await errorName(out)).toBe('InvalidParameterException');
      });

      it('rejects a recovery window together with ForceDeleteWithoutRecovery', async () => {
        const name = uniqueName('delboth');
        await create(name);

        const out = sm.send(
          new DeleteSecretCommand({
            SecretId: name,
            RecoveryWindowInDays: 7,
            ForceDeleteWithoutRecovery: true,
          }),
        );

        expect(await errorName(out)).toBe('InvalidParameterException');
        expect((await read(name)).SecretString).toBe('v1');
      });

      it('makes a scheduled secret unreadable with InvalidRequestException', async () => {
        const name = uniqueName('sched-read');
        await create(name);
        await scheduleDeletion(name);

        expect(await errorName(read(name))).toBe('InvalidRequestException');
      });

      itFollowsReference('putOnScheduled', 'refuses a new value for a scheduled secret', async () => {
        const name = uniqueName('sched-put');
        await create(name);
        await scheduleDeletion(name);

        const out = sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'x' }));

        expect(await errorName(out)).toBe('InvalidRequestException');
      });

      it('refuses an update of a scheduled secret', async () => {
        const name = uniqueName('sched-upd');
        await create(name);
        await scheduleDeletion(name);

        const out = sm.send(new UpdateSecretCommand({ SecretId: name, SecretString: 'x' }));

        expect(await errorName(out)).toBe('InvalidRequestException');
      });

      itFollowsReference(
        'recreateScheduled',
        'refuses to recreate a name that is scheduled for deletion',
        async () => {
          const name = uniqueName('sched-create');
          await create(name);
          await scheduleDeletion(name);

          expect(await errorName(create(name, 'again'))).toBe('InvalidRequestException');
        },
      );

      it('refuses to schedule a secret that is already scheduled', async () => {
        const name = uniqueName('sched-twice');
        await create(name);
        await scheduleDeletion(name);

        expect(await errorName(scheduleDeletion(name))).toBe('InvalidRequestException');
      });

      it('still describes a scheduled secret, with its DeletedDate', async () => {
        const name = uniqueName('sched-desc');
        await create(name);
        await scheduleDeletion(name);

        const out = await sm.send(new DescribeSecretCommand({ SecretId: name }));

        expect(out.DeletedDate).toBeInstanceOf(Date);
      });

      it('removes a force-deleted secret at once', async () => {
        const name = uniqueName('force');
        await create(name);

        await sm.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));

        expect(await errorName(read(name))).toBe('ResourceNotFoundException');
      });

      it('lets a force-deleted name be created again', async () => {
        const name = uniqueName('force-again');
        await create(name, 'old');
        await sm.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));

        await create(name, 'new');

        expect((await read(name)).SecretString).toBe('new');
      });

      it('force-deletes a missing secret without an error', async () => {
        const out = sm.send(
          new DeleteSecretCommand({ SecretId: uniqueName('gone'), ForceDeleteWithoutRecovery: true }),
        );

        expect(await errorName(out)).toBe('no error');
      });

      it('reports deleting a missing secret with a recovery window as ResourceNotFoundException', async () => {
        expect(await errorName(scheduleDeletion(uniqueName('gone')))).toBe('ResourceNotFoundException');
      });

      it('restores a scheduled secret to readable', async () => {
        const name = uniqueName('restore');
        await create(name, 'kept');
        await scheduleDeletion(name);

        await sm.send(new RestoreSecretCommand({ SecretId: name }));

        expect((await read(name)).SecretString).toBe('kept');
      });

      itFollowsReference(
        'deletedDateIsDeletionTime',
        'reports when the deletion happened as DeletedDate, and the end of the window as DeletionDate',
        async () => {
          const name = uniqueName('sched-dates');
          await create(name);
          const before = Date.now();

          const deleted = await scheduleDeletion(name);
          const out = await sm.send(new DescribeSecretCommand({ SecretId: name }));

          // Second resolution on the wire: a second of slack either way.
          expect(out.DeletedDate?.getTime()).toBeGreaterThanOrEqual(before - 1000);
          expect(out.DeletedDate?.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
          expect((deleted.DeletionDate?.getTime() ?? 0) - (out.DeletedDate?.getTime() ?? 0)).toBeGreaterThan(
            7 * DAY_MS - 2000,
          );
        },
      );

      it('brings a restored secret back with its versions and stages', async () => {
        const name = uniqueName('restore-versions');
        await create(name, 'old');
        await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'new' }));
        await scheduleDeletion(name);

        await sm.send(new RestoreSecretCommand({ SecretId: name }));
        const previous = await sm.send(
          new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }),
        );

        expect([(await read(name)).SecretString, previous.SecretString]).toEqual(['new', 'old']);
      });

      it('answers restoring a live secret without an error and leaves it as it was', async () => {
        const name = uniqueName('restore-live');
        await create(name, 'live');

        const out = sm.send(new RestoreSecretCommand({ SecretId: name }));

        expect(await errorName(out)).toBe('no error');
        expect((await read(name)).SecretString).toBe('live');
      });

      it('refuses to read any version of a scheduled secret (InvalidRequestException)', async () => {
        const name = uniqueName('sched-version');
        await create(name, 'old');
        await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'new' }));
        await scheduleDeletion(name);

        const out = sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }));

        expect(await errorName(out)).toBe('InvalidRequestException');
      });

      it('reports restoring a missing secret as ResourceNotFoundException', async () => {
        const out = sm.send(new RestoreSecretCommand({ SecretId: uniqueName('nope') }));

        expect(await errorName(out)).toBe('ResourceNotFoundException');
      });
    });

    describe('ListSecrets', () => {
      it('returns exactly the secrets whose name starts with the filter', async () => {
        const group = `${uniqueName('list')}/`;
        await create(`${group}a`);
        await create(`${group}b`);
        // A sibling that shares the text before the slash but not the prefix itself.
        await create(`${group.slice(0, -1)}-other`);

        const { names } = await listAll({ Filters: [{ Key: 'name', Values: [group] }] });

        expect(names.sort()).toEqual([`${group}a`, `${group}b`]);
      });

      it('matches the name prefix case-sensitively, as the reference says', async () => {
        const group = `${uniqueName('Case')}/`;
        await create(`${group}a`);

        const { names } = await listAll({ Filters: [{ Key: 'name', Values: [group.toLowerCase()] }] });

        expect(names).toEqual([]);
      });

      it('pages with MaxResults and NextToken, without repeats or gaps', async () => {
        const group = `${uniqueName('page')}/`;
        const expected = ['1', '2', '3', '4', '5'].map((n) => `${group}${n}`);
        for (const name of expected) await create(name);

        const { names, pageSizes } = await listAll({
          Filters: [{ Key: 'name', Values: [group] }],
          MaxResults: 2,
        });

        expect(names.sort()).toEqual(expected);
        expect(Math.max(...pageSizes)).toBeLessThanOrEqual(2);
      });

      itFollowsReference('maxResultsRange', 'rejects MaxResults above 100', async () => {
        expect(await errorName(sm.send(new ListSecretsCommand({ MaxResults: 101 })))).toBe(
          'ValidationException',
        );
      });

      itFollowsReference('invalidNextToken', 'rejects a NextToken it did not issue', async () => {
        const out = sm.send(new ListSecretsCommand({ NextToken: 'not-a-token' }));

        expect(await errorName(out)).toBe('InvalidNextTokenException');
      });

      it('leaves out secrets scheduled for deletion', async () => {
        const group = `${uniqueName('hidden')}/`;
        await create(`${group}live`);
        await create(`${group}doomed`);
        await scheduleDeletion(`${group}doomed`);

        const { names } = await listAll({ Filters: [{ Key: 'name', Values: [group] }] });

        expect(names).toEqual([`${group}live`]);
      });

      it('includes secrets scheduled for deletion when asked', async () => {
        const group = `${uniqueName('planned')}/`;
        await create(`${group}live`);
        await create(`${group}doomed`);
        await scheduleDeletion(`${group}doomed`);

        const { names } = await listAll({
          Filters: [{ Key: 'name', Values: [group] }],
          IncludePlannedDeletion: true,
        });

        expect(names.sort()).toEqual([`${group}doomed`, `${group}live`]);
      });

      it('marks only the scheduled ones with a DeletedDate when including them', async () => {
        const group = `${uniqueName('planned-dates')}/`;
        await create(`${group}live`);
        await create(`${group}doomed`);
        await scheduleDeletion(`${group}doomed`);

        const page = await sm.send(
          new ListSecretsCommand({
            Filters: [{ Key: 'name', Values: [group] }],
            IncludePlannedDeletion: true,
          }),
        );

        expect((page.SecretList ?? []).map((s) => [s.Name, s.DeletedDate instanceof Date]).sort()).toEqual([
          [`${group}doomed`, true],
          [`${group}live`, false],
        ]);
      });

      describe('Filters (reference: tag-key and tag-value are case-sensitive prefix matches, `!` negates)', () => {
        let group: string;
        const tagged = (name: string, tags: { Key: string; Value: string }[]) =>
          sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v', Tags: tags }));
        const names = async (filters: ListSecretsCommandInput['Filters']) =>
          (await listAll({ Filters: [{ Key: 'name', Values: [group] }, ...(filters ?? [])] })).names.sort();

        beforeAll(async () => {
          group = `${uniqueName('filters')}/`;
          // The broker's own layout: user secrets tagged thv:owner=user, system secrets thv:scope=<scope>.
          await tagged(`${group}user-a`, [{ Key: 'thv:owner', Value: 'user' }]);
          await tagged(`${group}__thv_workloads_t`, [{ Key: 'thv:scope', Value: 'workloads' }]);
          await tagged(`${group}__thv_registry_t`, [{ Key: 'thv:scope', Value: 'registry' }]);
          await create(`${group}legacy`);
        });

        it('keeps the secrets with a tag key that starts with the value', async () => {
          expect(await names([{ Key: 'tag-key', Values: ['thv:sco'] }])).toEqual([
            `${group}__thv_registry_t`,
            `${group}__thv_workloads_t`,
          ]);
        });

        it('matches a tag key case-sensitively', async () => {
          expect(await names([{ Key: 'tag-key', Values: ['THV:owner'] }])).toEqual([]);
        });

        it('keeps the secrets with a tag value that starts with the value', async () => {
          expect(await names([{ Key: 'tag-value', Values: ['work'] }])).toEqual([
            `${group}__thv_workloads_t`,
          ]);
        });

        it('ANDs filters: a user listing by name, tag key and tag value', async () => {
          const filters = [
            { Key: 'tag-key' as const, Values: ['thv:owner'] },
            { Key: 'tag-value' as const, Values: ['user'] },
          ];

          expect(await names(filters)).toEqual([`${group}user-a`]);
        });

        it('ANDs filters: a scope listing by name prefix, tag key and tag value', async () => {
          const out = await listAll({
            Filters: [
              { Key: 'name', Values: [`${group}__thv_workloads_`] },
              { Key: 'tag-key', Values: ['thv:scope'] },
              { Key: 'tag-value', Values: ['workloads'] },
            ],
          });

          expect(out.names).toEqual([`${group}__thv_workloads_t`]);
        });

        it('ORs the values of one filter', async () => {
          expect(await names([{ Key: 'tag-value', Values: ['user', 'registry'] }])).toEqual([
            `${group}__thv_registry_t`,
            `${group}user-a`,
          ]);
        });

        itFollowsReference(
          'negatedTagOnUntagged',
          'negates a tag-value filter with a leading !',
          async () => {
            expect(await names([{ Key: 'tag-value', Values: ['!workloads'] }])).toEqual([
              `${group}__thv_registry_t`,
              `${group}legacy`,
              `${group}user-a`,
            ]);
          },
        );

        itFollowsReference('negatedTagOnUntagged', 'negates a tag-key filter with a leading !', async () => {
          expect(await names([{ Key: 'tag-key', Values: ['!thv:'] }])).toEqual([`${group}legacy`]);
        });

        it('negates a tag-value filter among tagged secrets', async () => {
          const filters = [
            { Key: 'tag-key' as const, Values: ['thv:'] },
            { Key: 'tag-value' as const, Values: ['!workloads'] },
          ];

          expect(await names(filters)).toEqual([`${group}__thv_registry_t`, `${group}user-a`]);
        });

        it('negates a name filter with a leading !', async () => {
          expect(await names([{ Key: 'name', Values: [`!${group}__thv_`] }])).toEqual([
            `${group}legacy`,
            `${group}user-a`,
          ]);
        });
      });
    });

    describe('tags', () => {
      it('adds tags with TagResource', async () => {
        const name = uniqueName('tag');
        await create(name);

        await sm.send(
          new TagResourceCommand({ SecretId: name, Tags: [{ Key: 'thv:scope', Value: 'registry' }] }),
        );

        expect((await sm.send(new DescribeSecretCommand({ SecretId: name }))).Tags).toEqual([
          { Key: 'thv:scope', Value: 'registry' },
        ]);
      });

      it('removes tags with UntagResource', async () => {
        const name = uniqueName('untag');
        await sm.send(
          new CreateSecretCommand({
            Name: name,
            SecretString: 'v',
            Tags: [
              { Key: 'keep', Value: '1' },
              { Key: 'drop', Value: '2' },
            ],
          }),
        );

        await sm.send(new UntagResourceCommand({ SecretId: name, TagKeys: ['drop'] }));

        expect((await sm.send(new DescribeSecretCommand({ SecretId: name }))).Tags).toEqual([
          { Key: 'keep', Value: '1' },
        ]);
      });

      it('reports tagging a missing secret as ResourceNotFoundException', async () => {
        const out = sm.send(
          new TagResourceCommand({ SecretId: uniqueName('nope'), Tags: [{ Key: 'k', Value: 'v' }] }),
        );

        expect(await errorName(out)).toBe('ResourceNotFoundException');
      });
    });

    describe('resource policies', () => {
      // Denies someone other than the suite's caller: a deny-everyone policy would lock the caller
      // out of reading it back on an endpoint that enforces IAM (AWS, the embedded one).
      const policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 'secretsmanager:*',
            Resource: '*',
            Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::000000000000:role/someone-else' } },
          },
        ],
      });

      it('returns the policy that was put', async () => {
        const name = uniqueName('policy');
        await create(name);

        await sm.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: policy }));

        const out = await sm.send(new GetResourcePolicyCommand({ SecretId: name }));
        expect(JSON.parse(out.ResourcePolicy ?? '{}')).toEqual(JSON.parse(policy));
      });

      it('returns no policy after DeleteResourcePolicy', async () => {
        const name = uniqueName('unpolicy');
        await create(name);
        await sm.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: policy }));

        await sm.send(new DeleteResourcePolicyCommand({ SecretId: name }));

        expect(
          (await sm.send(new GetResourcePolicyCommand({ SecretId: name }))).ResourcePolicy,
        ).toBeUndefined();
      });

      it('reports the policy of a missing secret as ResourceNotFoundException', async () => {
        const out = sm.send(new GetResourcePolicyCommand({ SecretId: uniqueName('nope') }));

        expect(await errorName(out)).toBe('ResourceNotFoundException');
      });

      itFollowsReference('malformedPolicy', 'rejects a policy that is not JSON', async () => {
        const name = uniqueName('badpolicy');
        await create(name);

        const out = sm.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: '{not json' }));

        expect(await errorName(out)).toBe('MalformedPolicyDocumentException');
      });
    });

    describe('BatchGetSecretValue', () => {
      it('returns the values of listed ids and reports the missing ones as errors', async () => {
        const a = uniqueName('batch');
        const missing = uniqueName('batch-missing');
        await create(a, 'va');

        const out = await sm.send(new BatchGetSecretValueCommand({ SecretIdList: [a, missing] }));

        expect(out.SecretValues?.map((v) => [v.Name, v.SecretString])).toEqual([[a, 'va']]);
        expect(out.Errors?.map((e) => [e.SecretId, e.ErrorCode])).toEqual([
          [missing, 'ResourceNotFoundException'],
        ]);
      });

      it('returns the values of the secrets a name filter selects', async () => {
        const group = `${uniqueName('bfilter')}/`;
        await create(`${group}1`, 'one');
        await create(`${group}2`, 'two');

        const out = await sm.send(
          new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: [group] }] }),
        );

        expect(out.SecretValues?.map((v) => v.SecretString).sort()).toEqual(['one', 'two']);
      });

      itFollowsReference(
        'batchIdLimit',
        'refuses more than 20 ids with ValidationException (SecretIdList 1–20)',
        async () => {
          const ids = Array.from({ length: 21 }, () => uniqueName('batch-many'));

          const out = sm.send(new BatchGetSecretValueCommand({ SecretIdList: ids }));

          expect(await errorName(out)).toBe('ValidationException');
        },
      );

      it('reports a secret scheduled for deletion as an error, never with its value', async () => {
        const name = uniqueName('batch-deleted');
        await create(name, 'deleted-value');
        await sm.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));

        const out = await sm.send(new BatchGetSecretValueCommand({ SecretIdList: [name] }));

        expect(out.SecretValues ?? []).toEqual([]);
        expect(out.Errors?.map((e) => e.SecretId)).toEqual([name]);
      });

      it('rejects ids and filters together', async () => {
        const out = sm.send(
          new BatchGetSecretValueCommand({
            SecretIdList: [uniqueName('x')],
            Filters: [{ Key: 'name', Values: ['x'] }],
          }),
        );

        expect(await errorName(out)).toBe('InvalidParameterException');
      });
    });

    describe('SSM parameters', () => {
      const paramName = (label: string): string => {
        counter += 1;
        return `${paramPrefix}${label}-${counter}`;
      };

      it('returns a parameter in AWS shape after PutParameter', async () => {
        const name = paramName('flag');
        await ssm.send(new PutParameterCommand({ Name: name, Value: 'done', Type: 'String' }));

        const out = await ssm.send(new GetParameterCommand({ Name: name }));

        expect(out.Parameter).toMatchObject({
          Name: name,
          Type: 'String',
          Value: 'done',
          Version: 1,
          DataType: 'text',
        });
        expect(out.Parameter?.ARN).toMatch(new RegExp(`^arn:aws:ssm:us-east-1:\\d{12}:parameter${name}$`));
        expect(out.Parameter?.LastModifiedDate).toBeInstanceOf(Date);
      });

      it('refuses to overwrite an existing parameter without Overwrite', async () => {
        const name = paramName('exists');
        await ssm.send(new PutParameterCommand({ Name: name, Value: 'a', Type: 'String' }));

        const out = ssm.send(new PutParameterCommand({ Name: name, Value: 'b', Type: 'String' }));

        expect(await errorName(out)).toBe('ParameterAlreadyExists');
      });

      it('overwrites with Overwrite and bumps the version', async () => {
        const name = paramName('over');
        await ssm.send(new PutParameterCommand({ Name: name, Value: 'a', Type: 'String' }));

        const put = await ssm.send(
          new PutParameterCommand({ Name: name, Value: 'b', Type: 'String', Overwrite: true }),
        );

        expect(put.Version).toBe(2);
        expect((await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value).toBe('b');
      });

      it('reports a missing parameter as ParameterNotFound', async () => {
        expect(await errorName(ssm.send(new GetParameterCommand({ Name: paramName('missing') })))).toBe(
          'ParameterNotFound',
        );
      });

      it('makes a deleted parameter unreadable', async () => {
        const name = paramName('deleted');
        await ssm.send(new PutParameterCommand({ Name: name, Value: 'a', Type: 'String' }));

        await ssm.send(new DeleteParameterCommand({ Name: name }));

        expect(await errorName(ssm.send(new GetParameterCommand({ Name: name })))).toBe('ParameterNotFound');
      });

      it('reports deleting a missing parameter as ParameterNotFound', async () => {
        expect(await errorName(ssm.send(new DeleteParameterCommand({ Name: paramName('gone') })))).toBe(
          'ParameterNotFound',
        );
      });
    });
  });
}
