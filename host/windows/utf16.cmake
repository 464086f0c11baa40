# Writes the UTF-8 (here ASCII) file IN to OUT in UTF-16 with a byte-order mark (glibc's iconv
# writes the mark for "UTF-16").   cmake -DIN= -DOUT= -DICONV= -P utf16.cmake
get_filename_component(dir "${OUT}" DIRECTORY)
file(MAKE_DIRECTORY "${dir}")
execute_process(COMMAND "${ICONV}" -f UTF-8 -t UTF-16 "${IN}" OUTPUT_FILE "${OUT}.tmp"
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  file(REMOVE "${OUT}.tmp")
  message(FATAL_ERROR "iconv could not convert ${IN}: ${err}")
endif()
file(RENAME "${OUT}.tmp" "${OUT}")
