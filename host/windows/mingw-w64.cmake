# Cross-compiling netral.exe and netral-host.exe for 64-bit Windows with Debian's mingw-w64.
#   .ci/windows-deps build-win-deps
#   cmake -S . -B build-win -DCMAKE_TOOLCHAIN_FILE=host/windows/mingw-w64.cmake \
#         -DNETRAL_WINDOWS_DEPS=$PWD/build-win-deps
# Tests run under Wine (CMAKE_CROSSCOMPILING_EMULATOR) when it is installed.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

# (This file is read again for CMake's own compiler checks, without the cache: hence the if.)
set(NETRAL_WINDOWS_DEPS "" CACHE PATH "Prefix that .ci/windows-deps built cJSON, SQLite and libsodium into")
if(NETRAL_WINDOWS_DEPS)
  # pkg-config finds only the Windows libraries, never the build machine's.
  set(ENV{PKG_CONFIG_LIBDIR} "${NETRAL_WINDOWS_DEPS}/lib/pkgconfig")
  set(ENV{PKG_CONFIG_PATH} "")
  list(APPEND CMAKE_FIND_ROOT_PATH "${NETRAL_WINDOWS_DEPS}")
endif()

find_program(WINE_PROGRAM wine)
if(WINE_PROGRAM)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${WINE_PROGRAM})
endif()
