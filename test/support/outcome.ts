/** How an awaited call ended, as one value a test can compare: the error it failed with, or none. */

/** The name of the outcome of a call that resolved. */
export const NO_ERROR = 'no error';

/** How a call ended: the error's name, message and HTTP status (an SDK error's), or {@link NO_ERROR}. */
export interface Outcome {
  /** The error's name, or {@link NO_ERROR} when the call resolved. */
  readonly name: string;
  /** The error's message ('' when the call resolved). */
  readonly message: string;
  /** The HTTP status an AWS SDK error carries, when it has one. */
  readonly status?: number;
}

/** Awaits `work` and says how it ended, so a rejection can be asserted on like any other value. */
export async function outcome(work: Promise<unknown>): Promise<Outcome> {
  try {
    await work;
  } catch (error) {
    const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode;
    return {
      name: e.name ?? String(error),
      message: e.message ?? '',
      ...(status === undefined ? {} : { status }),
    };
  }
  return { name: NO_ERROR, message: '' };
}

/** The name of the error `work` fails with, or {@link NO_ERROR}. */
export async function errorName(work: Promise<unknown>): Promise<string> {
  return (await outcome(work)).name;
}
