# Shared part of the cross toolchain files (i386.cmake, s390x.cmake, arm64.cmake), which
# set PCISIM_CROSS_GNU (the compiler's triplet) and PCISIM_CROSS_MULTIARCH (Debian's
# library directory name) before including this file.
#
# The compiler and its C library come from Debian's crossbuild-essential-ARCH. The
# libraries pcisim links (libyaml, libxxhash, jansson, zstd) are found through
# pkg-config in one of two places:
#   - PCISIM_CROSS_SYSROOT (a -D option or the environment variable of that name): a
#     directory holding the ARCH packages unpacked with dpkg-deb -x, as
#     tests/cross/run_arch_matrix.sh lays it out;
#   - otherwise the multiarch directories of this machine (apt-get install
#     libyaml-dev:ARCH ...).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${PCISIM_CROSS_GNU}-gcc)
set(CMAKE_AR ${PCISIM_CROSS_GNU}-ar CACHE FILEPATH "" FORCE)
set(CMAKE_RANLIB ${PCISIM_CROSS_GNU}-ranlib CACHE FILEPATH "" FORCE)

if(NOT PCISIM_CROSS_SYSROOT AND DEFINED ENV{PCISIM_CROSS_SYSROOT})
  set(PCISIM_CROSS_SYSROOT $ENV{PCISIM_CROSS_SYSROOT})
endif()
# try_compile projects see the same settings.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES PCISIM_CROSS_SYSROOT)

if(PCISIM_CROSS_SYSROOT)
  set(ENV{PKG_CONFIG_SYSROOT_DIR} ${PCISIM_CROSS_SYSROOT})
  set(ENV{PKG_CONFIG_LIBDIR}
      "${PCISIM_CROSS_SYSROOT}/usr/lib/${PCISIM_CROSS_MULTIARCH}/pkgconfig:${PCISIM_CROSS_SYSROOT}/usr/share/pkgconfig")
  # The unpacked libraries link against the cross C library; let the linker find them
  # and what they need.
  add_link_options(-Wl,-rpath-link,${PCISIM_CROSS_SYSROOT}/usr/lib/${PCISIM_CROSS_MULTIARCH})
  set(CMAKE_FIND_ROOT_PATH ${PCISIM_CROSS_SYSROOT} /usr/${PCISIM_CROSS_GNU})
else()
  set(ENV{PKG_CONFIG_SYSROOT_DIR} "")
  set(ENV{PKG_CONFIG_LIBDIR}
      "/usr/lib/${PCISIM_CROSS_MULTIARCH}/pkgconfig:/usr/share/pkgconfig")
  set(CMAKE_FIND_ROOT_PATH /usr/${PCISIM_CROSS_GNU})
endif()
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
