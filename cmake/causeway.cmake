# causeway_test(NAME domain SOURCES ... LIBS ...): a Catch2 executable whose test cases are each a
# CTest test, labelled with the domain. A test case that skips (tests/support/skip.hpp) exits 77, which
# CTest reports as Skipped rather than passed.
function(causeway_test name)
  cmake_parse_arguments(T "" "LABEL" "SOURCES;LIBS" ${ARGN})
  if(NOT CAUSEWAY_TESTS)
    return()
  endif()
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE causeway_catch_main causeway::test_support ${T_LIBS})
  # A test name CTest cannot carry (";" splits it) must fail rather than run nothing: -w NoTests.
  catch_discover_tests(${name} EXTRA_ARGS -w NoTests PROPERTIES LABELS "${T_LABEL}" TIMEOUT 600
    SKIP_RETURN_CODE 77 ENVIRONMENT "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/lsan.supp")
endfunction()
