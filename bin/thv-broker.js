#!/usr/bin/env node
// Entry of the `thv-broker` command (package.json "bin"). The CLI is TypeScript; tsx compiles it
// on the fly in this same process, so stdin, stdout, signals and the exit code stay the CLI's own.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
