#!/usr/bin/env bash
# no_catch2_test.sh SOURCE_DIR WORK_DIR
# ./scripts/demo installs only what building the binary needs, not Catch2: the tree must then
# configure with the binary and without the tests. (A REQUIRED find_package(Catch2) once made
# the README's first command fail on a fresh machine while CI, which installs Catch2 first,
# passed.) Configuring is where that failed, so this test configures and does not build.
set -euo pipefail
src=$1 work=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$work" && mkdir -p "$work"

cmake -S "$src" -B "$work" -DCMAKE_BUILD_TYPE=Release -DCMAKE_DISABLE_FIND_PACKAGE_Catch2=ON \
  >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; fail "configure without Catch2"; }
grep -q "Catch2 v2 not found: tests not built" "$work/configure.log" ||
  fail "no note that the tests were left out"
targets=$(cmake --build "$work" --target help)
grep -q "hopscope_cli" <<<"$targets" || fail "no hopscope_cli target"
! grep -q "test_input" <<<"$targets" || fail "a test target without Catch2"
echo "ok configures without Catch2: hopscope_cli, no tests"
rm -rf "$work"
