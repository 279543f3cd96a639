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
