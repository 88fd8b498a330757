/** Process entry of `thv-broker` (bin/thv-broker.js loads this through tsx). */
import { processIo } from './io.js';
import { run } from './program.js';

// `thv-broker secret list | head` closes the pipe early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await run(process.argv.slice(2), processIo());
