#!/usr/bin/env bash
# Batch tests: every input kind, every skip reason, order under -j, interrupt, closed pipe,
# summary on a fixed set, CSV, and the GNU parallel recipe from the README.
# Usage: batch_test.sh path/to/hopscope path/to/source-tree [corpus-dir]
set -uo pipefail
bin="$(readlink -f "$1")"
root="$(readlink -f "$2")"
corpus="${3:-$root/../shared/corpus}"
source "$(dirname "$0")/lib.sh"

s="$root/samples"

# --- a directory, walked recursively and in sorted order; a Maildir; an mbox
mkdir -p "$work/tree/b/deeper" "$work/tree/a" "$work/maildir/cur" "$work/maildir/new" "$work/maildir/tmp"
cp "$s/clock-skew.eml" "$work/tree/b/deeper/2.eml"
cp "$s/exim-fetchmail.eml" "$work/tree/a/1.eml"
cp "$s/qmail-1997.eml" "$work/tree/z.eml"
cp "$s/clock-skew.eml" "$work/maildir/cur/1700000000.1.host:2,S"
cp "$s/exim-fetchmail.eml" "$work/maildir/new/1700000001.2.host"
cp "$s/qmail-1997.eml" "$work/maildir/tmp/being-delivered"
"$bin" analyze --ndjson "$work/tree" >"$work/out" 2>"$work/err"
exit_is $? 0 "directory walk"
ndjson_check "$work/out" "[x['source'][len('$work/tree/'):] for x in d] == ['a/1.eml', 'b/deeper/2.eml', 'z.eml']" "sorted, recursive"
"$bin" analyze --ndjson "$work/maildir" >"$work/out" 2>"$work/err"
exit_is $? 0 "Maildir"
ndjson_check "$work/out" "[x['source'].split('/maildir/')[1] for x in d] == ['cur/1700000000.1.host:2,S', 'new/1700000001.2.host']" "cur and new, never tmp"
ndjson_check "$work/out" "all('mbox_index' not in x for x in d)" "Maildir messages are single messages"

# mbox: three messages; 'From ' lines in bodies split only after a blank line (mboxo/rd)
{
  printf 'From a@example.com Mon Jan  1 00:00:00 2001\nReceived: from one.example ([192.0.2.1]) by mx.example; Mon, 1 Jan 2001 00:00:00 +0000\nSubject: first\n\nbody\nFrom the body, not a separator\n\n'
  printf 'From b@example.com Mon Jan  1 00:00:01 2001\nFrom: second@example.com\nSubject: second\n\n>From the body, quoted as mbox writers do\n\n'
  printf 'From c@example.com Mon Jan  1 00:00:02 2001\nSubject: third\n\nlast body\n'
} >"$work/box.mbox"
"$bin" analyze --ndjson "$work/box.mbox" >"$work/out" 2>"$work/err"
exit_is $? 0 "mbox"
ndjson_check "$work/out" "[x['mbox_index'] for x in d] == [0, 1, 2] and all(x['source'].endswith('box.mbox') for x in d)" "one record per message, with its index"
ndjson_check "$work/out" "[x['summary']['subject'] for x in d] == ['first', 'second', 'third']" "messages split at From lines after blank lines"
ndjson_check "$work/out" "d[1]['summary']['from'] == 'second@example.com'" "the second message's own header"
# A bounce inside an mbox is read with its body, as the same bounce in its own file is; the
# other messages of the mbox stay header-only.
python3 - "$root/tests/data/bounces/lhost-postfix-01.eml" "$work/bounces.mbox" <<'PY'
import sys
bounce = open(sys.argv[1], 'rb').read().replace(b'\r\n', b'\n')
quoted = b'\n'.join(b'>' + l if l.lstrip(b'>').startswith(b'From ') else l for l in bounce.split(b'\n'))
with open(sys.argv[2], 'wb') as out:
    out.write(b'From a@example.com Mon Jan  1 00:00:00 2001\nSubject: before\n\nbody\n\n')
    out.write(b'From MAILER-DAEMON Mon Jan  1 00:00:01 2001\n' + quoted.rstrip(b'\n') + b'\n\n')
    out.write(b'From c@example.com Mon Jan  1 00:00:02 2001\nSubject: after\n\nbody\n')
