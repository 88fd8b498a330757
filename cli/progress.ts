/**
 * Progress of a long run on stderr: one line redrawn in place on a terminal (keys done of total,
 * rate, ETA), plain lines at most every few seconds otherwise, so logs stay readable.
 */

import type { MigrationProgress } from '../core/migration-operator.js';
import type { OutputStream } from './io.js';

/** How often a non-terminal gets a line, in ms. */
const PLAIN_INTERVAL_MS = 2_000;

/** A progress reporter for `stream`; `now` is injectable for tests. */
export function progressReporter(stream: OutputStream, now: () => number = Date.now) {
  const started = now();
  let lastPlain = 0;
  let drawn = false;
  const line = (p: MigrationProgress): string => {
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const rate = p.processed / seconds;
    const of =
      p.total === undefined ? `${p.processed} keys (${p.listed} listed)` : `${p.processed}/${p.total} keys`;
    const eta =
      p.total !== undefined && rate > 0
        ? `, ETA ${Math.max(0, Math.ceil((p.total - p.processed) / rate))} s`
        : '';
    const failed = p.failed > 0 ? `, ${p.failed} failed` : '';
    return `migrating: ${of}, ${rate.toFixed(1)} keys/s${eta}${failed}`;
  };
  return {
    update(p: MigrationProgress): void {
      if (stream.isTTY) {
        stream.write(`\r\x1b[2K${line(p)}`);
        drawn = true;
      } else if (now() - lastPlain >= PLAIN_INTERVAL_MS) {
        lastPlain = now();
        stream.write(`${line(p)}\n`);
      }
    },
    done(): void {
      if (drawn) stream.write('\n');
    },
  };
}
