/**
 * Names of the broker's CloudWatch metrics, shared by the functions that write them (in the
 * Embedded Metric Format, on their request lines) and the stack that alarms on them. No imports:
 * the stack reads these at synth time without loading the metrics library.
 */

/** CloudWatch namespace of every broker metric. */
export const METRICS_NAMESPACE = 'ThvSecretBroker';

/** Count of requests (API functions) or of step invocations (the migration function). */
export const REQUESTS_METRIC = 'Requests';

/** Milliseconds from event to answer. */
export const LATENCY_METRIC = 'Latency';

/**
 * Dimension names. Values come from bounded sets only (the function, the route table, the error
 * codes, the migration's steps), never from a key, a scope name or anything else a caller sends.
 */
export const DIMENSION = {
  /** Which function: {@link SERVICE}. */
  service: 'service',
  /** Route template that matched, e.g. `/v1/secrets/{key}`, or {@link NO_ROUTE}. */
  route: 'route',
  /** Operation of the route table (`getSecret`, …), or {@link NO_ROUTE}. */
  operation: 'operation',
  /** `ok`, or the error code answered (`reserved_key`, `not_found`, …). */
  outcome: 'outcome',
  /** Step of the migration (`check`, `discover`, `migrate`, `plan`, `finish`). */
  step: 'step',
} as const;

/** `route` and `operation` of a request that matched no route. */
export const NO_ROUTE = 'none';

/** The `service` dimension (and audit field) of each function. */
export const SERVICE = {
  /** The user-API function. */
  userApi: 'user-api',
  /** Every scope-API function (one per scope; their metrics add up). */
  scopeApi: 'scope-api',
  /** The migration's step function. */
  migration: 'migration',
} as const;

/** Outcome of a request refused for naming a reserved (system) key on a user route. */
export const RESERVED_KEY_OUTCOME = 'reserved_key';
