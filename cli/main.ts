/** Process entry of `thv-broker` (bin/thv-broker.js calls {@link main}, from dist/ or through tsx). */
import { processIo } from './io.js';
import { type CliExtensions, run } from './program.js';

/** Runs the CLI on this process's arguments and streams, and sets the exit code. */
export async function main(extensions: CliExtensions = {}): Promise<void> {
  // `thv-broker secret list | head` closes the pipe early: that is the reader's choice, not a failure.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  process.exitCode = await run(process.argv.slice(2), processIo(), extensions);
}