PY
"$bin" analyze --ndjson "$root/tests/data/bounces/lhost-postfix-01.eml" >"$work/single.out"
"$bin" analyze --ndjson "$work/bounces.mbox" >"$work/out" 2>"$work/err"
exit_is $? 0 "mbox with a bounce"
ndjson_check "$work/out" "len(d) == 3 and d[0]['bounce'] is None and d[2]['bounce'] is None" "the plain messages around the bounce are not bounces"
ndjson_check "$work/out" "d[1]['bounce'] is not None and d[1]['bounce']['recipients'] and d[1]['bounce'] == json.loads(open('$work/single.out').read())['bounce']" "the bounce in the mbox reads as the same bounce in its own file"
"$bin" analyze --ndjson "$s/three-messages.mbox" >"$work/out"
ndjson_check "$work/out" "len(d) == 3" "the sample mbox has three messages"

# stdin, --files-from (lines, NUL, stdin)
"$bin" analyze --ndjson - <"$s/qmail-1997.eml" >"$work/out"
ndjson_check "$work/out" "len(d) == 1 and d[0]['source'] == '-' and len(d[0]['hops']) == 5" "stdin"
printf '%s\n' "$s/qmail-1997.eml" "$work/tree" >"$work/list"
"$bin" analyze --ndjson --files-from "$work/list" >"$work/out"
ndjson_check "$work/out" "len(d) == 4 and d[0]['source'].endswith('qmail-1997.eml')" "--files-from FILE"
# A listed directory is walked by the worker that opens it (listed paths are not stat()ed by
# the producer): the same records, in the same order, as the directory given as an argument.
"$bin" analyze --ndjson -j2 "$s/qmail-1997.eml" "$work/tree" >"$work/args.out"
"$bin" analyze --ndjson -j2 --files-from "$work/list" >"$work/out"
if cmp -s "$work/out" "$work/args.out"; then ok; else fail "a listed directory differs from the same directory given as an argument"; fi
printf '%s\0' "$s/qmail-1997.eml" "$s/clock-skew.eml" | "$bin" analyze --ndjson --files-from - -0 >"$work/out"
ndjson_check "$work/out" "[x['source'].rsplit('/',1)[1] for x in d] == ['qmail-1997.eml', 'clock-skew.eml']" "--files-from - -0"
"$bin" analyze --files-from - - </dev/null >/dev/null 2>&1
exit_is $? 2 "--files-from - with - is a usage error"
# A list written on Windows (CRLF), without a final line break, with an empty line.
printf '%s\r\n\r\n%s' "$s/qmail-1997.eml" "$s/clock-skew.eml" >"$work/crlf.list"
"$bin" analyze --ndjson --files-from "$work/crlf.list" >"$work/out"
ndjson_check "$work/out" "[x['source'].rsplit('/',1)[1] for x in d] == ['qmail-1997.eml', 'clock-skew.eml']" "--files-from with CRLF lines and no final newline"
"$bin" analyze --ndjson --files-from "$work" >/dev/null 2>"$work/err"
exit_is $? 2 "--files-from naming a directory is a usage error"

# --- every skip reason: an error object each, and the run goes on
mkdir "$work/skips"
mkfifo "$work/skips/fifo"
"$py" -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])" "$work/skips/socket"
: >"$work/skips/empty.eml"
head -c 3000 /dev/urandom | tr -d '\n:' >"$work/skips/junk.bin"
"$py" -c "import sys; open(sys.argv[1],'w').write('Subject: big\n\n' + 'x'*200000)" "$work/skips/big.eml"
ln -s "$s/qmail-1997.eml" "$work/skips/link.eml"
cp "$s/qmail-1997.eml" "$work/skips/unreadable.eml"
chmod 000 "$work/skips/unreadable.eml"
printf '%s\n' "$work/skips" "$work/vanished.eml" /dev/null "$s/qmail-1997.eml" >"$work/list"
"$bin" analyze --ndjson --max-size 100K --files-from "$work/list" >"$work/out" 2>"$work/err"
exit_is $? 1 "skips make exit 1"
ndjson_check "$work/out" "[(x['source'].rsplit('/',1)[1], x.get('error',{}).get('code')) for x in d] == [('big.eml','too_large'), ('empty.eml','empty_input'), ('fifo','not_a_regular_file'), ('junk.bin','no_header_fields'), ('link.eml','symlink_skipped'), ('socket','not_a_regular_file'), ('unreadable.eml', d[6].get('error',{}).get('code')), ('vanished.eml','not_found'), ('null','not_a_regular_file'), ('qmail-1997.eml', None)]" "each skip reason, in order, and the run goes on"
# CI runs as root, where mode 000 is still readable: check the refusal as an unprivileged user.
if command -v setpriv >/dev/null && [[ $(id -u) -eq 0 ]]; then
  setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" analyze --ndjson "$work/skips/unreadable.eml" >"$work/out" 2>/dev/null
  exit_is $? 1 "unreadable as nobody"
  ndjson_check "$work/out" "d[0]['error']['code'] == 'permission_denied'" "permission_denied as an unprivileged user"
