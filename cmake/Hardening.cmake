# Hardening.cmake - the code-generation flags Debian builds its packages with (dpkg-buildflags,
# hardening=+all), applied to every TSNA target through tsna_options: fortified libc calls,
# stack protector, format checks, and a read-only GOT (relro + bindnow). Optimised, unsanitised
# builds only: _FORTIFY_SOURCE needs optimisation and the sanitizers do that work themselves.
option(TSNA_HARDENING "Build with Debian's hardening flags (off for Debug and sanitizer builds)" ON)
if(TSNA_HARDENING AND NOT TSNA_SANITIZE)
  set(optimised "$<NOT:$<CONFIG:Debug>>")
  target_compile_options(tsna_options INTERFACE
                         "$<${optimised}:-U_FORTIFY_SOURCE;-D_FORTIFY_SOURCE=2>"
                         -fstack-protector-strong -Wformat -Werror=format-security)
  target_link_options(tsna_options INTERFACE LINKER:-z,relro LINKER:-z,now)
endif()
