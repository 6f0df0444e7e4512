#!/usr/bin/env bash
# CLI tests: run the real binary on real samples and hostile inputs, check stdout, stderr and
# exit codes. Usage: cli_test.sh path/to/hopscope path/to/source-tree
set -uo pipefail
bin="$1"
root="$2"
source "$(dirname "$0")/lib.sh"

sample="$root/samples/o365-phishing-long-chain.eml"
[[ -f "$sample" ]] || sample="$(ls "$root"/samples/*.eml | head -1)"

# --- usage and version
expect_exit 0 "--version" -- "$bin" --version
contains "$work/out" "hopscope " "--version prints the version"
expect_exit 0 "--help" -- "$bin" --help
contains "$work/out" "Examples:" "--help shows examples"
contains "$work/out" "build" "--version names the build options"
for sub in analyze explain probe mx; do
  expect_exit 0 "$sub --help" -- "$bin" "$sub" --help
  contains "$work/out" "Examples:" "$sub --help shows examples"
done
expect_exit 2 "no subcommand is a usage error" -- "$bin"
expect_exit 2 "unknown option is a usage error" -- "$bin" analyze --bogus
expect_exit 2 "--json and --ndjson together" -- "$bin" analyze --json --ndjson "$sample"
expect_exit 0 "--json with two inputs is an array" -- "$bin" analyze --json "$sample" "$sample"
json_check "$work/out" "isinstance(d, list) and len(d) == 2" "--json array"

# --- a real message, text report
expect_exit 0 "analyze a sample" -- "$bin" analyze "$sample"
contains "$work/out" "Received chain" "text report has the chain"
contains "$work/out" "Timeline (to scale over" "text report has the timeline chart"

# --- the HTML report: to a file, to stdout, and only for one message
expect_exit 0 "--html FILE" -- "$bin" analyze --html "$work/report.html" "$sample"
contains "$work/report.html" "Content-Security-Policy" "--html FILE writes the report"
expect_exit 0 "--html -" -- "$bin" analyze --html - "$sample"
contains "$work/out" "<svg" "--html - writes the report with its chart to stdout"
expect_exit 2 "--html with two inputs" -- "$bin" analyze --html "$work/two.html" "$sample" "$sample"
expect_exit 2 "--html with --json" -- "$bin" analyze --html - --json "$sample"
expect_exit 2 "--probe with --summary" -- "$bin" analyze --probe --summary "$sample"
if grep -q $'\x1b' "$work/out"; then fail "NO_COLOR output has ESC bytes"; else ok; fi
expect_exit 0 "--color always" -- "$bin" analyze --color always "$sample"
if grep -q $'\x1b\[1m' "$work/out"; then ok; else fail "--color always has no colour"; fi

# --- stdin, both ways
"$bin" analyze <"$sample" >"$work/stdin1" 2>/dev/null
"$bin" analyze - <"$sample" >"$work/stdin2" 2>/dev/null
contains "$work/stdin1" "Received chain" "stdin with no argument"
if cmp -s "$work/stdin1" "$work/stdin2"; then ok; else fail "'-' and no argument differ"; fi

# --- JSON keys scripts rely on
expect_exit 0 "--json" -- "$bin" analyze --json "$sample"
cp "$work/out" "$work/one.json"
json_check "$work/one.json" "d['source'].endswith('.eml') and isinstance(d['hops'], list) and isinstance(d['findings'], list) and isinstance(d['fixups'], list)" "top-level keys"
json_check "$work/one.json" "all(set(['header_index','from','by','with','id','for','time','delay_seconds']) <= set(h) for h in d['hops'])" "hop keys"
json_check "$work/one.json" "all(set(['helo','rdns','ip','ip_scope']) <= set(h['from']) and 'host' in h['by'] for h in d['hops'])" "from/by keys"
json_check "$work/one.json" "all(h['time'] is None or (set(['raw','utc','epoch','offset_minutes']) <= set(h['time']) and h['time']['utc'].endswith('Z')) for h in d['hops'])" "time keys"
json_check "$work/one.json" "all(h['delay_seconds'] is None or h['delay_seconds'] >= 0 for h in d['hops'])" "no negative delay"
json_check "$work/one.json" "[h['header_index'] for h in d['hops']] == sorted([h['header_index'] for h in d['hops']], reverse=True)" "origin first"

