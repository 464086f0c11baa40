# The Windows build's packaging beside the ZIP (included from the top CMakeLists.txt): the
# Task Scheduler files, Authenticode signing of the programs and the MSI when given a
# certificate, and the MSI (wixl).

# ---- The tasks (sections 5 and 6 of docs/deployment.md) ----
# In UTF-16 with a byte-order mark, as their declaration says and as Task Scheduler writes its
# own: a parser that follows the declaration cannot read the ASCII bytes kept in git as UTF-16.
find_program(NETRAL_ICONV iconv REQUIRED)
set(NETRAL_TASK_FILES "")
foreach(task netral-update netral-spool)   # Update: disabled until IT enables it; Spool: on
  set(out ${CMAKE_BINARY_DIR}/tasks/${task}.xml)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DIN=${CMAKE_CURRENT_SOURCE_DIR}/manifests/windows/${task}.xml -DOUT=${out}
            -DICONV=${NETRAL_ICONV} -P ${CMAKE_CURRENT_SOURCE_DIR}/host/windows/utf16.cmake
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/manifests/windows/${task}.xml ${CMAKE_CURRENT_SOURCE_DIR}/host/windows/utf16.cmake)
  list(APPEND NETRAL_TASK_FILES ${out})
endforeach()
add_custom_target(task_files ALL DEPENDS ${NETRAL_TASK_FILES})
install(FILES ${NETRAL_TASK_FILES} DESTINATION tasks)

# ---- Code signing (osslsigncode) ----
set(NETRAL_SIGN_CERT "" CACHE FILEPATH "Code-signing certificate chain (PEM); with NETRAL_SIGN_KEY")
set(NETRAL_SIGN_KEY "" CACHE FILEPATH "Private key (PEM) of NETRAL_SIGN_CERT")
set(NETRAL_SIGN_PKCS12 "" CACHE FILEPATH "Code-signing certificate and key as one PKCS#12 file (instead of CERT/KEY)")
set(NETRAL_SIGN_PASSWORD_FILE "" CACHE FILEPATH "File holding the password of the key or PKCS#12, if any")
set(NETRAL_SIGN_TIMESTAMP_URL "" CACHE STRING "RFC 3161 timestamp server (the signature then outlives the certificate)")

set(NETRAL_SIGN_ARGS "")
if(NETRAL_SIGN_PKCS12 OR NETRAL_SIGN_CERT OR NETRAL_SIGN_KEY)
  if(NOT NETRAL_SIGN_PKCS12 AND NOT (NETRAL_SIGN_CERT AND NETRAL_SIGN_KEY))
    message(FATAL_ERROR "Code signing needs both NETRAL_SIGN_CERT and NETRAL_SIGN_KEY (or NETRAL_SIGN_PKCS12)")
  endif()
  find_program(NETRAL_OSSLSIGNCODE osslsigncode REQUIRED)
  set(NETRAL_SIGN_ARGS -DOSSLSIGNCODE=${NETRAL_OSSLSIGNCODE} -DCERT=${NETRAL_SIGN_CERT} -DKEY=${NETRAL_SIGN_KEY}
      -DPKCS12=${NETRAL_SIGN_PKCS12} -DPASSWORD_FILE=${NETRAL_SIGN_PASSWORD_FILE}
      -DTIMESTAMP_URL=${NETRAL_SIGN_TIMESTAMP_URL})
  # Signed as installed (install(TARGETS) in host/ runs first, CMP0082), so the ZIP (cpack) and the
  # MSI (msi.cmake installs first) hold signed programs; the build tree's copies stay as linked.
  set(sign_args_quoted "")
  foreach(arg IN LISTS NETRAL_SIGN_ARGS)
    string(APPEND sign_args_quoted " \"${arg}\"")
  endforeach()
  foreach(program netral.exe netral-host.exe)
    install(CODE "execute_process(COMMAND \"${CMAKE_COMMAND}\" \"-DFILE=\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${program}\"
                  ${sign_args_quoted} -P \"${CMAKE_CURRENT_SOURCE_DIR}/host/windows/sign.cmake\" COMMAND_ERROR_IS_FATAL ANY)")
  endforeach()
  message(STATUS "Code signing: on (osslsigncode): netral.exe and netral-host.exe as installed (ZIP, MSI) and the MSI are signed")
