/**
 * `BROKER_SCOPES=billing npm start` without `BROKER_LEGACY_PREFIXES`: the default legacy rows of
 * scopes the deployment does not have are left out, the broker serves the scope, and `npm start`
 * says once which rows were left out and the exact variable to set.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.js';
import { DEFAULT_LEGACY_PREFIXES } from '../../core/index.js';
import { legacyTableNote } from '../../local/main.js';
import { expectError } from '../support/api.js';
import { send, sendJson } from '../support/http.js';
import { startTestBroker, type TestBroker } from '../support/local-broker.js';

const brokers: TestBroker[] = [];
afterEach(async () => {
  for (const broker of brokers.splice(0)) await broker.close();
});

describe('BROKER_SCOPES without BROKER_LEGACY_PREFIXES', () => {
  it('loads a configuration with no legacy row for BROKER_SCOPES=billing', () => {
    // Act
    const config = loadConfig({ BROKER_SCOPES: 'billing' });
    // Assess
    expect({ scopes: config.scopes, legacyPrefixes: config.legacyPrefixes }).toEqual({
      scopes: ['billing'],
      legacyPrefixes: [],
    });
  });

  it('keeps the default rows of the scopes it has', () => {
    // Act
    const config = loadConfig({ BROKER_SCOPES: 'registry,billing' });
    // Assess
    expect(config.legacyPrefixes).toEqual(DEFAULT_LEGACY_PREFIXES.filter((row) => row.scope === 'registry'));
  });

  it('still refuses, in one line, a table the user set that names a missing scope', () => {
    // Act
    const act = () =>
      loadConfig({
        BROKER_SCOPES: 'billing',
        BROKER_LEGACY_PREFIXES: '[{"prefix":"BEARER_TOKEN_","scope":"workloads"}]',
      });
    // Assess
    expect(act).toThrow(/^invalid broker configuration:\n- BROKER_LEGACY_PREFIXES: [^\n]*"workloads"[^\n]*$/);
  });

  it('tells npm start to say which rows were left out and what to type', () => {
    // Act
    const note = legacyTableNote({ BROKER_SCOPES: 'billing' });
    // Assess
    expect(note).toContain("BROKER_LEGACY_PREFIXES='[]'");
    expect(note).toContain('to workloads, registry, which are not in the scope list');
  });

  it('has nothing to say when the table is set or the scopes are the defaults', () => {
    // Act
    const notes = [
      legacyTableNote({ BROKER_SCOPES: 'billing', BROKER_LEGACY_PREFIXES: '[]' }),
      legacyTableNote({}),
      legacyTableNote({ BROKER_SCOPES: 'workloads,registry,auth,llm' }),
    ];
    // Assess
    expect(notes).toEqual([undefined, undefined, undefined]);
  });

  it('serves the billing scope locally', async () => {
    // Prepare
    const broker = await startTestBroker({ env: { BROKER_SCOPES: 'billing' } });
    brokers.push(broker);
    // Act
    const put = await sendJson(broker.url, 'PUT', '/v1/scopes/billing/secrets/INVOICE_KEY', { value: 'v' });
    const workloads = await send(broker.url, 'GET', '/v1/scopes/workloads/secrets');
    // Assess
    expect(put.status).toBe(201);
    expectError(workloads, 'unknown_scope');
  });
});
