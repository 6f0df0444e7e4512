#!/usr/bin/env bash
# install_test.sh BUILD_DIR SOURCE_DIR WORK_DIR
set -euo pipefail
build=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
prefix="$work/prefix"
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >"$work/install.log"

for f in bin/hopscope share/man/man1/hopscope.1 share/bash-completion/completions/hopscope \
         share/zsh/vendor-completions/_hopscope share/fish/vendor_completions.d/hopscope.fish \
         include/hopscope/report.hpp include/hopscope/html.hpp include/hopscope/timeline.hpp \
         include/hopscope/render.hpp; do
  [[ -f "$prefix/$f" ]] || fail "not installed: $f"
done
lib=$(find "$prefix" -name libhopscope.a | head -1)
[[ -n "$lib" ]] || fail "libhopscope.a not installed"
cmakedir=$(dirname "$(find "$prefix" -name hopscopeConfig.cmake | head -1)")
for f in hopscopeConfig.cmake hopscopeConfigVersion.cmake hopscopeTargets.cmake FindMimetic.cmake; do
  [[ -f "$cmakedir/$f" ]] || fail "package config file missing: $f"
done
echo "ok files installed"

# The man page: zero groff warnings.
warnings=$(groff -man -ww -z "$prefix/share/man/man1/hopscope.1" 2>&1) || fail "groff failed"
[[ -z "$warnings" ]] || fail "groff warnings: $warnings"
echo "ok man page (groff -man -ww -z)"

# Completions: syntax in each shell that is installed, and bash actually completes.
bash -n "$prefix/share/bash-completion/completions/hopscope" || fail "bash -n"
got=$(bash -c 'source "$1"; COMP_WORDS=(hopscope analyze --ht); COMP_CWORD=2; _hopscope;
               echo "${COMPREPLY[*]}"' _ "$prefix/share/bash-completion/completions/hopscope")
[[ "$got" == "--html" ]] || fail "bash completion of --ht gave '$got'"
echo "ok bash completion"
if command -v zsh >/dev/null; then
  zsh -n "$prefix/share/zsh/vendor-completions/_hopscope" || fail "zsh -n"
  echo "ok zsh completion syntax"
else
  echo "skip zsh (not installed)"
fi
if command -v fish >/dev/null; then
  fish -n "$prefix/share/fish/vendor_completions.d/hopscope.fish" || fail "fish -n"
  got=$(fish -c "source '$prefix/share/fish/vendor_completions.d/hopscope.fish'; complete -C 'hopscope ana'")
  [[ "$got" == analy* ]] || fail "fish completion of 'ana' gave '$got'"
  echo "ok fish completion"
else
  echo "skip fish (not installed)"
fi

# The installed binary.
version=$("$prefix/bin/hopscope" --version) || fail "--version failed"
grep -q '^hopscope [0-9]' <<<"$version" || fail "--version: $version"
"$prefix/bin/hopscope" analyze "$src/samples/o365-phishing-long-chain.eml" >"$work/analyze.txt" ||
  fail "installed hopscope analyze failed"
echo "ok installed binary runs"

# A consumer project against the installed package.
cmake -S "$src/tests/install/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release >"$work/consumer-configure.log" 2>&1 ||
  { cat "$work/consumer-configure.log"; fail "consumer configure"; }
cmake --build "$work/consumer" >"$work/consumer-build.log" 2>&1 ||
  { cat "$work/consumer-build.log"; fail "consumer build"; }
"$work/consumer/consumer" "$src/samples/o365-phishing-long-chain.eml" >"$work/consumer.txt" ||
  { cat "$work/consumer.txt"; fail "consumer run"; }
grep -q '^hops=12 ' "$work/consumer.txt" || { cat "$work/consumer.txt"; fail "consumer output"; }
echo "ok consumer built with find_package(hopscope) and ran"
