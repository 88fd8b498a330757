import { createHash } from 'node:crypto';
import { parameterArn } from './arn.js';
import { AwsError, validationError } from './errors.js';
import { type Operation, readBoolean, readString } from './input.js';
import type { SqliteStore } from './store.js';

const TYPES = ['String', 'StringList', 'SecureString'];
const DATA_TYPES = ['text', 'aws:ec2:image', 'aws:ssm:integration'];
const NAME = /^[A-Za-z0-9_.\-/]+$/;
const STANDARD_MAX = 4096;
const ADVANCED_MAX = 8192;

const parameterNotFound = (name: string): AwsError =>
  new AwsError('ParameterNotFound', `Parameter ${name} not found.`);

function validateName(name: string): void {
  if (!NAME.test(name)) {
    throw validationError(
      'Parameter name: can contain only letters, numbers, and the following symbols: . - _ /',
    );
  }
  if (name.includes('/') && !name.startsWith('/')) {
    throw validationError('Parameter name must be a fully qualified name.');
  }
  if (/^\/?(aws|ssm)/i.test(name)) {
    throw validationError('Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).');
  }
}

// Without a real KMS, a SecureString read without decryption returns an opaque stand-in for the
// ciphertext: stable per value, and not reversible to it.
const opaqueCiphertext = (value: string): string =>
  createHash('sha256').update(`local-kms:${value}`).digest('base64');

/** The SSM Parameter Store operations over a store, keyed by operation name. */
export function ssmOperations(store: SqliteStore, region: string): Record<string, Operation> {
  return {
    PutParameter(body) {
      const name = readString(body, 'Name', { required: true, min: 1, max: 2048 });
      validateName(name);
      const value = readString(body, 'Value', { required: true });
      const type = readString(body, 'Type');
      const overwrite = readBoolean(body, 'Overwrite') ?? false;
      const description = readString(body, 'Description', { max: 1024 });
      const dataType = readString(body, 'DataType') ?? 'text';
      const tier = readString(body, 'Tier') ?? 'Standard';
      if (type !== undefined && !TYPES.includes(type)) {
        throw validationError(
          `Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [${TYPES.join(', ')}]`,
        );
      }
      if (!DATA_TYPES.includes(dataType)) {
        throw validationError(`The following data type is not supported: ${dataType}`);
      }
      const limit = tier === 'Advanced' ? ADVANCED_MAX : STANDARD_MAX;
      if (value.length > limit) {
        throw validationError(
          `Value at 'value' failed to satisfy constraint: Member must have length less than or equal to ${limit}`,
        );
      }
      const existing = store.parameters.get(name);
      if (existing && !overwrite) {
        throw new AwsError(
          'ParameterAlreadyExists',
          'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
        );
      }
      if (!existing && type === undefined) {
        throw validationError('A parameter type is required when you create a parameter.');
      }
      const version = (existing?.version ?? 0) + 1;
      store.parameters.put({
        name,
        type: type ?? existing?.type ?? 'String',
        value,
        version,
        dataType,
        description: description ?? existing?.description ?? null,
        lastModifiedDate: Date.now() / 1000,
      });
      return { Version: version, Tier: tier === 'Advanced' ? 'Advanced' : 'Standard' };
    },

    GetParameter(body) {
      const name = readString(body, 'Name', { required: true, min: 1, max: 2048 });
      const decrypt = readBoolean(body, 'WithDecryption') ?? false;
      const p = store.parameters.get(name);
      if (!p) throw parameterNotFound(name);
      return {
        Parameter: {
          Name: p.name,
          Type: p.type,
          Value: p.type === 'SecureString' && !decrypt ? opaqueCiphertext(p.value) : p.value,
          Version: p.version,
          LastModifiedDate: p.lastModifiedDate,
          ARN: parameterArn(region, p.name),
          DataType: p.dataType,
        },
      };
    },

    DeleteParameter(body) {
      const name = readString(body, 'Name', { required: true, min: 1, max: 2048 });
      if (!store.parameters.delete(name)) throw parameterNotFound(name);
      return {};
    },
  };
}
