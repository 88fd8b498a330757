/** Speed and memory targets of the local broker, checked by `npm run bench` (never by tests). */

/** One target: a measured number and the bound it must stay within. */
export interface Target {
  /** What is measured. */
  readonly name: string;
  /** Unit shown with the numbers. */
  readonly unit: string;
  /** `max`: the measurement must not exceed `bound`; `min`: it must reach it. */
  readonly kind: 'max' | 'min';
  /** The bound. */
  readonly bound: number;
}

/** The targets, by key. Sized for the 2-core development machine. */
export const TARGETS = {
  // Every acknowledged write is fsynced by the embedded store, and a new key costs two calls.
  putP99: {
    name: 'PUT /v1/secrets/{key} p99 latency (sequential, new keys)',
    unit: 'ms',
    kind: 'max',
    bound: 50,
  },
  getP99: { name: 'GET /v1/secrets/{key} p99 latency (sequential)', unit: 'ms', kind: 'max', bound: 25 },
  getThroughput: { name: 'GET throughput, 16 concurrent clients', unit: 'req/s', kind: 'min', bound: 300 },
  listP99: {
    name: 'GET /v1/secrets p99 latency over 1,000 user + 1,000 system keys',
    unit: 'ms',
    kind: 'max',
    bound: 60,
  },
  rss: { name: 'resident memory after the run', unit: 'MiB', kind: 'max', bound: 400 },
} as const satisfies Record<string, Target>;
