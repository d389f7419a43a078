# SOCI 4.0.3 as packaged by Debian ships no CMake config and no pkg-config file.
# Defines SOCI::core, SOCI::sqlite3, SOCI::postgresql, SOCI::mysql (those found).
find_path(SOCI_INCLUDE_DIR soci/soci.h)
find_library(SOCI_CORE_LIBRARY NAMES soci_core)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(SOCI REQUIRED_VARS SOCI_INCLUDE_DIR SOCI_CORE_LIBRARY)
if(SOCI_FOUND AND NOT TARGET SOCI::core)
  add_library(SOCI::core UNKNOWN IMPORTED)
  set_target_properties(SOCI::core PROPERTIES
    IMPORTED_LOCATION "${SOCI_CORE_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${SOCI_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${CMAKE_DL_LIBS}")
  foreach(backend sqlite3 postgresql mysql)
    find_library(SOCI_${backend}_LIBRARY NAMES soci_${backend})
    if(SOCI_${backend}_LIBRARY)
      add_library(SOCI::${backend} UNKNOWN IMPORTED)
      set_target_properties(SOCI::${backend} PROPERTIES
        IMPORTED_LOCATION "${SOCI_${backend}_LIBRARY}"
        INTERFACE_LINK_LIBRARIES SOCI::core)
    endif()
  endforeach()
  if(TARGET SOCI::postgresql)
    set_property(TARGET SOCI::postgresql APPEND PROPERTY INTERFACE_INCLUDE_DIRECTORIES /usr/include/postgresql)
  endif()
  if(TARGET SOCI::mysql)
    set_property(TARGET SOCI::mysql APPEND PROPERTY INTERFACE_INCLUDE_DIRECTORIES /usr/include/mariadb)
  endif()
endif()
