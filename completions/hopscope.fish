# fish completion for hopscope. Installed as share/fish/vendor_completions.d/hopscope.fish.

set -l commands analyze analyse explain probe mx

complete -c hopscope -f
complete -c hopscope -n "not __fish_seen_subcommand_from $commands" -l help -s h -d 'Show help'
complete -c hopscope -n "not __fish_seen_subcommand_from $commands" -l version -d 'Show version and build options'
complete -c hopscope -n "not __fish_seen_subcommand_from $commands" -a analyze -d 'Rebuild and explain the Received chain'
complete -c hopscope -n "not __fish_seen_subcommand_from $commands" -a explain -d 'Explain SMTP codes (offline)'
complete -c hopscope -n "not __fish_seen_subcommand_from $commands" -a probe -d 'Check mail servers'
complete -c hopscope -n "not __fish_seen_subcommand_from $commands" -a mx -d "List a domain's MX hosts"

# analyze
set -l an '__fish_seen_subcommand_from analyze analyse'
complete -c hopscope -n $an -F -d 'Message, directory, mbox or Maildir'
complete -c hopscope -n $an -l json -d 'Print JSON'
complete -c hopscope -n $an -l ndjson -d 'One JSON object per message per line'
complete -c hopscope -n $an -l csv -x -a hops -d 'Print CSV'
complete -c hopscope -n $an -l html -r -F -d 'Write an HTML report of one message'
complete -c hopscope -n $an -l summary -d 'Print a batch summary'
complete -c hopscope -n $an -l pretty -d 'Indent JSON'
complete -c hopscope -n $an -s j -l jobs -x -d 'Worker threads'
complete -c hopscope -n $an -l files-from -r -F -d 'Read input paths from FILE'
complete -c hopscope -n $an -s 0 -l null -d '--files-from list is NUL-separated'
complete -c hopscope -n $an -l no-repair -d 'Do not repair pasted text'
complete -c hopscope -n $an -l follow -d 'Follow symbolic links'
complete -c hopscope -n $an -l trusted-host -x -a '(__fish_print_hostnames)' -d 'A host of the receiving side'
complete -c hopscope -n $an -l internal-net -x -d 'A network of the receiving side (CIDR)'
complete -c hopscope -n $an -l max-size -x -d 'Skip files larger than this'
complete -c hopscope -n $an -s q -l quiet -d 'No progress line'
complete -c hopscope -n $an -l color -l colour -x -a 'auto always never' -d 'Colour'

# explain
complete -c hopscope -n '__fish_seen_subcommand_from explain' -l json -d 'Print a JSON array'

complete -c hopscope -n $an -l probe -d "Probe each hop's server (contacts them)"
complete -c hopscope -n $an -s v -l verbose -d 'With --probe: keep the SMTP transcript'

# probe and mx (the settings also apply to analyze --probe)
set -l pr '__fish_seen_subcommand_from probe mx analyze analyse'
set -l po '__fish_seen_subcommand_from probe mx'
complete -c hopscope -n $po -a '(__fish_print_hostnames)'
complete -c hopscope -n '__fish_seen_subcommand_from mx' -l probe -d 'Also probe each MX address'
complete -c hopscope -n $po -l json -d 'Print one JSON document'
complete -c hopscope -n $po -l ndjson -d 'One JSON object per target per line'
complete -c hopscope -n $po -l pretty -d 'Indent JSON'
complete -c hopscope -n $po -s v -l verbose -d 'Show the SMTP transcript'
complete -c hopscope -n $pr -l allow-private -d 'Also probe non-global addresses'
complete -c hopscope -n $pr -l port -x -d 'SMTP port'
complete -c hopscope -n $pr -l ehlo -x -d 'EHLO name'
complete -c hopscope -n $pr -l dns-server -x -d 'DNS server ADDR[:PORT]'
complete -c hopscope -n $pr -l no-smtp -d 'Skip the SMTP check'
complete -c hopscope -n $pr -l no-starttls -d 'Do not try STARTTLS'
complete -c hopscope -n $pr -l no-dns -d 'Skip reverse DNS'
complete -c hopscope -n $pr -l no-ping -d 'Skip the reachability check'
complete -c hopscope -n $pr -l parallel -x -a '1 2 3 4 5 6 7 8' -d 'Probes at once'
complete -c hopscope -n $pr -l connect-timeout -x -d 'Seconds'
complete -c hopscope -n $pr -l greeting-timeout -x -d 'Seconds'
complete -c hopscope -n $pr -l ehlo-timeout -x -d 'Seconds'
complete -c hopscope -n $pr -l starttls-timeout -x -d 'Seconds'
complete -c hopscope -n $pr -l dns-timeout -x -d 'Seconds'
complete -c hopscope -n $pr -l timeout -x -d 'Seconds per probe in all'
