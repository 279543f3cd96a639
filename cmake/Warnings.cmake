# Compiler warnings and sanitizers, applied to every TSNA target through tsna_options.
add_library(tsna_options INTERFACE)
target_compile_options(tsna_options INTERFACE -Wall -Wextra -Wpedantic)
if(TSNA_WERROR)
  target_compile_options(tsna_options INTERFACE -Werror)
endif()
if(TSNA_SANITIZE)
  target_compile_options(tsna_options INTERFACE -fsanitize=address,undefined
                                                -fno-sanitize-recover=undefined
                                                -fno-omit-frame-pointer)
  target_link_options(tsna_options INTERFACE -fsanitize=address,undefined)
endif()
# GCC 12 at -O3 reports false -Wrestrict errors inside std::string's operator+ (GCC bug 105329),
# which would break Release builds under -Werror; later GCCs are fixed.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(tsna_options INTERFACE -Wno-restrict)
endif()
