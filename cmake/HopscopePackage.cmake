# CPack: a Debian package of everything `cmake --install` puts in place.
#   cpack -G DEB --config build/CPackConfig.cmake
set(CPACK_PACKAGE_NAME hopscope)
set(CPACK_PACKAGE_VENDOR "hopscope")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "hopscope reads the Received fields of an email and explains where it has been: hops, "
    "delays, clock skew, the origin and the receiving side's trust boundary, authentication "
    "results and bounces. Text, JSON, NDJSON, CSV and a self-contained HTML report.")
set(CPACK_PACKAGE_CONTACT "hopscope maintainers <hopscope@users.noreply.github.com>")
set(CPACK_PACKAGE_INSTALL_DIRECTORY hopscope)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_PACKAGE_NAME hopscope)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION mail)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/hopscope/hopscope")
# dpkg-shlibdeps reads the binary's NEEDED entries, so Depends stays right when a library
# (c-ares, OpenSSL for the probes) comes or goes; it needs dpkg-dev at packaging time.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The man page and completions work without these; the suggestion says what they are for.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
# One package: the tool, and the static library with headers and CMake config for embedding.
set(CPACK_DEB_COMPONENT_INSTALL OFF)
# Without this the RelWithDebInfo binary and archive make a package of over 100 MB.
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_IGNORE_FILES "/build[^/]*/" "/\\\\.git/")
include(CPack)
