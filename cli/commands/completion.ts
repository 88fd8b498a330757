/** `thv-broker completion bash|zsh|fish`: prints a completion script built from the program's own tree. */
import { Argument, Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { completionScript, SHELLS } from '../completion/shells.js';
import { completionTable } from '../completion/tree.js';
import type { CliIo } from '../io.js';

const HELP = `
Install:
  bash  source <(thv-broker completion bash)          (in ~/.bashrc), or save it as
        ~/.local/share/bash-completion/completions/thv-broker
  zsh   thv-broker completion zsh > "\${fpath[1]}/_thv-broker"   (then start a new shell)
  fish  thv-broker completion fish > ~/.config/fish/completions/thv-broker.fish`;

/** Builds `completion`; `program` is the whole command tree, read when the command runs. */
export function completionCommand(program: () => CommandUnknownOpts, io: CliIo) {
  return new Command('completion')
    .description('print a shell completion script (commands, subcommands, options) for bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS))
    .addHelpText('after', HELP)
    .action((shell) => {
      io.stdout.write(completionScript(shell, completionTable(program())));
    });
}
