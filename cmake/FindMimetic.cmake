# Debian's libmimetic-dev ships no CMake or pkg-config file: find the header and library.
find_path(MIMETIC_INCLUDE_DIR mimetic/mimetic.h)
find_library(MIMETIC_LIBRARY NAMES mimetic)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Mimetic DEFAULT_MSG MIMETIC_LIBRARY MIMETIC_INCLUDE_DIR)
if(Mimetic_FOUND AND NOT TARGET Mimetic::Mimetic)
  add_library(Mimetic::Mimetic UNKNOWN IMPORTED)
  set_target_properties(Mimetic::Mimetic PROPERTIES
    IMPORTED_LOCATION "${MIMETIC_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${MIMETIC_INCLUDE_DIR}")
endif()
mark_as_advanced(MIMETIC_INCLUDE_DIR MIMETIC_LIBRARY)
