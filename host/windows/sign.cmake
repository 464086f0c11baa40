# Signs one Windows file (.exe or .msi) in place with osslsigncode (Authenticode, SHA-256).
#   cmake -DFILE=x.exe -DOSSLSIGNCODE=... [-DCERT=cert.pem -DKEY=key.pem | -DPKCS12=file.p12]
#         [-DPASSWORD_FILE=file] [-DTIMESTAMP_URL=url] -P sign.cmake
# Called by the build when NETRAL_SIGN_CERT/NETRAL_SIGN_KEY or NETRAL_SIGN_PKCS12 is set.
if(PKCS12)
  set(credentials -pkcs12 "${PKCS12}")
elseif(CERT AND KEY)
  set(credentials -certs "${CERT}" -key "${KEY}")
else()
  message(FATAL_ERROR "sign.cmake: give CERT and KEY, or PKCS12")
endif()
if(PASSWORD_FILE)
  list(APPEND credentials -readpass "${PASSWORD_FILE}")
endif()
if(TIMESTAMP_URL)
  list(APPEND credentials -ts "${TIMESTAMP_URL}")
endif()
set(signed "${FILE}.signed")
file(REMOVE "${signed}")
execute_process(COMMAND "${OSSLSIGNCODE}" sign ${credentials} -h sha256 -n "Netral"
                        -i "https://netral.id" -in "${FILE}" -out "${signed}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  file(REMOVE "${signed}")
  message(FATAL_ERROR "osslsigncode could not sign ${FILE}: ${out}")
endif()
file(RENAME "${signed}" "${FILE}")
