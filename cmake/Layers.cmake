# Layers.cmake - how a src/ folder becomes a walled library (docs/ARCHITECTURE.md, "Layers"):
# tsna_library() gives each one an include root that holds only its own folder and records the
# libraries it may use; the graph itself is declared once, in src/CMakeLists.txt, not here.

# tsna_library(<target> <folder> [DEPS <tsna library>...]
#              [PUBLIC_LIBS <third-party>...] [PRIVATE_LIBS <third-party>...])
#
# Builds src/<folder>/*.cpp (except main.cpp, which becomes an executable) into <target>. Its
# PUBLIC include directory is <build>/include_roots/<folder>, a directory holding one symbolic
# link, <folder> -> src/<folder>: "<folder>/x.hpp" resolves, a header of any other folder does
# not unless a library in DEPS (or one of theirs, transitively) brings its own root. DEPS must
# be tsna libraries declared before, so the graph cannot have a cycle; third-party targets go
# in PUBLIC_LIBS / PRIVATE_LIBS, which refuse tsna libraries.
function(tsna_library name dir)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "" "DEPS;PUBLIC_LIBS;PRIVATE_LIBS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "tsna_library(${name}): unexpected arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  foreach(dep IN LISTS arg_DEPS)
    get_property(known GLOBAL PROPERTY TSNA_LAYER_DIR_${dep} SET)
    if(NOT known)
      message(FATAL_ERROR "tsna_library(${name}): DEPS ${dep} is not a tsna_library declared "
                          "before it")
    endif()
  endforeach()
  foreach(lib IN LISTS arg_PUBLIC_LIBS arg_PRIVATE_LIBS)
    get_property(known GLOBAL PROPERTY TSNA_LAYER_DIR_${lib} SET)
    if(known)
      message(FATAL_ERROR "tsna_library(${name}): ${lib} is a tsna library: list it in DEPS")
    endif()
  endforeach()

  set(root ${PROJECT_BINARY_DIR}/include_roots/${dir})
  file(MAKE_DIRECTORY ${root})
  file(CREATE_LINK ${PROJECT_SOURCE_DIR}/src/${dir} ${root}/${dir} SYMBOLIC)

  file(GLOB sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${dir}/*.cpp)
  list(FILTER sources EXCLUDE REGEX ".*/main\\.cpp$")
  if(sources)
    add_library(${name} STATIC ${sources})
    set(scope PUBLIC)
    set(private_scope PRIVATE)
  else()
    # A folder of headers only: an interface target keeps the graph whole.
    add_library(${name} INTERFACE)
    set(scope INTERFACE)
    set(private_scope INTERFACE)
  endif()
  target_include_directories(${name} ${scope} ${root})
  target_link_libraries(${name} ${scope} tsna_options ${arg_DEPS} ${arg_PUBLIC_LIBS})
  if(arg_PRIVATE_LIBS)
    target_link_libraries(${name} ${private_scope} ${arg_PRIVATE_LIBS})
  endif()

  set_property(GLOBAL PROPERTY TSNA_LAYER_DIR_${name} ${dir})
  set_property(GLOBAL PROPERTY TSNA_LAYER_DEPS_${name} ${arg_DEPS})
  set_property(GLOBAL APPEND PROPERTY TSNA_LAYERS ${name})
endfunction()

# tsna_layer_dir(<out-var> <target>): the src/ folder of a tsna library, or "" if it is none.
function(tsna_layer_dir out name)
  get_property(dir GLOBAL PROPERTY TSNA_LAYER_DIR_${name})
  set(${out} "${dir}" PARENT_SCOPE)
endfunction()

# tsna_write_layer_graph(<file>): writes the graph for tests/repo/layering_test.cpp, one line
# per folder, "<folder>: <folders of its DEPS>" (direct ones; PUBLIC linking makes them
# transitive). Rewritten only when it changes. Its path is the global property
# TSNA_LAYER_GRAPH_FILE.
function(tsna_write_layer_graph file)
  get_property(layers GLOBAL PROPERTY TSNA_LAYERS)
  set(content "# The library graph of src/, written by tsna_write_layer_graph() (cmake/Layers.cmake).\n")
  foreach(name IN LISTS layers)
    tsna_layer_dir(dir ${name})
    get_property(deps GLOBAL PROPERTY TSNA_LAYER_DEPS_${name})
    set(dep_dirs "")
    foreach(dep IN LISTS deps)
      tsna_layer_dir(dep_dir ${dep})
      list(APPEND dep_dirs ${dep_dir})
    endforeach()
    list(PREPEND dep_dirs "${dir}:")
    list(JOIN dep_dirs " " line)
    string(APPEND content "${line}\n")
  endforeach()
  file(CONFIGURE OUTPUT ${file} CONTENT "${content}" @ONLY)
  set_property(GLOBAL PROPERTY TSNA_LAYER_GRAPH_FILE ${file})
endfunction()

# tsna_wall_test(<test> <library> <source> [MISSING <header>]): a ctest that compiles <source>
# with <library>'s real include directories and definitions (its whole link closure). With
# MISSING it passes only if the compiler reports <header> as not found, proving the wall
# holds; without, the compile must succeed, proving the wall lets the allowed headers through.
function(tsna_wall_test test library source)
  cmake_parse_arguments(PARSE_ARGV 3 arg "" "MISSING" "")
  set(includes "$<TARGET_PROPERTY:${library},INCLUDE_DIRECTORIES>")
  set(defines "$<TARGET_PROPERTY:${library},COMPILE_DEFINITIONS>")
  add_test(NAME ${test}
           COMMAND ${CMAKE_CXX_COMPILER} ${CMAKE_CXX20_STANDARD_COMPILE_OPTION} -fsyntax-only
                   "$<$<BOOL:${includes}>:-I$<JOIN:${includes},;-I>>"
                   "$<$<BOOL:${defines}>:-D$<JOIN:${defines},;-D>>"
                   ${source}
           COMMAND_EXPAND_LISTS)
  if(arg_MISSING)
    # GCC: "x.hpp: No such file or directory"; clang: "'x.hpp' file not found".
    string(REPLACE "." "\\." missing "${arg_MISSING}")
    set_tests_properties(${test} PROPERTIES PASS_REGULAR_EXPRESSION
                         "${missing}: No such file or directory|'${missing}' file not found")
  endif()
endfunction()
