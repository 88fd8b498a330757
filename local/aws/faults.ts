import { AwsError } from './errors.js';

/** Probabilities (0..1) with which a call fails before it touches the store. */
export interface FaultRates {
  /** Share of calls answered with ThrottlingException (400). */
  readonly throttleRate: number;
  /** Share of calls answered with InternalServiceError (500). */
  readonly faultRate: number;
}

/** Thrown when a rate is not a number in 0..1. */
export class InvalidFaultRateError extends Error {
  constructor(field: string) {
    super(`${field} must be a number between 0 and 1`);
    this.name = 'InvalidFaultRateError';
  }
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
  private rates: FaultRates;
  private readonly random: () => number;

  constructor(rates: Partial<FaultRates> = {}, random: () => number = Math.random) {
    this.rates = { throttleRate: 0, faultRate: 0 };
    this.random = random;
    this.update(rates);
  }

  /** The rates in force. */
  current(): FaultRates {
    return { ...this.rates };
  }

  /** Changes some or all rates; validates them all before changing any. */
  update(rates: Partial<Record<keyof FaultRates, unknown>>): FaultRates {
    const next = {
      throttleRate:
        rates.throttleRate === undefined
          ? this.rates.throttleRate
          : checkRate('throttleRate', rates.throttleRate),
      faultRate:
        rates.faultRate === undefined ? this.rates.faultRate : checkRate('faultRate', rates.faultRate),
    };
    this.rates = next;
    return this.current();
  }

  /** The error to answer this call with, or undefined to let it through. */
  draw(): AwsError | undefined {
    if (this.rates.throttleRate > 0 && this.random() < this.rates.throttleRate) {
      return new AwsError('ThrottlingException', 'Rate exceeded', 400);
    }
    if (this.rates.faultRate > 0 && this.random() < this.rates.faultRate) {
      return new AwsError('InternalServiceError', 'An error occurred on the server side.', 500);
    }
    return undefined;
  }
}
