#pragma once
// Whole-file reading for tests (stdio: istreambuf_iterator trips -Wnull-dereference at -O2).
#include <cstdio>
#include <string>

namespace hopscope::test {

inline std::string read_file(const std::string& path) {
  std::string out;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return out;
  char buf[65536];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  std::fclose(f);
  return out;
}

}  // namespace hopscope::test
