/**
 * `thv-broker completion bash|zsh|fish`: scripts generated from the commander tree, not
 * written per command. Each script must parse in its shell (zsh and fish are skipped, with the
 * reason printed, where they are not installed), and bash must complete real command lines.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from '@commander-js/extra-typings';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completionScript } from '../../cli/completion/shells.js';
import { completionTable } from '../../cli/completion/tree.js';
import { run } from '../../cli/program.js';
import { fakeIo } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'thv-completion-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The script `thv-broker completion <shell>` prints, saved to a file. */
async function script(shell: string): Promise<string> {
  const { io, stdout } = fakeIo();
  expect(await run(['completion', shell], io)).toBe(0);
  const file = join(dir, `thv-broker.${shell}`);
  writeFileSync(file, stdout.text);
  return file;
}

const installed = (shell: string) => spawnSync(shell, ['-c', 'exit 0']).status === 0;

describe('the completion table', () => {
  it('is read from the command tree: a command or option added to a program completes', () => {
    // Prepare
    const program = new Command('p').option('--global <v>');
    program
      .command('alpha')
      .option('--beta')
      .addOption(new Option('--mode <m>').choices(['x', 'y']))
      .addOption(new Option('--secret-flag').hideHelp());
    // Act
    const table = completionTable(program);
    // Assess
    expect(table['']?.words).toEqual(['alpha', '--global', '--help', '-h']);
    expect(table.alpha?.words).toEqual(['--global', '--help', '-h', '--beta', '--mode']);
    expect(table.alpha?.valueOptions).toEqual(['--global', '--mode']);
    expect(table.alpha?.choices).toEqual({ '--mode': ['x', 'y'] });
  });

  it("has every command of thv-broker, and the scope commands after a scope's name", async () => {
    // Act
    const { io, stdout } = fakeIo();
    await run(['completion', 'bash'], io);
    // Assess: the words offered at the top and after `scope <scope>`
    for (const word of ['secret', 'scope', 'exec', 'migrate', 'completion', '--endpoint', '--version'])
      expect(stdout.text).toContain(word);
    expect(stdout.text).toContain("'scope @') echo 'list get set delete restore export cleanup");
  });
});

describe('bash', () => {
  let file: string;
  beforeAll(async () => {
    file = await script('bash');
  });

  /** What bash's completion function offers for `line` (a trailing space completes a new word). */
  function complete(line: string): string[] {
    const out = execFileSync(
      'bash',
      [
        '-c',
        `source "$1"; read -ra COMP_WORDS <<< "$2"; [[ $2 == *" " ]] && COMP_WORDS+=(""); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _thv_broker; printf '%s\\n' "\${COMPREPLY[@]}"`,
        'bash',
        file,
        line,
      ],
      { encoding: 'utf8' },
    );
    return out.split('\n').filter((w) => w !== '');
  }

  it('parses (bash -n) and registers for thv-broker', () => {
    execFileSync('bash', ['-n', file]);
    expect(
      execFileSync('bash', ['-c', 'source "$1"; complete -p thv-broker', 'bash', file], { encoding: 'utf8' }),
    ).toContain('-F _thv_broker thv-broker');
  });

  it.each([
    ['thv-broker sec', ['secret']],
    ['thv-broker secret ex', ['export']],
    ['thv-broker secret export --f', ['--format', '--force']],
    ['thv-broker secret export --format ', ['dotenv', 'json']],
    ['thv-broker scope w', ['workloads']],
    ['thv-broker scope workloads cl', ['cleanup']],
    ['thv-broker --endpoint http://127.0.0.1:18850 sec', ['secret']],
    ['thv-broker exec --to', ['--toolhive']],
    ['thv-broker migrate plan --reg', ['--region']],
    ['thv-broker secret get --version abc --pre', ['--previous']],
    [
      'thv-broker completion ',
      [
        'bash',
        'zsh',
        'fish',
        '--version',
        '-V',
        '--endpoint',
        '--region',
        '--json',
        '--sign',
        '--help',
        '-h',
      ],
    ],
    ['thv-broker secret get K --ver', ['--version']],
    ['thv-broker completion b', ['bash']],
    ['thv-broker secret set --val', []],
  ])('completes %j to %j', (line, words) => {
    expect(complete(line)).toEqual(words);
  });
});

describe.each(['zsh', 'fish'])('%s', (shell) => {
  it(`parses (${shell} -n)`, async (context) => {
    if (!installed(shell)) {
      console.log(`skipped: ${shell} is not installed on this machine, so its script is not parsed here`);
      context.skip();
    }
    const file = await script(shell);
    execFileSync(shell, ['-n', file]);
  });
});

describe('completion', () => {
  it('refuses a shell it has no script for', async () => {
    const { io, stderr } = fakeIo();
    expect(await run(['completion', 'powershell'], io)).toBe(1);
    expect(stderr.text).toContain('bash, zsh, fish');
  });

  it('renders the same table for every shell (one source)', () => {
    const table = completionTable(new Command('p').addCommand(new Command('only-command')));
    for (const shell of ['bash', 'zsh', 'fish'] as const)
      expect(completionScript(shell, table)).toContain('only-command');
  });
});
