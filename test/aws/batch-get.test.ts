/**
 * The adapter's batch read: SecretsManagerStore.getMany through the real SDK over HTTP
 * against the embedded endpoint (and moto where installed), plus a stub client for what no
 * emulator here produces (per-secret AccessDeniedException, a paged id-list answer).
 */
import { randomUUID } from 'node:crypto';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError, InvalidKeyError, ThrottledError } from '../../core/index.js';
import { BATCH_GET_IDS_PER_CALL, SecretsManagerStore } from '../../lambda/aws/secrets-manager-store.js';
import { embeddedEndpoint, secretsManagerClient, type TestEndpoint } from '../support/endpoints.js';
import { onMoto } from '../support/moto.js';

function batchContract(label: string, start: () => Promise<TestEndpoint>): void {
  describe(`SecretsManagerStore.getMany (${label})`, () => {
    let endpoint: TestEndpoint;
    let client: SecretsManagerClient;
    const root = `bg${randomUUID().replace(/-/g, '').slice(0, 10)}/`;
    let store: SecretsManagerStore;
    /** Names of the commands the client sent, in order. */
    const sent: { command: string; ids: number }[] = [];

    beforeAll(async () => {
      endpoint = await start();
      client = secretsManagerClient(endpoint.secretsManagerUrl);
      client.middlewareStack.add(
        (next, context) => async (args) => {
          const input = args.input as { SecretIdList?: unknown[] };
          sent.push({ command: String(context.commandName), ids: input.SecretIdList?.length ?? 0 });
          return next(args);
        },
        { step: 'initialize' },
      );
      store = new SecretsManagerStore({ client, root });
    });

    afterAll(async () => {
      client?.destroy();
      await endpoint?.close();
    });

    const batchCalls = () => sent.filter((s) => s.command === 'BatchGetSecretValueCommand');

    it('reads 45 keys with three BatchGetSecretValue calls of at most 20 ids', async () => {
      // Prepare
      const keys = Array.from({ length: 45 }, (_, i) => `many-${i}`);
      for (const key of keys) await store.put(key, `value-of-${key}`);
      sent.length = 0;
      // Act
      const result = await store.getMany(keys);
      // Assess
      expect(result.missing).toEqual([]);
      expect(result.found.map((s) => [s.key, s.value])).toEqual(keys.map((k) => [k, `value-of-${k}`]));
      expect(batchCalls().map((c) => c.ids)).toEqual([20, 20, 5]);
      expect(sent.every((c) => c.command === 'BatchGetSecretValueCommand')).toBe(true);
    });

    it('reports a missing key as missing, beside the keys it found', async () => {
      // Prepare
      await store.put('present', 'here');
      // Act
      const result = await store.getMany(['present', 'absent']);
      // Assess
      expect(result.missing).toEqual(['absent']);
      expect(result.found.map((s) => s.key)).toEqual(['present']);
    });

    it('reports a deleted key as missing, never with its value', async () => {
      // Prepare
      await store.put('deleted-one', 'gone');
      await store.delete('deleted-one');
      // Act
      const result = await store.getMany(['deleted-one']);
      // Assess
      expect(result).toEqual({ found: [], missing: ['deleted-one'] });
    });

    it('asks once per distinct key', async () => {
      // Prepare
      await store.put('twice', 'v');
      sent.length = 0;
      // Act
      const result = await store.getMany(['twice', 'twice']);
      // Assess
      expect(result.found).toHaveLength(1);
      expect(batchCalls().map((c) => c.ids)).toEqual([1]);
    });

    it('refuses an invalid key before calling Secrets Manager', async () => {
      // Prepare
      sent.length = 0;
      // Act
      const read = store.getMany(['ok', 'a/b']);
      // Assess
      await expect(read).rejects.toThrow(InvalidKeyError);
      expect(sent).toEqual([]);
    });
  });
}

batchContract('embedded local endpoint', () => embeddedEndpoint());

onMoto('SecretsManagerStore.getMany (moto_server)', (start) => batchContract('moto_server', start));

/** A client whose every BatchGetSecretValue answers with the next of `answers`; records inputs. */
function stubClient(answers: readonly Record<string, unknown>[]) {
  const inputs: Record<string, unknown>[] = [];
  const client = {
    send: async (command: { input: Record<string, unknown> }) => {
      inputs.push(command.input);
      const answer = answers[inputs.length - 1];
      if (answer === undefined) throw new Error('unexpected call');
      if (answer.throw !== undefined) throw answer.throw;
      return answer;
    },
  } as unknown as SecretsManagerClient;
  return { client, inputs };
}

