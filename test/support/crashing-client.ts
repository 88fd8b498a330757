/**
 * A Secrets Manager client that dies part-way, as a process killed between two AWS calls would:
 * the call it dies on is never sent.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * What a crash-injecting test throws instead of a call: the process is gone. Not a broker error, so
 * nothing in the code may treat it as a known case.
 */
export class ProcessKilled extends Error {
  override name = 'ProcessKilled';
}

/** One call the client is about to send. */
export interface PendingCall {
  /** The operation, e.g. `CreateSecret`. */
  readonly operation: string;
  /** The command's input. */
  readonly input: { readonly SecretId?: string; readonly Name?: string };
  /** How many calls this client sent before this one. */
  readonly sent: number;
}

/**
 * Makes `client` die on each call `diesOn` picks: that call throws {@link ProcessKilled} instead of
 * being sent (`({ sent }) => sent >= n` lets n calls out and then none). Changes `client` itself (a
 * middleware), so give it a client of its own; `sent`, when given, receives the operation of each
 * call that went out.
 */
export function crashing<C extends SecretsManagerClient>(
  client: C,
  diesOn: (call: PendingCall) => boolean,
  sent: string[] = [],
): C {
  let count = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      const input = args.input as PendingCall['input'];
      if (diesOn({ operation, input, sent: count })) throw new ProcessKilled(`killed before ${operation}`);
      count += 1;
      sent.push(operation);
      return next(args);
    },
    // Before the retry loop: a dead process makes no attempt at all, not one that fails.
    { step: 'initialize', name: 'crashInjection' },
  );
  return client;
}
