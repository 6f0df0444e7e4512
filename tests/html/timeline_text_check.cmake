# Checks render_timeline_text() on samples: a header line, one line per hop, and for the
# clock-skew sample a marked raw stamp and a "behind"/"ahead" note.
execute_process(COMMAND ${TOOL} --timeline ${SAMPLES}/clock-skew.eml
                OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "render_html_tool --timeline failed: ${rc}")
endif()
string(REGEX MATCHALL "\n +[0-9]+ " rows "\n${out}")
list(LENGTH rows n)
if(NOT out MATCHES "^Timeline \\(to scale over " OR NOT n EQUAL 6)
  message(FATAL_ERROR "unexpected timeline (${n} hop lines):\n${out}")
endif()
if(NOT out MATCHES "\\|[.*-]*!" OR NOT out MATCHES "clock [0-9hms ]+ (behind|ahead)")
  message(FATAL_ERROR "the skewed hop is not marked:\n${out}")
endif()
execute_process(COMMAND ${TOOL} --timeline ${SAMPLES}/o365-phishing-long-chain.eml
                OUTPUT_VARIABLE out RESULT_VARIABLE rc)
string(REGEX MATCHALL "\n +[0-9]+ " rows "\n${out}")
list(LENGTH rows n)
if(NOT rc EQUAL 0 OR NOT n EQUAL 12 OR out MATCHES "\x1b")
  message(FATAL_ERROR "unexpected timeline (${n} hop lines, colour off):\n${out}")
endif()
message(STATUS "timeline ok:\n${out}")
