/**
 * Writes over deleted keys are crash-consistent end to end (docs/design.md §2): the whole local broker (`local/main.ts`,
 * as `npm start` runs it) as a child process, clients writing, deleting and re-writing keys
 * concurrently, `kill -9` while writes over deleted keys are in flight, then a restart on the same
 * data. No deleted value is readable afterwards, and no acknowledged write or delete is lost.
 *
 * Every AWS call takes 5 ms (BROKER_AWS_LATENCY_MS) so a kill lands between the calls of a write
 * rather than only around them; the endpoint keeps a force-deleted name taken for one create
 * (BROKER_AWS_DELETION_LAG_CREATES) so the create-retry path is inside the window too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scopePath, userPath } from '../support/api.js';
import { send, sendJson } from '../support/http.js';
import { type StartedProcess, startProcess } from '../support/processes.js';

const WORKERS = 8;
const KILLS = 2;
// The kill comes this many writes-over-deleted into a run, a few milliseconds after one starts.
const REWRITES_BEFORE_KILL = 24;
const KILL_DELAY_MS = 7;

type Op = { readonly kind: 'put'; readonly value: string } | { readonly kind: 'delete' };

/** What the clients know about one key: its last acknowledged operation and the one in flight. */
interface KeyLog {
  readonly path: string;
  acked?: Op | undefined;
  inFlight?: Op | undefined;
  /** Values acknowledged as written and then acknowledged as deleted. */
  readonly deleted: Set<string>;
}

function startBroker(dataDir: string): Promise<StartedProcess<string>> {
  return startProcess(
    process.execPath,
    ['--import', 'tsx', 'local/main.ts'],
    (stdout) => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1],
    {
      env: {
        BROKER_PORT: '0',
        BROKER_AWS_PORT: '0',
        BROKER_DATA_DIR: dataDir,
        BROKER_AWS_LATENCY_MS: '5',
        BROKER_AWS_DELETION_LAG_CREATES: '1',
      },
    },
  );
}

/** What a key may read as after a crash, or a description of the broken promise. */
function problemWith(log: KeyLog, status: number, value: string | undefined): string | undefined {
  if (value !== undefined && log.deleted.has(value)) return `${log.path}: a deleted value is readable`;
  const shown = (op: Op | undefined) => (op?.kind === 'put' ? `200 ${op.value}` : '404');
  // The acknowledged operation must show, unless the one in flight landed after it.
  const allowed = new Set([shown(log.acked), ...(log.inFlight === undefined ? [] : [shown(log.inFlight)])]);
  const seen = status === 200 ? `200 ${value}` : String(status);
  return allowed.has(seen)
    ? undefined
    : `${log.path}: read ${seen}, expected one of ${[...allowed].join(', ')}`;
}

/** The broker's HTTP answer was wrong (as opposed to the connection dying with the process). */
class WrongAnswer extends Error {}

describe('kill -9 of the local broker during writes over deleted keys', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'thv-kill-rewrite-'));
  const started: StartedProcess<string>[] = [];

  afterAll(async () => {
    for (const p of started) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('leaves no deleted value readable and loses no acknowledged write or delete', async () => {
    const logs: KeyLog[] = [];
    const problems: string[] = [];
    let inFlightRewritesAtKill = 0;

    for (let run = 0; run < KILLS; run += 1) {
      // Prepare: a broker over the data of the runs before.
      const broker = await startBroker(dataDir);
      started.push(broker);
      const url = broker.ready;
      let rewrites = 0;
      let killed = false;
      const kill = () => {
        if (killed) return;
        killed = true;
        inFlightRewritesAtKill += logs.filter(
          (l) => l.inFlight?.kind === 'put' && l.acked?.kind === 'delete',
        ).length;
        broker.child.kill('SIGKILL');
      };
      /** Runs one operation on a key, recording it in flight and then acknowledged. */
      const apply = async (log: KeyLog, op: Op): Promise<void> => {
        log.inFlight = op;
        if (op.kind === 'put' && log.acked?.kind === 'delete' && ++rewrites === REWRITES_BEFORE_KILL)
          setTimeout(kill, KILL_DELAY_MS);
        const res =
          op.kind === 'put'
            ? await sendJson(url, 'PUT', log.path, { value: op.value })
            : await send(url, 'DELETE', log.path);
        const ok = op.kind === 'put' ? res.status === 200 || res.status === 201 : res.status === 204;
        if (!ok) throw new WrongAnswer(`${op.kind} ${log.path}: ${res.status} ${res.text}`);
        if (op.kind === 'delete' && log.acked?.kind === 'put') log.deleted.add(log.acked.value);
        log.acked = op;
        log.inFlight = undefined;
      };
      // Each worker owns its key, so at most one operation per key is ever in flight.
      const worker = async (w: number): Promise<void> => {
        const path = w % 2 === 0 ? userPath(`KILL_${run}_${w}`) : scopePath('workloads', `KILL_${run}_${w}`);
        const log: KeyLog = { path, deleted: new Set() };
        logs.push(log);
        for (let round = 0; ; round += 1) {
          await apply(log, { kind: 'put', value: `value-${run}-${w}-${round}` });
          await apply(log, { kind: 'delete' });
        }
      };

      // Act: load until the kill cuts it off, then restart on the same data.
      const outcomes = await Promise.allSettled(Array.from({ length: WORKERS }, (_, w) => worker(w)));
      await broker.exited;
      expect(killed, 'the broker died before the planned kill').toBe(true);
      for (const o of outcomes)
        if (o.status === 'rejected' && o.reason instanceof WrongAnswer) problems.push(o.reason.message);
      const after = await startBroker(dataDir);
      started.push(after);
      for (const log of logs) {
        const res = await send(after.ready, 'GET', log.path);
        const value = res.status === 200 ? (res.json as { value: string }).value : undefined;
        const problem = problemWith(log, res.status, value);
        if (problem !== undefined) problems.push(`after kill ${run + 1}: ${problem}`);
        // What the restart shows is what the next run builds on.
        log.acked = value === undefined ? { kind: 'delete' } : { kind: 'put', value };
        log.inFlight = undefined;
      }
      after.child.kill('SIGKILL');
      await after.exited;
    }

    // Assess
    expect(inFlightRewritesAtKill).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});
