/**
 * The adapter's write under a tag-conditioned role (docs/design.md §3, "missing secrets under ABAC"). AWS
 * authorizes before it looks the secret up, and `aws:ResourceTag` is in the request context only
 * "when the requested resource already has attached tags or in requests that create a resource
 * with an attached tag" (IAM user guide, aws:ResourceTag), so under the user function's role an
 * update of a name that does not exist is refused with AccessDeniedException, never answered
 * ResourceNotFoundException. A stub client answers as AWS does there (the end-to-end proof is the
 * local endpoint under the stack's own IAM).
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { SecretsManagerStore } from '../../lambda/aws/secrets-manager-store.js';

const awsError = (name: string, message: string) => Object.assign(new Error(message), { name });
const denied = (action: string) =>
  awsError(
    'AccessDeniedException',
    `User: arn:aws:sts::123456789012:assumed-role/UserApi/fn is not authorized to perform: secretsmanager:${action} on resource: toolhive/k with an explicit deny in an identity-based policy`,
  );

/** A client answering each command by name with `answers[name]` (a value, or an error to throw); records the calls. */
function stubClient(answers: Readonly<Record<string, unknown>>) {
  const calls: string[] = [];
  const client = {
    send: async (command: { constructor: { name: string } }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      calls.push(name);
      const given = answers[name];
      // An array answers successive calls of that command in order.
      const answer = Array.isArray(given) ? given[calls.filter((c) => c === name).length - 1] : given;
      if (answer === undefined) throw new Error(`unexpected ${name}`);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as SecretsManagerClient;
  return { client, calls };
}

describe('SecretsManagerStore.put under a tag-conditioned role', () => {
  it('creates a key whose update is refused because it does not exist (201, not 403)', async () => {
    // Prepare
    const { client, calls } = stubClient({
      PutSecretValue: denied('PutSecretValue'),
      CreateSecret: { VersionId: 'v1' },
    });
    // Act
    const result = await new SecretsManagerStore({ client }).put('k', 'value');
    // Assess
    expect(result).toEqual({ version: 'v1', created: true });
    expect(calls).toEqual(['PutSecretValue', 'CreateSecret']);
  });

  it('keeps the refusal when the key exists but is not the role’s (an untagged or foreign secret)', async () => {
    // Prepare
    const { client, calls } = stubClient({
      PutSecretValue: denied('PutSecretValue'),
      CreateSecret: awsError(
        'ResourceExistsException',
        'The operation failed because the secret toolhive/k already exists.',
      ),
    });
    // Act
    const write = new SecretsManagerStore({ client }).put('k', 'value');
    // Assess
    await expect(write).rejects.toMatchObject({ code: 'access_denied', key: 'k' });
    // The second update tells a secret born a moment ago from one that is not the role's.
    expect(calls).toEqual(['PutSecretValue', 'CreateSecret', 'PutSecretValue']);
  });

  it('writes over a user key another writer created between its refused update and its create', async () => {
    // Prepare: 50 writers race to create one key; all but the first find it existing.
    const { client, calls } = stubClient({
      PutSecretValue: [denied('PutSecretValue'), { VersionId: 'v2' }],
      CreateSecret: awsError(
        'ResourceExistsException',
        'The operation failed because the secret toolhive/k already exists.',
      ),
    });
    // Act
    const result = await new SecretsManagerStore({ client }).put('k', 'value');
    // Assess
    expect(result).toEqual({ version: 'v2', created: false });
    expect(calls).toEqual(['PutSecretValue', 'CreateSecret', 'PutSecretValue']);
  });

  it('refuses when the create is refused too (no tag the role may create with)', async () => {
    const { client } = stubClient({
      PutSecretValue: denied('PutSecretValue'),
      CreateSecret: denied('CreateSecret'),
    });
    await expect(new SecretsManagerStore({ client }).put('k', 'value')).rejects.toMatchObject({
      code: 'access_denied',
    });
  });

  it('updates an existing key with one call, as a direct PutSecretValue would', async () => {
    const { client, calls } = stubClient({ PutSecretValue: { VersionId: 'v2' } });
    await expect(new SecretsManagerStore({ client }).put('k', 'value')).resolves.toEqual({
      version: 'v2',
      created: false,
    });
    expect(calls).toEqual(['PutSecretValue']);
  });
});
