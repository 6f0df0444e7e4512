#!/usr/bin/env bash
# deb_test.sh BUILD_DIR SOURCE_DIR WORK_DIR: cpack -G DEB, inspect, unpack into a scratch
# root and run the packaged binary there.
set -euo pipefail
build=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/pkg") \
  >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack"; }
deb=$(find "$work/pkg" -maxdepth 1 -name 'hopscope_*.deb' | head -1)
[[ -n "$deb" ]] || { cat "$work/cpack.log"; fail "no hopscope_*.deb"; }
# Stripped, the package is about 2 MB; debug info left in would make it 30 times that.
size=$(stat -c %s "$deb")
(( size < 16 * 1024 * 1024 )) || fail "the package is $size bytes: are the binaries stripped?"
info=$(dpkg-deb -I "$deb")
# Here-strings, not `echo | grep -q`: under pipefail, grep -q exits at its first match and a
# shell echo still writing its last line dies of SIGPIPE, failing the check at random (CI, stop 18).
grep -q '^ Package: hopscope$' <<<"$info" || fail "package name: $info"
grep -q '^ Maintainer: ' <<<"$info" || fail "no maintainer"
depends=$(sed -n 's/^ Depends: //p' <<<"$info")
for lib in libpsl5 libmimetic0v5 libfmt9 libstdc++6 libc6; do
  [[ "$depends" == *"$lib"* ]] || fail "Depends lacks $lib: $depends"
done
echo "ok $(basename "$deb"): Depends: $depends"

root="$work/root"
dpkg-deb -x "$deb" "$root"
for f in usr/bin/hopscope usr/share/man/man1/hopscope.1 \
         usr/share/bash-completion/completions/hopscope; do
  [[ -f "$root/$f" ]] || fail "not in the package: $f"
done
out=$("$root/usr/bin/hopscope" analyze "$src/samples/o365-phishing-long-chain.eml") ||
  fail "the packaged binary failed"
[[ -n "$out" ]] || fail "the packaged binary printed nothing"
"$root/usr/bin/hopscope" analyze --json "$src/samples/o365-phishing-long-chain.eml" |
  python3 -c 'import json,sys; d=json.load(sys.stdin); d=d[0] if isinstance(d,list) else d; assert len(d["hops"])==12, len(d["hops"])' ||
  fail "the packaged binary's JSON"
echo "ok the packaged binary runs from the scratch root"
