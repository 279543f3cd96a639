# Dependencies: Debian -dev packages only, found with find_package / pkg-config.
# scripts/install-deps.sh installs every one of them.
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBEDIT REQUIRED IMPORTED_TARGET libedit)
# GNU SASL (libgsasl-dev 2.2): SCRAM-SHA-256(-PLUS), SASLprep, PBKDF2 for verifiers.
pkg_check_modules(GSASL REQUIRED IMPORTED_TARGET libgsasl>=2.2)
# libpq (libpq-dev): the shared store, --store postgresql://... (src/store/postgres_*).
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)

# Standalone Asio (libasio-dev) is header-only and ships no CMake package.
find_path(ASIO_INCLUDE_DIR asio.hpp REQUIRED)
add_library(tsna_asio INTERFACE)
target_include_directories(tsna_asio SYSTEM INTERFACE ${ASIO_INCLUDE_DIR})
# ASIO_DISABLE_STD_ALIGNED_ALLOC: asio 1.22 otherwise picks aligned_alloc or operator new per
# translation unit (by whether a libstdc++ header came first), and memory allocated in one file
# is freed in another with the other allocator (asio issue #1082; ASan: alloc-dealloc-mismatch).
target_compile_definitions(tsna_asio INTERFACE ASIO_STANDALONE ASIO_NO_DEPRECATED
                                               ASIO_DISABLE_STD_ALIGNED_ALLOC)
target_link_libraries(tsna_asio INTERFACE Threads::Threads)

if(TSNA_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(TSNA_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
