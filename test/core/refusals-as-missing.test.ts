/**
 * Missing secrets under ABAC (docs/design.md §3): the user function's role is tag-conditioned, so AWS
 * answers a key that does not exist with AccessDeniedException, as it answers an untagged or a
 * system secret. The user provider reports every such refusal of a read, delete or restore as the
 * key missing (404), never as a refusal that would tell the caller the key exists; a refused write
 * stays a refusal.
 */
import { describe, expect, it } from 'vitest';
import { AccessDeniedError, UserProvider } from '../../core/index.js';
import { HookedStore, MemoryStore, type StoreCall } from '../support/memory-store.js';

/** A store whose IAM refuses every call that names `refused` (as AWS refuses the user role a key without its tag). */
function refusingStore(refused: string): HookedStore {
  const inner = new MemoryStore();
  inner.seedRaw(refused, 'legacy value');
  return new HookedStore(inner, {
    hook: (call: StoreCall, phase) => {
      const names = call.op === 'getMany' ? (call.options as string[]) : [call.key];
      if (phase === 'before' && names.includes(refused)) throw new AccessDeniedError(refused);
    },
  });
}

describe('the user provider over a store that refuses a key', () => {
  const key = 'OLD_KEY';

  it.each([
    ['get', (u: UserProvider) => u.get(key)],
    ['delete', (u: UserProvider) => u.delete(key)],
    ['restore', (u: UserProvider) => u.restore(key)],
    ['getMany', (u: UserProvider) => u.getMany(['other', key])],
  ])('answers %s with not_found, not access_denied', async (_label, act) => {
    // Prepare
    const user = new UserProvider(refusingStore(key), { isMigrated: async () => true });
    // Act
    const outcome = act(user);
    // Assess
    await expect(outcome).rejects.toMatchObject({ code: 'not_found' });
  });

  it('answers a version read with not_found', async () => {
    const user = new UserProvider(refusingStore(key), { isMigrated: async () => true });
    await expect(user.getVersion(key, 'previous')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('counts a refused key of a bulk delete as missing and still deletes the others', async () => {
    // Prepare
    const store = refusingStore(key);
    await store.inner.put('mine', 'v');
    const user = new UserProvider(store, { isMigrated: async () => true });
    // Act
    const result = await user.deleteMany(['mine', key]);
    // Assess
    expect(result).toEqual({ deleted: ['mine'], missing: [key] });
  });

  it('keeps a refused write a refusal (access_denied): the key exists and is not the caller’s', async () => {
    const user = new UserProvider(refusingStore(key), { isMigrated: async () => true });
    await expect(user.set(key, 'new value')).rejects.toMatchObject({ code: 'access_denied' });
  });
});
