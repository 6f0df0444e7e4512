# Warnings for our own targets only (wrapped in BUILD_INTERFACE where exported).
add_library(hopscope_warnings INTERFACE)
target_compile_options(hopscope_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough
  # GCC 12 reports std::string concatenation at -O2 as a -Wrestrict overlap (GCC bug 105329,
  # a false positive inside libstdc++): keep the warning for clang, silence it for GCC.
  $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>
  $<$<BOOL:${HOPSCOPE_WERROR}>:-Werror>)
