import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, describe, expect, it } from 'vitest';
import { secretsManagerClient } from '../support/endpoints.js';
import { type MainProcess, startMainProcess } from '../support/processes.js';

const SEEDED = 40;
const WORKERS = 4;
const WRITES_BEFORE_KILL = 150;

describe('local AWS endpoint durability', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'thv-aws-kill-'));
  const processes: MainProcess[] = [];

  afterAll(async () => {
    for (const p of processes) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged write after a kill -9 in the middle of a stream of writes', async () => {
    // Prepare: a server process with seeded secrets, and a record of what it acknowledged.
    const first = await startMainProcess(dataDir);
    processes.push(first);
    const client = secretsManagerClient(first.url);
    const acked = new Map<string, string>();
    // The one write per secret still in flight: after the crash it may or may not have landed.
    const inFlight = new Map<string, string>();
    for (let i = 0; i < SEEDED; i += 1) {
      await client.send(new CreateSecretCommand({ Name: `kill/seed-${i}`, SecretString: `seed-${i}` }));
      acked.set(`kill/seed-${i}`, `seed-${i}`);
    }
    let streamAcks = 0;
    let inFlightAtKill = -1;
    const write = async (c: SecretsManagerClient, name: string, value: string, create: boolean) => {
      inFlight.set(name, value);
      if (create) await c.send(new CreateSecretCommand({ Name: name, SecretString: value }));
      else
        await c.send(
          new PutSecretValueCommand({
            SecretId: name,
            SecretString: value,
            ClientRequestToken: randomUUID(),
          }),
        );
      inFlight.delete(name);
      acked.set(name, value);
      streamAcks += 1;
      if (streamAcks === WRITES_BEFORE_KILL) {
        inFlightAtKill = inFlight.size;
        first.child.kill('SIGKILL');
      }
    };
    // Each worker owns its own secrets, so at most one write per secret is ever in flight.
    const worker = async (w: number) => {
      for (let round = 0; ; round += 1) {
        const seed = `kill/seed-${(round * WORKERS + w) % SEEDED}`;
        await write(client, seed, `${seed}@${round}`, false);
        await write(client, `kill/new-${w}-${round}`, `new-${w}-${round}`, true);
      }
    };

    // Act: stream writes until the kill cuts them off, then restart on the same data dir.
    const outcomes = await Promise.allSettled(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    await first.exited;
    client.destroy();
    const second = await startMainProcess(dataDir);
    processes.push(second);
    const reader = secretsManagerClient(second.url);
    const lost: string[] = [];
    for (const [name, value] of acked) {
      const got = await reader
        .send(new GetSecretValueCommand({ SecretId: name }))
        .then((o) => o.SecretString ?? '<no string>')
        .catch((e: Error) => `<${e.name}>`);
      if (got !== value && got !== inFlight.get(name)) lost.push(`${name}: expected ${value}, got ${got}`);
    }
    reader.destroy();

    // Assess: the kill came mid-stream, and nothing acknowledged was lost.
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    expect(inFlightAtKill).toBeGreaterThan(0);
    expect(acked.size).toBeGreaterThan(SEEDED);
    expect(lost).toEqual([]);
  });
});
