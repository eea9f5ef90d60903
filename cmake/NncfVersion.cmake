# Reads the version from include/nncf.h so the header is the single source of truth.
file(READ "${CMAKE_CURRENT_LIST_DIR}/../include/nncf.h" _nncf_header)
foreach(part MAJOR MINOR PATCH)
  string(REGEX MATCH "#define NNCF_VERSION_${part} ([0-9]+)" _m "${_nncf_header}")
  set(NNCF_VERSION_${part} "${CMAKE_MATCH_1}")
endforeach()
set(NNCF_VERSION "${NNCF_VERSION_MAJOR}.${NNCF_VERSION_MINOR}.${NNCF_VERSION_PATCH}")
# Pre-1.0 every minor release may break the ABI.
if(NNCF_VERSION_MAJOR EQUAL 0)
  set(NNCF_SOVERSION "0.${NNCF_VERSION_MINOR}")
else()
  set(NNCF_SOVERSION "${NNCF_VERSION_MAJOR}")
endif()
