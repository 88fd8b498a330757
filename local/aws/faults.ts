import type { DeletionLag } from './deletion-lag.js';
import { AwsError } from './errors.js';
import { QuotaLimiter } from './quotas.js';

/** Probabilities (0..1) with which a call fails before it touches the store. */
export interface FaultRates {
  /** Share of calls answered with ThrottlingException (400). */
  readonly throttleRate: number;
  /** Share of calls answered with InternalServiceError (500). */
  readonly faultRate: number;
}

/** Whether calls are held to AWS's rate quotas (`aws`) or never throttled by rate (`off`). */
export type QuotaMode = 'off' | 'aws';

/**
 * Everything the control route reads and changes: the fault rates, AWS's rate quotas, a fixed
 * per-call latency, and the lag of a forced delete.
 */
export interface EndpointConditions extends FaultRates, DeletionLag {
  /** `aws`: each call takes a token of its quota group (local/aws/quotas.ts) or is throttled. */
  readonly quotas: QuotaMode;
  /** Milliseconds every AWS call waits before it runs (for benchmarks). */
  readonly latencyMs: number;
}

/** Largest latency or deletion lag the endpoint accepts, in milliseconds. */
const MAX_DELAY_MS = 60_000;
/** Largest count of refused creates the deletion lag accepts. */
const MAX_LAG_CREATES = 1_000;

/** Thrown when a rate is not a number in 0..1 (or another condition is out of its range). */
export class InvalidFaultRateError extends Error {
  constructor(field: string, range = 'a number between 0 and 1') {
    super(`${field} must be ${range}`);
    this.name = 'InvalidFaultRateError';
  }
}

function checkInteger(field: string, value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw new InvalidFaultRateError(field, `an integer between 0 and ${max}`);
  }
  return value;
}

function checkQuotas(value: unknown): QuotaMode {
  if (value !== 'off' && value !== 'aws') throw new InvalidFaultRateError('quotas', '"off" or "aws"');
  return value;
}

function checkRate(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new InvalidFaultRateError(field);
  }
  return value;
}

/**
 * Decides, per call, whether to fail it. Both kinds of failure happen before the operation runs,
 * so a failed call never changes stored state: the caller may retry it blindly.
 */
export class FaultInjector {
  private rates: EndpointConditions;
  private readonly random: () => number;
  private limiter: QuotaLimiter;
  private readonly clock: () => number;

  /** @param clock monotonic milliseconds for the quota buckets; injected by tests. */
  constructor(
    rates: { readonly [K in keyof EndpointConditions]?: EndpointConditions[K] | undefined } = {},
    random: () => number = Math.random,
    clock: () => number = () => performance.now(),
  ) {
    this.rates = {
      throttleRate: 0,
      faultRate: 0,
      quotas: 'off',
      latencyMs: 0,
      deletionLagMs: 0,
      deletionLagCreates: 0,
    };
    this.random = random;
    this.clock = clock;
    this.limiter = new QuotaLimiter(undefined, clock);
    this.update(rates);
  }

  /** The conditions in force. */
  current(): EndpointConditions {
    return { ...this.rates };
  }

  /** Changes some or all conditions; validates them all before changing any. */
  update(rates: Partial<Record<keyof EndpointConditions, unknown>>): EndpointConditions {
    const r = this.rates;
    const next: EndpointConditions = {
      throttleRate:
        rates.throttleRate === undefined ? r.throttleRate : checkRate('throttleRate', rates.throttleRate),
      faultRate: rates.faultRate === undefined ? r.faultRate : checkRate('faultRate', rates.faultRate),
      quotas: rates.quotas === undefined ? r.quotas : checkQuotas(rates.quotas),
      latencyMs:
        rates.latencyMs === undefined
          ? r.latencyMs
          : checkInteger('latencyMs', rates.latencyMs, MAX_DELAY_MS),
      deletionLagMs:
        rates.deletionLagMs === undefined
          ? r.deletionLagMs
          : checkInteger('deletionLagMs', rates.deletionLagMs, MAX_DELAY_MS),
      deletionLagCreates:
        rates.deletionLagCreates === undefined
          ? r.deletionLagCreates
          : checkInteger('deletionLagCreates', rates.deletionLagCreates, MAX_LAG_CREATES),
    };
    // Turning quotas on starts with full buckets, as a fresh AWS account would.
    if (next.quotas === 'aws' && r.quotas !== 'aws') this.limiter = new QuotaLimiter(undefined, this.clock);
    this.rates = next;
    return this.current();
  }

  /**
   * The error to answer this call with, or undefined to let it through. `target` is the call's
   * `x-amz-target` (`secretsmanager.CreateSecret`): only Secrets Manager operations have quotas.
   */
  draw(target = ''): AwsError | undefined {
    if (this.rates.throttleRate > 0 && this.random() < this.rates.throttleRate) {
      return new AwsError('ThrottlingException', 'Rate exceeded', 400);
    }
    const dot = target.lastIndexOf('.');
    if (
      this.rates.quotas === 'aws' &&
      target.slice(0, dot) === 'secretsmanager' &&
      !this.limiter.admit(target.slice(dot + 1))
    ) {
      return new AwsError('ThrottlingException', 'Rate exceeded', 400);
    }
    if (this.rates.faultRate > 0 && this.random() < this.rates.faultRate) {
      return new AwsError('InternalServiceError', 'An error occurred on the server side.', 500);
    }
    return undefined;
  }
}
