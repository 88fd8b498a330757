/**
 * Completion scripts for bash, zsh and fish, rendered from a {@link CompletionTable}. Each script
 * walks the words typed so far through the table's paths (skipping options and their values,
 * stopping at `--`, after which `exec`'s command is the shell's own business) and offers the words
 * of the path reached, or an option's choices right after it.
 */
import { ARGUMENT, type CompletionTable } from './tree.js';

/** The shells `thv-broker completion` writes a script for. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** One of {@link SHELLS}. */
export type Shell = (typeof SHELLS)[number];

/** A word in single quotes for sh, zsh and fish (the table's words never hold a quote; be safe). */
const q = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/** How one shell writes each kind of table entry as a branch of its lookup functions. */
interface Branches {
  next(path: string, word: string, to: string): string;
  argument(path: string, to: string): string;
  words(path: string, words: readonly string[]): string;
  values(path: string, options: readonly string[]): string;
  choices(path: string, option: string, values: readonly string[]): string;
}

/** The table as the branches of the five lookups, each list in table order. */
function branches(table: CompletionTable, shell: Branches) {
  const out = {
    next: [] as string[],
    argument: [] as string[],
    words: [] as string[],
    values: [] as string[],
    choices: [] as string[],
  };
  for (const [path, state] of Object.entries(table)) {
    for (const [word, to] of Object.entries(state.next)) {
      if (word === ARGUMENT) out.argument.push(shell.argument(path, to));
      else out.next.push(shell.next(path, word, to));
    }
    out.words.push(shell.words(path, state.words));
    if (state.valueOptions.length > 0) out.values.push(shell.values(path, state.valueOptions));
    for (const [option, list] of Object.entries(state.choices))
      out.choices.push(shell.choices(path, option, list));
  }
  return out;
}

/** The four lookup functions, in the `case` syntax bash and zsh share. */
function shCaseFunctions(table: CompletionTable): string {
  const { next, argument, words, values, choices } = branches(table, {
    next: (path, word, to) => `    ${q(`${path}|${word}`)}) echo ${q(to)} ;;`,
    argument: (path, to) => `    ${q(`${path}|`)}*) echo ${q(to)} ;;`,
    words: (path, list) => `    ${q(path)}) echo ${q(list.join(' '))} ;;`,
    values: (path, options) => `    ${options.map((o) => q(`${path}|${o}`)).join('|')}) return 0 ;;`,
    choices: (path, option, list) => `    ${q(`${path}|${option}`)}) echo ${q(list.join(' '))} ;;`,
  });
  const fn = (name: string, arms: string[], tail = '') =>
    `${name}() {\n  case "$1|$2" in\n${arms.join('\n')}\n  esac${tail}\n}`;
  return [
    '# The path reached from path $1 by the word $2 (a subcommand, or an argument), or nothing.',
    fn('_thv_broker_next', [...next, ...argument]),
    '# The subcommands and options offered at path $1.',
    `_thv_broker_words() {\n  case "$1" in\n${words.join('\n')}\n  esac\n}`,
    '# Succeeds when option $2 takes a value at path $1.',
    fn('_thv_broker_takes_value', values, '\n  return 1'),
    '# The values offered right after option $2 at path $1.',
    fn('_thv_broker_choices', choices),
  ].join('\n');
}

function bash(table: CompletionTable): string {
  return `# bash completion for thv-broker, generated from its command tree by \`thv-broker completion bash\`.
# Use: source <(thv-broker completion bash), or save it as
# ~/.local/share/bash-completion/completions/thv-broker
${shCaseFunctions(table)}
_thv_broker() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cpath="" w n i skip=0
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if ((skip)); then skip=0; continue; fi
    if [[ $w == -- ]]; then COMPREPLY=(); compopt -o default 2>/dev/null; return 0; fi
    if [[ $w == -* ]]; then _thv_broker_takes_value "$cpath" "$w" && skip=1; continue; fi
    n="$(_thv_broker_next "$cpath" "$w")"
    [[ -n $n ]] && cpath="$n"
  done
  if ((skip)); then
    COMPREPLY=($(compgen -W "$(_thv_broker_choices "$cpath" "\${COMP_WORDS[COMP_CWORD - 1]}")" -- "$cur"))
    return 0
  fi
  COMPREPLY=($(compgen -W "$(_thv_broker_words "$cpath")" -- "$cur"))
}
complete -F _thv_broker thv-broker
`;
}

