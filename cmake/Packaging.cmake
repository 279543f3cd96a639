# Packaging.cmake - what `cmake --install` puts where, and the Debian package CPack makes of it
# (`cpack -G DEB` in the build directory; docs/OPERATIONS.md). Needs the three programs built;
# it builds no code of its own: the man pages and documents are gzipped as part of `all`.
include(GNUInstallDirs)

set(TSNA_PACKAGE_MAINTAINER "TSNA maintainers <maintainers@tsna.invalid>"
    CACHE STRING "The Maintainer field of the Debian package")
set(TSNA_PACKAGE_RELEASE 1 CACHE STRING "The Debian revision of the package (the -N of 0.1.0-N)")
# Absolute destinations, outside the install prefix: where Debian 12 keeps units and conffiles.
set(TSNA_SYSTEMD_UNIT_DIR /lib/systemd/system CACHE PATH "Where the systemd unit goes")
set(TSNA_CONFIG_DIR /etc/tsna CACHE PATH "Where tsna-server.conf goes")
set(tsna_doc_dir ${CMAKE_INSTALL_DATADIR}/doc/tsna)

set(tsna_programs tsna tsna-server tsna-bench)
install(TARGETS ${tsna_programs} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# `strip` alone (cmake --install --strip, CPACK_STRIP_FILES) leaves the compiler's .comment and
# the .note section; Debian's dh_strip removes them as well.
if(CMAKE_OBJCOPY)
  foreach(program IN LISTS tsna_programs)
    install(CODE "if(CMAKE_INSTALL_DO_STRIP)
  execute_process(COMMAND \"${CMAKE_OBJCOPY}\" --remove-section=.comment --remove-section=.note
                          \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/${program}\"
                  COMMAND_ERROR_IS_FATAL ANY)
endif()")
  endforeach()
endif()
install(FILES ${PROJECT_SOURCE_DIR}/packaging/tsna-server.service
        DESTINATION ${TSNA_SYSTEMD_UNIT_DIR})
install(FILES ${PROJECT_SOURCE_DIR}/packaging/tsna-server.conf DESTINATION ${TSNA_CONFIG_DIR})
# The Wireshark dissector (docs/WIRESHARK.md): in Wireshark's global Lua plugin folder, which
# Debian's wireshark and tshark read at start (`tshark -G folders`), so that an installed package
# shows TSNA in Wireshark with nothing to configure.
install(FILES ${PROJECT_SOURCE_DIR}/contrib/wireshark/tsna.lua
        DESTINATION lib/${CMAKE_LIBRARY_ARCHITECTURE}/wireshark/plugins)

# Man pages and documents, compressed as Debian wants them (gzip -9, no name or time stamp).
set(gzipped_dir ${PROJECT_BINARY_DIR}/gzipped)
set(gzipped_files "")
function(tsna_gzip source name destination)
  set(out ${gzipped_dir}/${name}.gz)
  add_custom_command(OUTPUT ${out}
                     COMMAND ${CMAKE_COMMAND} -E copy ${source} ${gzipped_dir}/${name}
                     COMMAND gzip -9nf ${gzipped_dir}/${name}
                     DEPENDS ${source}
                     COMMENT "gzip ${name}"
                     VERBATIM)
  install(FILES ${out} DESTINATION ${destination})
  set(gzipped_files ${gzipped_files} ${out} PARENT_SCOPE)
endfunction()
tsna_gzip(${PROJECT_SOURCE_DIR}/man/tsna.1 tsna.1 ${CMAKE_INSTALL_MANDIR}/man1)
tsna_gzip(${PROJECT_SOURCE_DIR}/man/tsna-bench.1 tsna-bench.1 ${CMAKE_INSTALL_MANDIR}/man1)
tsna_gzip(${PROJECT_SOURCE_DIR}/man/tsna-server.8 tsna-server.8 ${CMAKE_INSTALL_MANDIR}/man8)
tsna_gzip(${PROJECT_SOURCE_DIR}/packaging/changelog changelog.Debian ${tsna_doc_dir})
foreach(doc README.md docs/OPERATIONS.md docs/SPEC.md docs/PROTOCOL.md docs/SECURITY.md
            docs/CLIENT.md docs/WIRESHARK.md)
  get_filename_component(doc_name ${doc} NAME)
  tsna_gzip(${PROJECT_SOURCE_DIR}/${doc} ${doc_name} ${tsna_doc_dir})
endforeach()
add_custom_target(tsna_gzipped ALL DEPENDS ${gzipped_files})
install(FILES ${PROJECT_SOURCE_DIR}/packaging/copyright DESTINATION ${tsna_doc_dir})

# dpkg's list of configuration files: an upgrade keeps the operator's changes to these.
file(CONFIGURE OUTPUT ${PROJECT_BINARY_DIR}/debian/conffiles
     CONTENT "${TSNA_CONFIG_DIR}/tsna-server.conf\n")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tsna)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_CONTACT ${TSNA_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Telnet-like remote command service with an NTLM-style login")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
       "TSNA is a small TCP service: users register, log in without sending their\n"
       "password, and run commands on the server. One port speaks two dialects: the\n"
       "classic one of the student project it grew out of, byte for byte, and TSNA/2,\n"
       "with line framing, pipelining and a SCRAM-SHA-256 login, bound to TLS.\n"
       "\n"
       "This package holds the server, tsna-server (SQLite store, audit log, limits,\n"
       "TLS, a hardened systemd service with a configuration file in /etc/tsna), the\n"
       "interactive and scriptable client tsna, and the load generator tsna-bench.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${TSNA_PACKAGE_RELEASE})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${TSNA_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_BINARY_DIR}/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