else
  "$bin" analyze --ndjson "$work/skips/unreadable.eml" >"$work/out" 2>/dev/null
  ndjson_check "$work/out" "d[0]['error']['code'] == 'permission_denied'" "permission_denied"
fi
# --follow follows links and detects loops
mkdir -p "$work/loop/sub"
cp "$s/qmail-1997.eml" "$work/loop/sub/m.eml"
ln -s .. "$work/loop/sub/up"
timeout 20 "$bin" analyze --ndjson --follow "$work/loop" >"$work/out" 2>/dev/null
ndjson_check "$work/out" "[x.get('error',{}).get('code') for x in d] == [None, 'symlink_loop']" "--follow with loop detection"

# --- order under -j: the same bytes whatever the worker count
if [[ -d "$corpus/phishing_pot-2022-2023" ]]; then
  find "$corpus/phishing_pot-2022-2023" "$corpus/sisimai/maildir/bsd" -type f | sort | head -1500 >"$work/many"
  "$bin" analyze --ndjson -j1 --files-from "$work/many" >"$work/j1"
  "$bin" analyze --ndjson -j4 --files-from "$work/many" >"$work/j4"
  "$bin" analyze --ndjson -j2 --files-from "$work/many" >"$work/j2"
  if cmp -s "$work/j1" "$work/j4" && cmp -s "$work/j1" "$work/j2"; then ok; else fail "-j changes the output"; fi
  ndjson_check "$work/j1" "len(d) == 1500" "one record per file"
fi

# --- one worker's read buffer, kept from file to file: a header read in many pieces, one past
# the 1 MiB the buffer keeps, and shorter messages after each give the records they give alone
# (nothing of a longer message is left in a shorter one's bytes).
"$py" - "$work/reuse" "$s/clock-skew.eml" <<'PYEOF'
import os, sys
out, sample = sys.argv[1], open(sys.argv[2], "rb").read()
os.makedirs(out, exist_ok=True)
def padded(name, filler_lines, width):
    filler = b"".join(b"X-Filler-%06d: %s\n" % (i, b"y" * width) for i in range(filler_lines))
    with open(os.path.join(out, name), "wb") as f:
        f.write(filler + sample)
