# Install rules, package config and CPack (issue 7: being written).
install(TARGETS hopscope_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
