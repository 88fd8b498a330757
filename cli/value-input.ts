/**
 * Where a secret value comes from: piped stdin, or a hidden prompt on a terminal. Never argv: a
 * value there lands in shell history and in every `ps` listing on the machine.
 */
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';
import { readHiddenLine } from './prompt.js';

/** Options of {@link readValue}. */
export interface ReadValueOptions {
  /** What the value is for, shown in the prompt (a key, never a value). */
  readonly label: string;
  /**
   * Keep piped input byte for byte; by default one trailing newline (`echo`'s) is dropped.
   * @default false
   */
  readonly keepNewline?: boolean | undefined;
}

/** Reads the value to store; throws {@link UsageError} when there is none or it is not UTF-8 text. */
export async function readValue(io: CliIo, options: ReadValueOptions): Promise<string> {
  const value = io.stdin.isTTY
    ? await readHiddenLine(io.stdin, io.stderr, `Value for ${options.label} (input hidden): `)
    : trimNewline(await readPiped(io), options.keepNewline ?? false);
  if (value === '') {
    throw new UsageError(`no value given for ${options.label}: pipe it on stdin or type it at the prompt`);
  }
  return value;
}

async function readPiped(io: CliIo): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  try {
    // Secrets Manager stores strings: refuse bytes that would be silently mangled into U+FFFD.
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new UsageError('the value on stdin is not UTF-8 text; encode binary values (e.g. base64) first');
  }
}

function trimNewline(text: string, keep: boolean): string {
  if (keep) return text;
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  if (text.endsWith('\n')) return text.slice(0, -1);
  return text;
}