function zsh(table: CompletionTable): string {
  return `#compdef thv-broker
# zsh completion for thv-broker, generated from its command tree by \`thv-broker completion zsh\`.
# Use: thv-broker completion zsh > "\${fpath[1]}/_thv-broker" (then a new shell), or, after
# compinit: source <(thv-broker completion zsh)
${shCaseFunctions(table)}
_thv_broker() {
  local cpath="" w n i skip=0
  local -a offer
  for ((i = 2; i < CURRENT; i++)); do
    w="\${words[i]}"
    if ((skip)); then skip=0; continue; fi
    if [[ $w == -- ]]; then _files; return; fi
    if [[ $w == -* ]]; then _thv_broker_takes_value "$cpath" "$w" && skip=1; continue; fi
    n="$(_thv_broker_next "$cpath" "$w")"
    [[ -n $n ]] && cpath="$n"
  done
  if ((skip)); then
    offer=(\${=$(_thv_broker_choices "$cpath" "\${words[CURRENT - 1]}")})
  else
    offer=(\${=$(_thv_broker_words "$cpath")})
  fi
  compadd -a offer
}
if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  _thv_broker "$@"
else
  compdef _thv_broker thv-broker
fi
`;
}

function fish(table: CompletionTable): string {
  const { next, argument, words, values, choices } = branches(table, {
    next: (path, word, to) => `        case ${q(`${path}|${word}`)}\n            echo ${q(to)}`,
    argument: (path, to) => `    if test "$p" = ${q(path)}\n        echo ${q(to)}\n        return\n    end`,
    words: (path, list) => `        case ${q(path)}\n            printf '%s\\n' ${list.map(q).join(' ')}`,
    values: (path, options) =>
      `        case ${options.map((o) => q(`${path}|${o}`)).join(' ')}\n            return 0`,
    choices: (path, option, list) =>
      `        case ${q(`${path}|${option}`)}\n            printf '%s\\n' ${list.map(q).join(' ')}`,
  });
  return `# fish completion for thv-broker, generated from its command tree by \`thv-broker completion fish\`.
# Use: thv-broker completion fish > ~/.config/fish/completions/thv-broker.fish
function __thv_broker_next --argument-names p w
    switch "$p|$w"
${next.join('\n')}
    end
${argument.join('\n')}
end

function __thv_broker_words --argument-names p
    switch "$p"
${words.join('\n')}
    end
end

function __thv_broker_takes_value --argument-names p w
    switch "$p|$w"
${values.join('\n')}
    end
    return 1
end

function __thv_broker_choices --argument-names p w
    switch "$p|$w"
${choices.join('\n')}
    end
end

function __thv_broker_complete
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l cpath ''
    set -l skip 0
    set -l last ''
    for w in $tokens
        set last $w
        if test $skip = 1
            set skip 0
            continue
        end
        if test "$w" = '--'
            __fish_complete_path (commandline -ct)
            return
        end
        if string match -q -- '-*' $w
            if __thv_broker_takes_value "$cpath" $w
                set skip 1
            end
            continue
        end
        set -l n (__thv_broker_next "$cpath" $w)
        if test -n "$n"
            set cpath $n
        end
    end
    if test $skip = 1
        __thv_broker_choices "$cpath" $last
        return
    end
    __thv_broker_words "$cpath"
end

complete -c thv-broker -f -a '(__thv_broker_complete)'
`;
}

/** The completion script of `shell` for `table`. */
export function completionScript(shell: Shell, table: CompletionTable): string {
  return { bash, zsh, fish }[shell](table);
}
