# Builds netral-VERSION-win64.msi from the build's install tree (what the ZIP holds):
#   cmake -DBUILD_DIR= -DSOURCE_DIR= -DOUT= -DVERSION= -DPRODUCT_CODE= -DUPGRADE_CODE= -DWIXL=
#         -DWIXL_HEAT= [-DSTAGE=dir] [-DOSSLSIGNCODE= and sign.cmake's arguments: signs the MSI]
#         -P msi.cmake
# STAGE (default BUILD_DIR/msi) is emptied and filled with what the MSI holds.
# The root files and the host manifests are named in manifests/windows/netral.wxs; the files in
# the install tree's folders (policies, tasks, docs) are listed by wixl-heat, so a file added to
# the ZIP reaches the MSI too.
if(STAGE)
  set(stage "${STAGE}")
else()
  set(stage "${BUILD_DIR}/msi")
endif()
file(REMOVE_RECURSE "${stage}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${stage}/files"
                COMMAND_ERROR_IS_FATAL ANY OUTPUT_QUIET)
file(COPY "${BUILD_DIR}/manifests/chromium" "${BUILD_DIR}/manifests/firefox" DESTINATION "${stage}/manifests")

file(GLOB_RECURSE in_folders RELATIVE "${stage}/files" "${stage}/files/*/*")
list(SORT in_folders)
list(JOIN in_folders "\n" listing)
file(WRITE "${stage}/folders.txt" "${listing}\n")
execute_process(COMMAND "${WIXL_HEAT}" -p "" --component-group ZipFolders --var var.StageDir
                        --directory-ref INSTALLDIR --win64
                INPUT_FILE "${stage}/folders.txt" OUTPUT_FILE "${stage}/files.wxs"
                COMMAND_ERROR_IS_FATAL ANY)

execute_process(COMMAND "${WIXL}" -a x64 -o "${OUT}"
                        -D Version=${VERSION} -D ProductCode=${PRODUCT_CODE} -D UpgradeCode=${UPGRADE_CODE} -D Win64=yes
                        -D StageDir=files -D ManifestDir=manifests   # wixl takes only relative sources
                        "${SOURCE_DIR}/manifests/windows/netral.wxs" "${stage}/files.wxs"
                WORKING_DIRECTORY "${stage}" COMMAND_ERROR_IS_FATAL ANY)
if(OSSLSIGNCODE)
  execute_process(COMMAND "${CMAKE_COMMAND}" -DFILE=${OUT} -DOSSLSIGNCODE=${OSSLSIGNCODE} -DCERT=${CERT}
                          -DKEY=${KEY} -DPKCS12=${PKCS12} -DPASSWORD_FILE=${PASSWORD_FILE}
                          -DTIMESTAMP_URL=${TIMESTAMP_URL} -P "${SOURCE_DIR}/host/windows/sign.cmake"
                  COMMAND_ERROR_IS_FATAL ANY)
endif()
