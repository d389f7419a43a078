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
  # The dialects also call their client library (libpq, libmariadb) directly.
  if(TARGET SOCI::postgresql)
    find_path(SOCI_PQ_INCLUDE_DIR libpq-fe.h PATH_SUFFIXES postgresql)
    find_library(SOCI_PQ_LIBRARY NAMES pq)
    set_property(TARGET SOCI::postgresql APPEND PROPERTY INTERFACE_INCLUDE_DIRECTORIES ${SOCI_PQ_INCLUDE_DIR})
    if(SOCI_PQ_LIBRARY)
      set_property(TARGET SOCI::postgresql APPEND PROPERTY INTERFACE_LINK_LIBRARIES ${SOCI_PQ_LIBRARY})
    endif()
  endif()
  if(TARGET SOCI::mysql)
    find_path(SOCI_MYSQL_INCLUDE_DIR mysql.h PATH_SUFFIXES mariadb mysql)
    find_library(SOCI_MYSQL_CLIENT_LIBRARY NAMES mariadb mysqlclient)
    set_property(TARGET SOCI::mysql APPEND PROPERTY INTERFACE_INCLUDE_DIRECTORIES ${SOCI_MYSQL_INCLUDE_DIR})
    if(SOCI_MYSQL_CLIENT_LIBRARY)
      set_property(TARGET SOCI::mysql APPEND PROPERTY INTERFACE_LINK_LIBRARIES ${SOCI_MYSQL_CLIENT_LIBRARY})
    endif()
  endif()
endif()
