/**
 * The command tree as completion needs it, read from the commander program itself (commands,
 * subcommands, options, option choices), so a new command or option completes without touching
 * the shell scripts. Flattened to states keyed by the path of subcommands typed so far
 * (`secret`, `scope @ list`), which is what every shell's script walks.
 */
import type { CommandUnknownOpts } from '@commander-js/extra-typings';

/** Stands for a command's free first argument in a path (the scope name of `scope <scope> …`). */
export const ARGUMENT = '@';

/** What completes after one path. */
export interface CompletionState {
  /** Subcommands and options offered here. */
  readonly words: readonly string[];
  /** Subcommand word → the path it leads to; {@link ARGUMENT} for any word. */
  readonly next: Readonly<Record<string, string>>;
  /** Options that take a value: the word after them is that value. */
  readonly valueOptions: readonly string[];
  /** Option → the values it accepts, offered after it. */
  readonly choices: Readonly<Record<string, readonly string[]>>;
}

/** Every state by path (`''` is the program itself). */
export type CompletionTable = Readonly<Record<string, CompletionState>>;

/** A command whose first operand comes before its subcommands (`scope <scope> list`). */
interface ArgumentFirst {
  readonly words: readonly string[];
  readonly subcommands: () => CommandUnknownOpts;
}

const argumentFirst = new WeakMap<CommandUnknownOpts, ArgumentFirst>();

/**
 * Declares that `command` takes one operand (completed from `words`) and then the subcommands of
 * the program `subcommands` builds, as `scope` does: commander cannot see those until it runs.
 */
export function completeArgumentThen(
  command: CommandUnknownOpts,
  words: readonly string[],
  subcommands: () => CommandUnknownOpts,
): void {
  argumentFirst.set(command, { words, subcommands });
}

interface Inherited {
  readonly flags: readonly string[];
  readonly valueOptions: readonly string[];
  readonly choices: Readonly<Record<string, readonly string[]>>;
}

/** The completion table of `program`. */
export function completionTable(program: CommandUnknownOpts): CompletionTable {
  const table: Record<string, CompletionState> = {};
  walk(program, '', { flags: [], valueOptions: [], choices: {} }, table);
  return table;
}

const visible = (command: CommandUnknownOpts) =>
  command.commands.filter((c) => (c as unknown as { _hidden?: boolean })._hidden !== true);

function walk(
  command: CommandUnknownOpts,
  path: string,
  inherited: Inherited,
  table: Record<string, CompletionState>,
) {
  // Options of the command and of every command above it: commander reads a parent's options
  // anywhere on the line.
  // Offered: what help shows (help and version included); read: every option, hidden ones too.
  const namesOf = (option: { long?: string; short?: string }) =>
    [option.long, option.short].filter((n): n is string => n !== undefined);
  const flags = command.createHelp().visibleOptions(command).flatMap(namesOf);
  const valueOptions: string[] = [];
  const choices: Record<string, readonly string[]> = {};
  for (const option of command.options) {
    const names = namesOf(option);
    if (option.required || option.optional) valueOptions.push(...names);
    if (option.argChoices) for (const n of names) choices[n] = option.argChoices;
  }
  const options: Inherited = {
    flags: unique([...inherited.flags, ...flags]),
    valueOptions: unique([...inherited.valueOptions, ...valueOptions]),
    choices: { ...inherited.choices, ...choices },
  };
  const join = (word: string) => (path === '' ? word : `${path} ${word}`);
  const special = argumentFirst.get(command);
  if (special !== undefined) {
    table[path] = {
      words: [...special.words, ...options.flags],
      next: { [ARGUMENT]: join(ARGUMENT) },
      ...pick(options),
    };
    walk(special.subcommands(), join(ARGUMENT), options, table);
    return;
  }
  const children = visible(command);
  const next: Record<string, string> = {};
  for (const child of children) next[child.name()] = join(child.name());
  // A first operand with fixed choices (`completion <shell>`) completes like a subcommand.
  const operand = command.registeredArguments[0]?.argChoices ?? [];
  table[path] = {
    words: [...children.map((c) => c.name()), ...operand, ...options.flags],
    next,
    ...pick(options),
  };
  for (const child of children) walk(child, join(child.name()), options, table);
}

const pick = (options: Inherited) => ({ valueOptions: options.valueOptions, choices: options.choices });
const unique = (words: readonly string[]) => [...new Set(words)];
