# Install rules, the CMake package config and CPack (issue 7). Included from the top-level
# CMakeLists.txt after the hopscope and hopscope_cli targets exist.

# Sources of issue 7 that live with the render and CLI code; listed here so the top-level
# file need not change while others edit it.
target_sources(hopscope PRIVATE
  ${PROJECT_SOURCE_DIR}/src/render/timeline_model.cpp
  ${PROJECT_SOURCE_DIR}/src/render/timeline_text.cpp)
target_sources(hopscope_cli PRIVATE ${PROJECT_SOURCE_DIR}/src/cli/html_output.cpp)

include(CMakePackageConfigHelpers)

set(HOPSCOPE_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/hopscope" CACHE STRING
    "Where the CMake package config is installed (relative to the prefix)")
# Debian's zsh searches vendor-completions (not site-functions) under /usr/share/zsh.
set(HOPSCOPE_ZSH_COMPLETION_DIR "${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions" CACHE STRING
    "Where the zsh completion is installed (relative to the prefix)")

# --- the tool -----------------------------------------------------------------------------
install(TARGETS hopscope_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
install(FILES ${PROJECT_SOURCE_DIR}/docs/hopscope.1
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT runtime)
install(FILES ${PROJECT_SOURCE_DIR}/completions/hopscope.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME hopscope COMPONENT runtime)
install(FILES ${PROJECT_SOURCE_DIR}/completions/_hopscope
        DESTINATION ${HOPSCOPE_ZSH_COMPLETION_DIR} COMPONENT runtime)
install(FILES ${PROJECT_SOURCE_DIR}/completions/hopscope.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d COMPONENT runtime)

# --- the library, its headers and package config --------------------------------------------
# A static library exports its private dependencies as $<LINK_ONLY:...>, so the consumer's
# config must find them too (hopscopeConfig.cmake does; the warnings target is
# BUILD_INTERFACE only and so is not exported).
install(TARGETS hopscope EXPORT hopscopeTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/hopscope
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT development
        FILES_MATCHING PATTERN "*.hpp")
install(EXPORT hopscopeTargets NAMESPACE hopscope:: DESTINATION ${HOPSCOPE_CMAKE_DIR}
        COMPONENT development)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/hopscopeConfig.cmake.in
  ${PROJECT_BINARY_DIR}/hopscopeConfig.cmake INSTALL_DESTINATION ${HOPSCOPE_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/hopscopeConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/hopscopeConfig.cmake
              ${PROJECT_BINARY_DIR}/hopscopeConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/FindMimetic.cmake
        DESTINATION ${HOPSCOPE_CMAKE_DIR} COMPONENT development)

include(${CMAKE_CURRENT_LIST_DIR}/HopscopePackage.cmake)