# --- NDJSON: order kept, failures are objects and the run goes on
mkdir "$work/dir"
: >"$work/empty.eml"
expect_exit 1 "ndjson with failures" -- "$bin" analyze --ndjson "$sample" "$work/missing.eml" "$work/dir" "$work/empty.eml" /dev/null "$sample"
cp "$work/out" "$work/batch.ndjson"
# (an empty directory is walked and gives nothing)
ndjson_check "$work/batch.ndjson" "len(d) == 5" "one line per input"
ndjson_check "$work/batch.ndjson" "[x.get('error', {}).get('code') for x in d] == [None, 'not_found', 'empty_input', 'not_a_regular_file', None]" "error codes in input order"
ndjson_check "$work/batch.ndjson" "d[1]['source'].endswith('missing.eml')" "error object names its source"

# --- a FIFO never blocks (nobody writes to it)
mkfifo "$work/fifo"
expect_exit 1 "FIFO is skipped" -- timeout 10 "$bin" analyze --ndjson "$work/fifo"
ndjson_check "$work/out" "d[0]['error']['code'] == 'not_a_regular_file'" "FIFO error code"
expect_exit 1 "/dev/zero is skipped" -- timeout 10 "$bin" analyze --ndjson /dev/zero

# --- not mail
head -c 4096 /dev/urandom | tr -d '\n:' >"$work/junk.bin"
expect_exit 1 "binary junk" -- timeout 10 "$bin" analyze --ndjson "$work/junk.bin"
ndjson_check "$work/out" "d[0]['error']['code'] == 'no_header_fields'" "junk is not mail"

# --- hostile header text never reaches the terminal raw
printf 'Subject: \x1b]0;owned\x07\x1b[2J evil \xe2\x80\xae txt.exe\nFrom: a@example.com\n' >"$work/evil.eml"
expect_exit 0 "escape sequences" -- "$bin" analyze --color never "$work/evil.eml"
if grep -q $'\x1b' "$work/out"; then fail "ESC from the message reached the terminal"; else ok; fi
contains "$work/out" '\x1b]0;owned' "ESC shown as \\x1b"
if grep -q $'\xe2\x80\xae' "$work/out"; then fail "bidi override reached the terminal"; else ok; fi

# --- invalid UTF-8 still gives valid JSON
printf 'Subject: caf\xe9 \xff\xfe\nFrom: a@example.com\nReceived: from x ([192.0.2.1]) by y; Tue, 15 May 2001 23:40:33 +0000\n' >"$work/latin1.eml"
expect_exit 0 "invalid UTF-8" -- "$bin" analyze --json "$work/latin1.eml"
if "$py" -c "import sys,json; json.loads(open(sys.argv[1],'rb').read().decode('utf-8'))" "$work/out"; then ok; else fail "JSON is not valid UTF-8"; fi
json_check "$work/out" "d['invalid_utf8_replaced'] is True" "invalid UTF-8 is flagged"

# --- a 20 MB single-line field: bounded, with a clear repair note
"$py" -c "import sys; sys.stdout.write('Subject: ' + 'A'*(20<<20) + '\nFrom: a@example.com\n')" >"$work/huge.eml"
expect_exit 0 "20 MB field" -- timeout 60 "$bin" analyze --json "$work/huge.eml"
json_check "$work/out" "any(f['code'] == 'header_truncated' for f in d['fixups'])" "20 MB field is cut and said so"

# --- pasted headers with copy-paste damage
"$py" - "$sample" >"$work/pasted.txt" <<'PY'
import sys
head = open(sys.argv[1], 'rb').read().replace(b'\r\n', b'\n').split(b'\n\n')[0]
lines = [l for l in head.split(b'\n') if not l.startswith(b'From ')]
sys.stdout.buffer.write(b'\r\n\r\n'.join(b'    ' + l for l in lines) + b'\r\n')
PY
expect_exit 0 "pasted, damaged headers" -- "$bin" analyze --json "$work/pasted.txt"
json_check "$work/out" "set(['crlf','common_indent','blank_lines_between_fields']) <= set(f['code'] for f in d['fixups'])" "repairs are reported"
"$bin" analyze --json "$sample" >"$work/clean.json"
if "$py" -c "
import json,sys
a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))
strip=lambda d:[(h['from'],h['by'],h['time']) for h in d['hops']]
sys.exit(0 if strip(a)==strip(b) else 1)" "$work/out" "$work/clean.json"; then ok; else fail "repaired paste gives a different chain"; fi

# --- a closed pipe ends the run quietly
"$bin" analyze --ndjson "$sample" "$sample" "$sample" "$sample" 2>"$work/pipe.err" | head -c 10 >/dev/null
if [[ -s "$work/pipe.err" ]]; then fail "closed pipe printed: $(cat "$work/pipe.err")"; else ok; fi

finish cli
