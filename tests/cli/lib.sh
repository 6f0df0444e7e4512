# Shared by the CLI test scripts (sourced, not run): a scratch directory, pass/fail counters
# and the checks. Every check counts one pass or one failure; `finish NAME` prints the tally
# and sets the exit status.
export TZ=UTC NO_COLOR=1
py=/usr/bin/python3
work="$(mktemp -d)"
chmod 755 "$work"  # the batch test reads it as an unprivileged user
passed=0
failed=0
# Process ids of helpers a script starts; killed by id (never by name) on exit.
pids=()
cli_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cli_cleanup EXIT

ok() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  echo "FAIL: $*" >&2
}
exit_is() {  # exit_is GOT WANT DESCRIPTION
  if [[ "$1" == "$2" ]]; then ok; else fail "$3: exit $1, wanted $2"; fi
}
# expect_exit CODE DESCRIPTION -- command...   (stdin from /dev/null; output in $work/out, err)
expect_exit() {
  local want="$1" what="$2"
  shift 3
  "$@" >"$work/out" 2>"$work/err" </dev/null
  local got=$?
  if [[ "$got" == "$want" ]]; then ok; else fail "$what: exit $got, wanted $want; stderr: $(head -c 300 "$work/err")"; fi
}
# expect_exit_stdin CODE DESCRIPTION INPUT-FILE -- command...
expect_exit_stdin() {
  local want="$1" what="$2" input="$3"
  shift 4
  "$@" >"$work/out" 2>"$work/err" <"$input"
  local got=$?
  if [[ "$got" == "$want" ]]; then ok; else fail "$what: exit $got, wanted $want; stderr: $(head -c 300 "$work/err")"; fi
}
contains() {  # contains FILE TEXT DESCRIPTION (ASCII case-insensitive)
  if grep -qiF -- "$2" "$1"; then ok; else fail "$3: '$2' not in $(basename "$1"): $(head -c 400 "$1")"; fi
}
lacks() {  # lacks FILE TEXT DESCRIPTION
  if grep -qiF -- "$2" "$1"; then fail "$3: '$2' found in $(basename "$1")"; else ok; fi
}
json_check() {  # json_check FILE PYTHON-EXPRESSION-ON-d DESCRIPTION (one JSON document)
  if "$py" -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1"; then
    ok
  else
    fail "$3: ($2) is false for $(head -c 400 "$1")"
  fi
}
ndjson_check() {  # ndjson_check FILE PYTHON-EXPRESSION-ON-d DESCRIPTION (d: list of objects)
  if "$py" -c "import json,sys; d=[json.loads(l) for l in open(sys.argv[1],'rb')]; sys.exit(0 if ($2) else 1)" "$1"; then
    ok
  else
    fail "$3: ($2) is false; got: $(head -c 600 "$1")"
  fi
}
finish() {  # finish NAME
  echo "$1: $passed passed, $failed failed"
  [[ $failed -eq 0 ]]
}