const value = (name: string, v: string) => ({ Name: `toolhive/${name}`, SecretString: v, VersionId: 'v1' });

describe('SecretsManagerStore single reads refused by IAM', () => {
  it.each([
    ['get', (s: SecretsManagerStore) => s.get('k')],
    ['getVersion', (s: SecretsManagerStore) => s.getVersion('k', 'previous')],
    ['restore', (s: SecretsManagerStore) => s.restore('k')],
  ])(
    'answers %s with AccessDeniedError (403), as a batch read does, not an internal error',
    async (_op, run) => {
      // Prepare
      const denied = Object.assign(new Error('not authorized to perform secretsmanager:GetSecretValue'), {
        name: 'AccessDeniedException',
      });
      const { client } = stubClient([{ throw: denied }]);
      // Act
      const read = run(new SecretsManagerStore({ client }));
      // Assess
      await expect(read).rejects.toMatchObject({ key: 'k', code: 'access_denied' });
    },
  );
});

describe('SecretsManagerStore.getMany (per-secret errors and paging)', () => {
  it('fails the whole batch with AccessDeniedError when one secret is denied', async () => {
    // Prepare
    const { client } = stubClient([
      {
        SecretValues: [value('a', 'va')],
        Errors: [{ SecretId: 'toolhive/b', ErrorCode: 'AccessDeniedException', Message: 'denied' }],
      },
    ]);
    // Act
    const read = new SecretsManagerStore({ client }).getMany(['a', 'b']);
    // Assess
    await expect(read).rejects.toThrow(AccessDeniedError);
    await expect(read).rejects.toMatchObject({ key: 'b', code: 'access_denied' });
  });

  it('lets a refusal win over a missing key, so the batch fails either way', async () => {
    // Prepare
    const { client } = stubClient([
      {
        SecretValues: [],
        Errors: [
          { SecretId: 'toolhive/a', ErrorCode: 'ResourceNotFoundException', Message: 'nope' },
          { SecretId: 'toolhive/b', ErrorCode: 'ThrottlingException', Message: 'Rate exceeded' },
        ],
      },
    ]);
    // Act
    const read = new SecretsManagerStore({ client }).getMany(['a', 'b']);
    // Assess
    await expect(read).rejects.toThrow(ThrottledError);
  });

  it('follows NextToken with the same id list until the last page', async () => {
    // Prepare
    const { client, inputs } = stubClient([
      { SecretValues: [value('a', 'va')], Errors: [], NextToken: 'page-2' },
      { SecretValues: [value('b', 'vb')], Errors: [] },
    ]);
    // Act
    const result = await new SecretsManagerStore({ client }).getMany(['a', 'b']);
    // Assess
    expect(result.found.map((s) => s.value)).toEqual(['va', 'vb']);
    expect(inputs).toEqual([
      { SecretIdList: ['toolhive/a', 'toolhive/b'] },
      { SecretIdList: ['toolhive/a', 'toolhive/b'], NextToken: 'page-2' },
    ]);
  });

  it('ignores a value for a name it did not ask for', async () => {
    // Prepare
    const { client } = stubClient([
      { SecretValues: [value('a', 'va'), value('__thv_x_y', 'sys')], Errors: [] },
    ]);
    // Act
    const result = await new SecretsManagerStore({ client }).getMany(['a']);
    // Assess
    expect(result.found.map((s) => s.key)).toEqual(['a']);
  });

  it(`splits 100 keys into calls of ${BATCH_GET_IDS_PER_CALL}`, async () => {
    // Prepare
    const keys = Array.from({ length: 100 }, (_, i) => `k${i}`);
    const { client, inputs } = stubClient(
      Array.from({ length: 5 }, () => ({ SecretValues: [], Errors: [] })),
    );
    // Act
    const result = await new SecretsManagerStore({ client }).getMany(keys);
    // Assess
    expect(inputs.map((i) => (i.SecretIdList as string[]).length)).toEqual([20, 20, 20, 20, 20]);
    expect(result.missing).toEqual(keys);
  });
});
