# build_package.cmake - the ctest fixture that makes the Debian package for tests/packaging:
#   cmake -DCPACK_CONFIG=<build>/CPackConfig.cmake -DOUT=<dir> -P build_package.cmake
# Empties OUT, runs `cpack -G DEB` into it and fails unless exactly one .deb comes out.
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
execute_process(COMMAND cpack -G DEB --config ${CPACK_CONFIG} -B ${OUT}
                RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "cpack failed (${status}):\n${output}")
endif()
file(GLOB debs ${OUT}/*.deb)
list(LENGTH debs count)
if(NOT count EQUAL 1)
  message(FATAL_ERROR "cpack made ${count} packages, not one: ${debs}\n${output}")
endif()
message(STATUS "built ${debs}")
