/** Listings (docs/design.md §1) keep only their own provider's valid keys; no root under the reserved prefix. */
import { describe, expect, it } from 'vitest';
import { rootProblems, ScopedProvider, UserProvider } from '../../core/index.js';
import { MemoryStore } from '../support/memory-store.js';

const scopes = ['workloads', 'registry', 'auth', 'llm'];

describe('listings beside another broker under a nested root', () => {
  it('shows a user none of the names a broker rooted at toolhive/team2/ keeps', async () => {
    const store = new MemoryStore();
    await store.put('mine', 'v');
    // What a second broker (root toolhive/team2/) leaves under this broker's root toolhive/.
    store.seedRaw('team2/__thv_workloads_X', 'v', { 'thv:owner': 'user' });
    store.seedRaw('team2/their-user-key', 'v', { 'thv:owner': 'user' });
    const page = await new UserProvider(store, { isMigrated: async () => true }).list();
    expect(page.keys.map((k) => k.key)).toEqual(['mine']);
  });

  it('keeps a scope listing to names that are valid keys', async () => {
    const store = new MemoryStore();
    await store.put('__thv_workloads_ok', 'v', { scope: 'workloads' });
    store.seedRaw('__thv_workloads_a/b', 'v', { 'thv:scope': 'workloads' });
    store.seedRaw('__thv_workloads_', 'v', { 'thv:scope': 'workloads' });
    const page = await new ScopedProvider(store, { scope: 'workloads', scopes }).list();
    expect(page.keys.map((k) => k.key)).toEqual(['ok']);
  });
});

describe('roots', () => {
  for (const root of ['toolhive/__thv_x/', '__THV_/', 'a/__Thv_b/', '__thv_/']) {
    it(`refuses the root ${root}, which holds the reserved prefix`, () => {
      expect(rootProblems(root).join(' ')).toMatch(/reserved prefix/);
    });
  }

  it('accepts the default and nested roots', () => {
    expect([...rootProblems('toolhive/'), ...rootProblems('toolhive/team2/')]).toEqual([]);
  });
});
