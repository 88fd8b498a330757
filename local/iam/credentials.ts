/**
 * The access key pair of each local principal: derived from the principal's name alone, so they are
 * the same on every desk, in every data directory and before any broker runs (the CLI prints them
 * without asking one). They protect nothing: anyone can derive them, as anyone can read the local
 * store's files on this desk. The endpoint listens on loopback only; these keys choose *which* of
 * the stack's principals a call acts as, they keep nobody out.
 */
import { createHash } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function digest(label: string, principal: string): Buffer {
  return createHash('sha256').update(`thv-broker-local:${label}:${principal}`).digest();
}

/** The access key id of `principal`: `AKIA` and 16 base32 characters, as an AWS key id looks. */
export function localAccessKeyId(principal: string): string {
  const bytes = digest('access-key-id', principal);
  let out = 'AKIA';
  for (let i = 0; i < 16; i += 1) out += BASE32[(bytes[i] as number) % 32];
  return out;
}

/** The secret access key of `principal`: 40 characters, as an AWS secret key looks. */
export function localSecretAccessKey(principal: string): string {
  return digest('secret-access-key', principal).toString('base64').replace(/[+/=]/g, 'x').slice(0, 40);
}
