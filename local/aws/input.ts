import { serializationError, validationError } from './errors.js';

/** A request body after JSON parsing: the protocol only ever sends an object at the top level. */
export type Body = Readonly<Record<string, unknown>>;

/** What an operation learns from authorization: the secrets of a batch read the caller may not read. */
export interface OperationContext {
  /** The refusal of reading this secret (by SecretId as given, or by ARN), if it is refused. */
  readonly refused?: (secretIdOrArn: string) => Error | undefined;
}

/** An operation handler: request body in, response body out (or an AwsError thrown). */
export type Operation = (body: Body, context?: OperationContext) => Record<string, unknown>;

/** Limits checked the way the service model states them (length in characters, range inclusive). */
export interface FieldRules {
  /** The field must be present and not null. */
  readonly required?: boolean;
  /** Minimum length (strings, lists) or value (numbers). */
  readonly min?: number;
  /** Maximum length (strings, lists) or value (numbers). */
  readonly max?: number;
}

// The model names members in camelCase in its validation messages (`Value at 'secretId' ...`).
const memberName = (field: string): string => field.charAt(0).toLowerCase() + field.slice(1);

function present(body: Body, field: string, rules: FieldRules): unknown {
  const value = body[field];
  if (value === undefined || value === null) {
    if (rules.required) {
      throw validationError(
        `Value null at '${memberName(field)}' failed to satisfy constraint: Member must not be null`,
      );
    }
    return undefined;
  }
  return value;
}

function checkLength(field: string, length: number, rules: FieldRules): void {
  if (rules.min !== undefined && length < rules.min) {
    throw validationError(
      `Value at '${memberName(field)}' failed to satisfy constraint: Member must have length greater than or equal to ${rules.min}`,
    );
  }
  if (rules.max !== undefined && length > rules.max) {
    throw validationError(
      `Value at '${memberName(field)}' failed to satisfy constraint: Member must have length less than or equal to ${rules.max}`,
    );
  }
}

/** Reads an optional or required string field; the message never echoes the value. */
export function readString(body: Body, field: string, rules: FieldRules & { required: true }): string;
/** Reads an optional string field. */
export function readString(body: Body, field: string, rules?: FieldRules): string | undefined;
export function readString(body: Body, field: string, rules: FieldRules = {}): string | undefined {
  const value = present(body, field, rules);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw serializationError(`'${field}' must be a string`);
  checkLength(field, value.length, rules);
  return value;
}

/** Reads an optional integer field and checks its range. */
export function readInteger(body: Body, field: string, rules: FieldRules = {}): number | undefined {
  const value = present(body, field, rules);
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw serializationError(`'${field}' must be an integer`);
  }
  if (rules.min !== undefined && value < rules.min) {
    throw validationError(
      `Value '${value}' at '${memberName(field)}' failed to satisfy constraint: Member must have value greater than or equal to ${rules.min}`,
    );
  }
  if (rules.max !== undefined && value > rules.max) {
    throw validationError(
      `Value '${value}' at '${memberName(field)}' failed to satisfy constraint: Member must have value less than or equal to ${rules.max}`,
    );
  }
  return value;
}

/** Reads an optional boolean field. */
export function readBoolean(body: Body, field: string): boolean | undefined {
  const value = present(body, field, {});
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw serializationError(`'${field}' must be a boolean`);
  return value;
}

/** Reads a required list of strings. */
export function readStringList(body: Body, field: string, rules: FieldRules & { required: true }): string[];
/** Reads an optional list of strings. */
export function readStringList(body: Body, field: string, rules?: FieldRules): string[] | undefined;
export function readStringList(body: Body, field: string, rules: FieldRules = {}): string[] | undefined {
  const value = present(body, field, rules);
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw serializationError(`'${field}' must be a list of strings`);
  }
  checkLength(field, value.length, rules);
  return value;
}

/** Reads an optional list of objects (Tags, Filters), each as a Body. */
export function readObjectList(body: Body, field: string, rules: FieldRules = {}): Body[] | undefined {
  const value = present(body, field, rules);
  if (value === undefined) return undefined;
  if (
    !Array.isArray(value) ||
    !value.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item))
  ) {
    throw serializationError(`'${field}' must be a list of objects`);
  }
  checkLength(field, value.length, rules);
  return value as Body[];
}