padded("1-long.eml", 1500, 60)  # ~120 KB of header: eight 16 KiB reads
padded("3-huge.eml", 2000, 800)  # ~1.6 MiB: past what the buffer keeps
open(os.path.join(out, "2-short.eml"), "wb").write(sample)
open(os.path.join(out, "4-short.eml"), "wb").write(sample)
PYEOF
: >"$work/alone"
for f in "$work/reuse"/*.eml; do "$bin" analyze --ndjson "$f" >>"$work/alone"; done
"$bin" analyze --ndjson -j1 "$work/reuse" >"$work/together"
if cmp -s "$work/alone" "$work/together"; then ok; else fail "a reused read buffer changes a record"; fi
ndjson_check "$work/together" "len(d) == 4 and all(len(x['hops']) == len(d[1]['hops']) > 0 for x in d)" "every message read whole"

# --- interrupt: exit 130, whole records only, summary on stderr
"$py" -c "
import sys
one = open(sys.argv[1], 'rb').read()
with open(sys.argv[2], 'wb') as f:
    for i in range(100000):
        f.write(one if i == 0 else b'\n' + one)
" "$s/three-messages.mbox" "$work/huge.mbox"
"$bin" analyze --ndjson -j2 "$work/huge.mbox" >"$work/int.out" 2>"$work/int.err" &
pid=$!
pids+=("$pid")
# SIGINT only once the run has written a record: hopscope installs its handler before it reads
# anything, and a background job starts with SIGINT ignored, so a signal sent earlier (after a
# fixed sleep, on a slow machine) would be lost and the run would go on to the end.
for _ in $(seq 600); do
  [[ -s "$work/int.out" ]] && break
  sleep 0.1
done
kill -INT "$pid"
# A lost signal costs two minutes at most, not the test's whole TIMEOUT. The watchdog's sleep
# is killed with it, and holds none of the test's output open (ctest waits for that to close).
(
  trap 'kill "$nap" 2>/dev/null; exit 0' TERM
  sleep 120 &
  nap=$!
  wait "$nap"
  kill -TERM "$pid"
) </dev/null >/dev/null 2>&1 &
watchdog=$!
pids+=("$watchdog")
wait "$pid"
exit_is $? 130 "SIGINT"
kill "$watchdog" 2>/dev/null
wait "$watchdog" 2>/dev/null
# Both are gone: their ids must not be signalled again on exit (they may be reused).
kept=()
for p in "${pids[@]}"; do [[ "$p" == "$pid" || "$p" == "$watchdog" ]] || kept+=("$p"); done
pids=("${kept[@]}")
ndjson_check "$work/int.out" "len(d) > 0 and len(d) < 300000" "interrupted output is whole NDJSON lines"
if grep -q "Summary:" "$work/int.err"; then ok; else fail "no summary after interrupt: $(head -c 300 "$work/int.err")"; fi

# --- a closed pipe ends the run quietly
"$bin" analyze --ndjson "$work/huge.mbox" 2>"$work/pipe.err" | head -n 2 >/dev/null
if [[ -s "$work/pipe.err" ]]; then fail "closed pipe printed: $(head -c 300 "$work/pipe.err")"; else ok; fi

# --- summary on a fixed set (the samples)
"$bin" analyze --summary --json "$s" >"$work/out"
ndjson_check "$work/out" "d[0]['messages'] == 15 and d[0]['failed'] == 1 and d[0]['failures'] == {'no_header_fields': 1}" "summary counts"
ndjson_check "$work/out" "d[0]['hops'] == sum(r['hops'] for r in d[0]['relays'])" "hops add up over relays"
"$bin" analyze --ndjson "$s" >"$work/all"
"$py" - "$work/all" "$work/out" <<'PY' && ok || fail "summary disagrees with the per-message output"
import json, sys, collections
msgs = [json.loads(l) for l in open(sys.argv[1])]
summary = json.loads(open(sys.argv[2]).read())
hops = sum(len(m.get('hops', [])) for m in msgs)
protocols = collections.Counter((h['protocol'] or '(none)') for m in msgs for h in m.get('hops', []))
findings = collections.Counter(f['code'] for m in msgs for f in m.get('findings', []))
assert summary['hops'] == hops, (summary['hops'], hops)
assert summary['protocols'] == dict(protocols), (summary['protocols'], protocols)
assert summary['findings'] == dict(findings), (summary['findings'], findings)
PY
"$bin" analyze --summary "$s" >"$work/out"
if grep -q "Summary: 15 message(s), 1 failed" "$work/out"; then ok; else fail "text summary: $(head -3 "$work/out")"; fi

# --- CSV: a header row, then one row per hop
"$bin" analyze --csv hops "$s/o365-phishing-long-chain.eml" "$s/qmail-1997.eml" >"$work/out.csv"
"$py" - "$work/out.csv" <<'PY' && ok || fail "CSV rows"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
assert len(rows) == 12 + 5, len(rows)
assert rows[0]['hop'] == '1' and rows[11]['hop'] == '12' and rows[12]['hop'] == '1'
assert sum(r['origin'] == '1' for r in rows) == 2
PY

# --- the GNU parallel recipe from the README: the map step of a bigger engine
if command -v parallel >/dev/null; then
  find "$s" -type f -name '*.eml' | sort >"$work/list"
  parallel --will-cite --pipe -N 3 --keep-order "$bin" analyze --ndjson --files-from - <"$work/list" >"$work/par.out"
  "$bin" analyze --ndjson --files-from "$work/list" >"$work/seq.out"
  if cmp -s "$work/par.out" "$work/seq.out"; then ok; else fail "GNU parallel recipe output differs"; fi
else
  fail "GNU parallel is not installed (scripts/install-deps --test installs it)"
fi

finish batch
