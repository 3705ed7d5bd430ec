# The dependency rule, checked at configure time: each causeway library may link only the causeway
# libraries listed for it here (docs/ARCHITECTURE.md has the same table). A library that links
# another, or a causeway library missing from the table, fails the configure step.
#
# Lowest first. core and light_clients do no I/O; devnet is linked by the `causeway devnet` command
# only, never by a daemon's library.
set(CAUSEWAY_LAYERS
  "core:"
  "os:"
  "logging:"
  "http:"
  "light_clients:core"
  "db:core"
  "chain:core"
  "devnet:core,light_clients,db,chain,logging,os"
  "commands:core,light_clients,db,chain"
  # The daemons' libraries (relayer and validator; router planned) and the metric catalogue.
  "monitoring:core"
  "relayer:core,light_clients,db,chain,logging,http,monitoring"
  "router:core,light_clients,db,chain,logging,http,monitoring"
  # Test support may use the libraries it starts servers for.
  "test_support:core,os"
  "test_postgres:test_support,db"
  "catch_main:"
)

# "causeway::db", "causeway_db" -> "db"; anything else -> "".
function(_causeway_layer_name out item)
  set(name "")
  if(item MATCHES "^causeway::([a-z_]+)$")
    set(name "${CMAKE_MATCH_1}")
  elseif(item MATCHES "^causeway_([a-z_]+)$")
    set(name "${CMAKE_MATCH_1}")
  endif()
  set(${out} "${name}" PARENT_SCOPE)
endfunction()

function(_causeway_targets_in out dir)
  get_property(targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    _causeway_targets_in(sub_targets "${sub}")
    list(APPEND targets ${sub_targets})
  endforeach()
  set(${out} "${targets}" PARENT_SCOPE)
endfunction()

function(causeway_check_layers)
  foreach(entry IN LISTS CAUSEWAY_LAYERS)
    string(REPLACE ":" ";" parts "${entry}")
    list(GET parts 0 name)
    list(LENGTH parts n)
    set(allowed "")
    if(n GREATER 1)
      list(GET parts 1 deps)
      string(REPLACE "," ";" allowed "${deps}")
    endif()
    set(_allowed_${name} "${allowed}")
    set(_known_${name} TRUE)
  endforeach()

  _causeway_targets_in(targets "${PROJECT_SOURCE_DIR}")
  set(problems "")
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(NOT type MATCHES "LIBRARY$")
      continue()
    endif()
    _causeway_layer_name(name ${target})
    if(name STREQUAL "")
      continue()
    endif()
    if(NOT _known_${name})
      list(APPEND problems "causeway_${name} is not in the dependency table (cmake/layers.cmake)")
      continue()
    endif()
    set(links "")
    foreach(property LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
      get_target_property(value ${target} ${property})
      if(value)
        list(APPEND links ${value})
      endif()
    endforeach()
    foreach(link IN LISTS links)
      # An alias by any name counts as the library it names.
      if(TARGET "${link}")
        get_target_property(aliased "${link}" ALIASED_TARGET)
        if(aliased)
          set(link "${aliased}")
        endif()
      endif()
      # Inside generator expressions too ($<LINK_ONLY:...> for a static library's PRIVATE links,
      # $<BUILD_INTERFACE:...>, conditions): every causeway library the item names.
      string(REGEX MATCHALL "causeway(::|_)[a-z_]+" named "${link}")
      foreach(item IN LISTS named)
        _causeway_layer_name(dep "${item}")
        if(dep STREQUAL "" OR dep STREQUAL name)
          continue()
        endif()
        if(NOT dep IN_LIST _allowed_${name})
          list(APPEND problems
            "causeway_${name} links causeway_${dep}, which it may not (allowed: ${_allowed_${name}})")
        endif()
      endforeach()
    endforeach()
  endforeach()
  if(problems)
    list(REMOVE_DUPLICATES problems)
    string(REPLACE ";" "\n  " text "${problems}")
    message(FATAL_ERROR "dependency rule broken (see docs/ARCHITECTURE.md):\n  ${text}")
  endif()
endfunction()
