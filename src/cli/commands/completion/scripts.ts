import { quoteArgv } from '../../output/shellQuote.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/**
 * Each script hands the words typed so far (the last one the word being completed, maybe empty)
 * to `mcpctl __complete`, which prints one candidate per line. `self` is this mcpctl's absolute
 * command, so completion works whatever PATH the shell has.
 */
export function completionScript(shell: Shell, self: readonly string[]): string {
  const command = quoteArgv(self);
  if (shell === 'bash') {
    return `# mcpctl completion for bash: source <(mcpctl completion bash), or save it in
# ~/.local/share/bash-completion/completions/mcpctl
_mcpctl_complete() {
  local IFS=$'\\n'
  COMPREPLY=($(${command} __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _mcpctl_complete mcpctl
`;
  }
  if (shell === 'zsh') {
    return `#compdef mcpctl
# mcpctl completion for zsh: source <(mcpctl completion zsh) after compinit, or save it as _mcpctl in $fpath
_mcpctl() {
  local -a candidates
  candidates=("\${(@f)$(${command} __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -a candidates
}
if (( $+functions[compdef] )); then compdef _mcpctl mcpctl; fi
`;
  }
  return `# mcpctl completion for fish: mcpctl completion fish > ~/.config/fish/completions/mcpctl.fish
function __mcpctl_complete
    set -l tokens (commandline -opc) (commandline -ct)
    ${command} __complete $tokens[2..-1] 2>/dev/null
end
complete -c mcpctl -f -a '(__mcpctl_complete)'
`;
}
