/** A malformed page token is the caller's fault: 400 invalid_body through the real stack, never a 500. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/local-broker.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(() => broker.close());

for (const next of ['x', '', 'AA', '%00', 'not-base64!']) {
  it(`answers GET /v1/secrets?next=${next} with 400 invalid_body`, async () => {
    const res = await fetch(`${broker.url}/v1/secrets?next=${next}`);
    const body = (await res.json()) as { error: string };
    expect([res.status, body.error]).toEqual([400, 'invalid_body']);
  });
}
