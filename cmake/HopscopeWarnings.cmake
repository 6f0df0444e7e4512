# Warnings for our own targets only (wrapped in BUILD_INTERFACE where exported).
add_library(hopscope_warnings INTERFACE)
target_compile_options(hopscope_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough
  $<$<BOOL:${HOPSCOPE_WERROR}>:-Werror>)
