/** Terminal prompts: hidden input for values, typed confirmation for cleanup. */
import { describe, expect, it } from 'vitest';
import { InterruptedError } from '../../cli/errors.js';
import { readHiddenLine, readLine } from '../../cli/prompt.js';
import { Capture, FakeTty } from './support.js';

describe('readHiddenLine', () => {
  it('returns the typed line without echoing it, in raw mode until Enter', async () => {
    // Prepare
    const tty = new FakeTty();
    const out = new Capture(true);
    // Act
    const answer = readHiddenLine(tty, out, 'Value: ');
    tty.write('s3cr');
    tty.write('3t\r');
    // Assess
    expect(await answer).toBe('s3cr3t');
    expect(out.text).toBe('Value: \n');
    expect(tty.rawModes).toEqual([true, false]);
  });

  it('applies backspace to whole characters', async () => {
    // Prepare
    const tty = new FakeTty();
    // Act
    const answer = readHiddenLine(tty, new Capture(true), 'Value: ');
    tty.write('ab🔑\u007fc\n');
    // Assess
    expect(await answer).toBe('abc');
  });

  it('throws InterruptedError on Ctrl-C and leaves raw mode', async () => {
    // Prepare
    const tty = new FakeTty();
    // Act
    const answer = readHiddenLine(tty, new Capture(true), 'Value: ');
    tty.write('half\u0003');
    // Assess
    await expect(answer).rejects.toThrow(InterruptedError);
    expect(tty.rawModes).toEqual([true, false]);
  });
});

describe('readLine', () => {
  it('returns the first line typed', async () => {
    // Prepare
    const tty = new FakeTty();
    // Act
    const answer = readLine(tty, new Capture(true), 'Confirm: ');
    tty.write('workloads\nrest');
    // Assess
    expect(await answer).toBe('workloads');
  });

  it('returns what was typed when input ends without a newline', async () => {
    // Prepare
    const tty = new FakeTty();
    // Act
    const answer = readLine(tty, new Capture(true), 'Confirm: ');
    tty.end('partial');
    // Assess
    expect(await answer).toBe('partial');
  });
});