else()
  message(STATUS "Code signing: off (no NETRAL_SIGN_CERT and NETRAL_SIGN_KEY, or NETRAL_SIGN_PKCS12): "
                 "netral.exe, netral-host.exe and the MSI are unsigned")
endif()

# ---- The MSI (wixl, wixl-heat from msitools) ----
# The upgrade code is the product's identity for Windows Installer: never change it. The product
# code follows from it and the version, so each version is a new product that replaces the last
# (MajorUpgrade), and the same version builds the same code.
set(NETRAL_MSI_UPGRADE_CODE "00BFF16A-4128-4FF5-888E-7164A39AD8FB")
string(UUID NETRAL_MSI_PRODUCT_CODE NAMESPACE ${NETRAL_MSI_UPGRADE_CODE} NAME "netral ${PROJECT_VERSION}" TYPE SHA1 UPPER)

# The host manifests the MSI installs: what `netral install --system` writes (path JSON-escaped).
set(NETRAL_HOST_PATH "C:\\\\Program Files\\\\Netral\\\\netral-host.exe")
configure_file(manifests/host/chromium.json.in manifests/chromium/id.netral.host.json @ONLY)
configure_file(manifests/host/firefox.json.in manifests/firefox/id.netral.host.json @ONLY)

find_program(NETRAL_WIXL wixl)
find_program(NETRAL_WIXL_HEAT wixl-heat)
set(NETRAL_MSI ${CMAKE_BINARY_DIR}/netral-${PROJECT_VERSION}-win64.msi)
if(NETRAL_WIXL AND NETRAL_WIXL_HEAT)
  file(GLOB_RECURSE msi_inputs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/manifests/windows/*
       ${CMAKE_CURRENT_SOURCE_DIR}/manifests/policies/windows/* ${CMAKE_CURRENT_SOURCE_DIR}/manifests/policies/firefox/*)
  add_custom_command(OUTPUT ${NETRAL_MSI}
    COMMAND ${CMAKE_COMMAND} -DBUILD_DIR=${CMAKE_BINARY_DIR} -DSOURCE_DIR=${CMAKE_CURRENT_SOURCE_DIR}
            -DOUT=${NETRAL_MSI} -DVERSION=${PROJECT_VERSION} -DPRODUCT_CODE=${NETRAL_MSI_PRODUCT_CODE}
            -DUPGRADE_CODE=${NETRAL_MSI_UPGRADE_CODE} -DWIXL=${NETRAL_WIXL} -DWIXL_HEAT=${NETRAL_WIXL_HEAT}
            ${NETRAL_SIGN_ARGS} -P ${CMAKE_CURRENT_SOURCE_DIR}/host/windows/msi.cmake
    DEPENDS netral netral-host ${msi_inputs} ${CMAKE_CURRENT_SOURCE_DIR}/host/windows/msi.cmake
            ${CMAKE_CURRENT_SOURCE_DIR}/host/windows/sign.cmake
            ${CMAKE_CURRENT_SOURCE_DIR}/docs/deployment.md ${CMAKE_CURRENT_SOURCE_DIR}/docs/deployment.id.md
            ${CMAKE_BINARY_DIR}/manifests/chromium/id.netral.host.json ${CMAKE_BINARY_DIR}/manifests/firefox/id.netral.host.json
            ${NETRAL_TASK_FILES}
    COMMENT "Building netral-${PROJECT_VERSION}-win64.msi (wixl)")
  add_custom_target(msi ALL DEPENDS ${NETRAL_MSI})
else()
  message(STATUS "MSI: not built (no wixl or wixl-heat: apt install wixl msitools)")
endif()
