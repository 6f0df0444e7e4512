#!/usr/bin/env bash
# CLI tests for `hopscope explain`: codes and replies on the command line and stdin, JSON shape,
# exit codes, and terminal escapes in the input never reaching the terminal.
# Usage: explain_test.sh path/to/hopscope path/to/source-tree
set -uo pipefail
bin="$1"
root="$2"
source "$(dirname "$0")/lib.sh"

# --- usage
expect_exit 0 "explain --help" -- "$bin" explain --help
contains "$work/out" "Examples:" "help has examples"
expect_exit 2 "unknown option is a usage error" -- "$bin" explain --bogus 550

# --- codes on the command line
expect_exit 0 "a reply code" -- "$bin" explain 550
contains "$work/out" "mailbox unavailable" "550 title"
contains "$work/out" "permanent" "550 is permanent"
contains "$work/out" "mail system" "second digit explained"
expect_exit 0 "an enhanced code" -- "$bin" explain 5.1.1
contains "$work/out" "Bad destination mailbox address" "5.1.1 title"
expect_exit 0 "several codes" -- "$bin" explain 421 4.7.0 556 2.0.0
contains "$work/out" "null MX" "556 explained"
contains "$work/out" "temporary failure" "421 is temporary"
expect_exit 0 "qmail-style code" -- "$bin" explain "#5.7.1"
contains "$work/out" "Delivery not authorized" "#5.7.1 explained"
expect_exit 0 "unregistered detail still explained" -- "$bin" explain 4.7.650
contains "$work/out" "not in the IANA registry" "generic detail said"

# --- whole replies
expect_exit 0 "single-line reply" -- "$bin" explain "554 5.7.1 <x@example.com>: Relay access denied"
contains "$work/out" "Relay access denied" "relay vendor match"
contains "$work/out" "5.7.1" "status shown"
expect_exit 0 "reply after a prefix (rhost-microsoft-03)" -- "$bin" explain \
  "host x said: 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"
contains "$work/out" "Microsoft 365: recipient not found" "RESOLVER match"

# --- stdin: a multi-line Gmail reply (lhost-postfix-70 / lhost-sendmail-58 shape)
cat >"$work/gmail.txt" <<'EOF'
550-5.7.26 Unauthenticated email from example.org is not accepted due to
550-5.7.26 domain's DMARC policy. Please contact the administrator of
550 5.7.26 example.org domain if this was a legitimate mail. z2si1584129pfn.61 - gsmtp
EOF
expect_exit_stdin 0 "multi-line reply on stdin" "$work/gmail.txt" -- "$bin" explain
contains "$work/out" "Multiple authentication checks failed" "5.7.26 explained"
contains "$work/out" "DMARC policy" "Gmail DMARC match"
expect_exit_stdin 0 "stdin with -" "$work/gmail.txt" -- "$bin" explain -
expect_exit_stdin 0 "CRLF stdin" <(sed 's/$/\r/' "$work/gmail.txt") -- "$bin" explain
contains "$work/out" "DMARC policy" "CRLF reply matched"
printf '550\n5.1.1\n\n421 4.7.0 [TSS04] Messages from 192.0.2.1\n    temporarily deferred due to volume\n' >"$work/mixed.txt"
expect_exit_stdin 0 "several items on stdin" "$work/mixed.txt" -- "$bin" explain --json
json_check "$work/out" "[x['code'] for x in d] == ['550','5.1.1','421','4.7.0']" "stdin split into items"
json_check "$work/out" "any(v['id']=='yahoo_tss04' for v in d[3]['vendor'])" "folded Yahoo reply matched"
expect_exit_stdin 1 "empty stdin" /dev/null -- "$bin" explain

# --- JSON
expect_exit 0 "--json" -- "$bin" explain --json "550 5.7.26 This mail has been blocked because the sender is unauthenticated."
json_check "$work/out" "isinstance(d, list) and len(d) == 2" "one object per code"
json_check "$work/out" "all(k in x for x in d for k in ('code','kind','title','meaning','permanent','reference','temporary','who_acts','what_to_try','vendor','contradictions'))" "required keys"
json_check "$work/out" "d[0]['kind']=='reply' and d[1]['kind']=='enhanced' and d[0]['permanent'] is True" "kinds and permanence"
json_check "$work/out" "d[1]['vendor'][0]['id']=='gmail_unauthenticated'" "vendor match in JSON"
expect_exit 0 "contradiction in JSON" -- "$bin" explain --json "550 4.2.2 mailbox full, try again later"
json_check "$work/out" "{c['code'] for c in d[0]['contradictions']} == {'class_mismatch','text_says_temporary'}" "contradictions listed"
expect_exit 1 "--json with an unknown input" -- "$bin" explain --json 550 nonsense
json_check "$work/out" "len(d)==2 and d[1]['kind']=='unknown' and d[1]['code'] is None" "unknown input kept in JSON"

# --- exit 1 for unknown, but what could be explained is still printed
expect_exit 1 "an unknown code" -- "$bin" explain 999
contains "$work/err" "not a reply code" "error says why"
expect_exit 1 "known and unknown" -- "$bin" explain 550 banana
contains "$work/out" "mailbox unavailable" "known one still printed"
expect_exit 1 "bad class" -- "$bin" explain 7.1.1

# --- escapes in input never reach the terminal
esc=$'550 5.1.1 \e[31mred\e]0;title\a \xe2\x80\xae bidi'
expect_exit 0 "escape sequences in a reply" -- "$bin" explain "$esc"
if grep -q $'\e' "$work/out" "$work/err"; then fail "ESC reached the terminal"; else ok; fi
if grep -q $'\a' "$work/out"; then fail "BEL reached the terminal"; else ok; fi
lacks "$work/out" $'\xe2\x80\xae' "bidi override reached the terminal"
expect_exit 1 "escape in an unknown input" -- "$bin" explain $'\e[2Jhello'
if grep -q $'\e' "$work/out" "$work/err"; then fail "ESC reached stderr"; else ok; fi
expect_exit 0 "escapes in JSON are valid JSON" -- "$bin" explain --json "$esc"
json_check "$work/out" "'\\x1b' in d[0]['input']" "JSON keeps the byte, escaped"

# --- hostile input on stdin stays bounded
"$py" -c "import sys; sys.stdout.write('550 5.1.1 ' + 'a'*(2<<20))" >"$work/big.txt"
expect_exit_stdin 0 "2 MB line on stdin" "$work/big.txt" -- timeout 20 "$bin" explain
if [[ $(wc -c <"$work/out") -lt 20000 ]]; then ok; else fail "output for a huge line is not bounded"; fi
head -c 200000 /dev/urandom >"$work/random.bin"
"$bin" explain <"$work/random.bin" >"$work/out" 2>"$work/err"
rc=$?
if [[ $rc == 0 || $rc == 1 ]]; then
  ok
else
  # The input is new on every run: keep it, or the failure could not be reproduced.
  kept="$(mktemp "${TMPDIR:-/tmp}/hopscope-explain-random.XXXXXX")"
  cp "$work/random.bin" "$kept"
  fail "random bytes: exit $rc (input kept in $kept)"
fi

finish explain
