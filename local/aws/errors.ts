/**
 * An error the endpoint answers with, in AWS's own vocabulary: the `__type` the SDK turns into an
 * exception class, the HTTP status, and a message that never contains a secret value.
 */
export class AwsError extends Error {
  /** The AWS error code sent as `__type` and `x-amzn-ErrorType`. */
  readonly type: string;
  /** HTTP status code of the error response. */
  readonly status: number;

  constructor(type: string, message: string, status = 400, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AwsError';
    this.type = type;
    this.status = status;
  }
}

/** A field broke a constraint of the service model (null, type, length, range). */
export const validationError = (message: string): AwsError =>
  new AwsError('ValidationException', `1 validation error detected: ${message}`);

/** A parameter value is syntactically fine but not acceptable to the service. */
export const invalidParameter = (message: string): AwsError =>
  new AwsError('InvalidParameterException', message);

/** The request is well formed but not valid for the current state of the resource. */
export const invalidRequest = (message: string): AwsError => new AwsError('InvalidRequestException', message);

/** The named secret (or version of it) does not exist. */
export const resourceNotFound = (message = "Secrets Manager can't find the specified secret."): AwsError =>
  new AwsError('ResourceNotFoundException', message);

/** A resource with the requested identity already exists. */
export const resourceExists = (message: string): AwsError => new AwsError('ResourceExistsException', message);

/** The body could not be read as the JSON the operation expects. */
export const serializationError = (message: string): AwsError =>
  new AwsError('SerializationException', message);
