# bash completion for hopscope                                    -*- shell-script -*-
# Installed as share/bash-completion/completions/hopscope (loaded on demand).

_hopscope() {
  local cur prev words cword
  if declare -F _init_completion >/dev/null 2>&1; then
    _init_completion || return
  else
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    words=("${COMP_WORDS[@]}")
    cword=$COMP_CWORD
  fi

  local commands="analyze explain probe mx"
  local command="" i
  for ((i = 1; i < cword; i++)); do
    case "${words[i]}" in
      analyze | analyse | explain | probe | mx) command="${words[i]}"; break ;;
    esac
  done

  local probe_settings="--allow-private --port --ehlo --dns-server --no-smtp --no-starttls
    --no-dns --no-ping --parallel --connect-timeout --greeting-timeout --ehlo-timeout
    --starttls-timeout --dns-timeout --timeout"
  local probe_opts="--json --ndjson --pretty -v --verbose $probe_settings --help"

  case "$command" in
    "")
      COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
      return
      ;;
    analyze | analyse)
      case "$prev" in
        --html | --files-from)
          COMPREPLY=($(compgen -f -- "$cur"))
          return
          ;;
        --csv) COMPREPLY=($(compgen -W "hops" -- "$cur")); return ;;
        --color | --colour) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
        -j | --jobs | --max-size | --trusted-host | --internal-net) return ;;
        --port | --ehlo | --dns-server | --parallel | --*-timeout | --timeout) return ;;
      esac
      if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "--json --ndjson --csv --html --summary --pretty -j --jobs
          --files-from -0 --null --no-repair --follow --trusted-host --internal-net
          --max-size -q --quiet --color --colour --probe -v --verbose $probe_settings
          --help" -- "$cur"))
      else
        COMPREPLY=($(compgen -f -- "$cur"))
      fi
      ;;
    explain)
      COMPREPLY=($(compgen -W "--json --help" -- "$cur"))
      ;;
    probe | mx)
      case "$prev" in
        --port | --ehlo | --dns-server | --parallel | --*-timeout | --timeout) return ;;
      esac
      if [[ "$cur" == -* ]]; then
        local extra=""
        [[ "$command" == mx ]] && extra="--probe"
        COMPREPLY=($(compgen -W "$probe_opts $extra" -- "$cur"))
      else
        COMPREPLY=($(compgen -A hostname -- "$cur"))
      fi
      ;;
  esac
}
complete -o filenames -o bashdefault -F _hopscope hopscope
