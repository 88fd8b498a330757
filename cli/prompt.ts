/** Questions asked on a terminal: a hidden line (for values) and a typed confirmation. */
import { InterruptedError } from './errors.js';
import type { InputStream, OutputStream } from './io.js';

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACE = new Set(['\u007f', '\b']);

/**
 * Reads one line from a terminal with echo off (raw mode), so the answer never appears on screen
 * or in scrollback. Ctrl-C throws {@link InterruptedError}; Enter or Ctrl-D ends the line.
 */
export function readHiddenLine(input: InputStream, output: OutputStream, prompt: string): Promise<string> {
  output.write(prompt);
  input.setRawMode?.(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let line = '';
    const finish = (error?: Error) => {
      input.removeListener('data', onData);
      input.setRawMode?.(false);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(line);
    };
    const onData = (chunk: string | Buffer) => {
      for (const char of String(chunk)) {
        if (char === CTRL_C) return finish(new InterruptedError());
        if (char === '\r' || char === '\n' || char === CTRL_D) return finish();
        if (BACKSPACE.has(char)) line = Array.from(line).slice(0, -1).join('');
        else line += char;
      }
    };
    input.on('data', onData);
  });
}

/** Reads one visible line from a terminal (the answer to a confirmation). */
export function readLine(input: InputStream, output: OutputStream, prompt: string): Promise<string> {
  output.write(prompt);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve) => {
    let line = '';
    const finish = () => {
      input.removeListener('data', onData);
      input.removeListener('end', finish);
      input.pause();
      resolve(line);
    };
    const onData = (chunk: string | Buffer) => {
      const text = String(chunk);
      const end = text.search(/[\r\n]/);
      line += end === -1 ? text : text.slice(0, end);
      if (end !== -1) finish();
    };
    input.on('data', onData);
    input.on('end', finish);
  });
}
