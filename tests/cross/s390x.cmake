# Cross toolchain for s390x (64-bit IBM Z, big-endian, LP64, char unsigned): cmake -DCMAKE_TOOLCHAIN_FILE=tests/cross/s390x.cmake
# Needs crossbuild-essential-s390x; see common.cmake for where the libraries come from.
set(CMAKE_SYSTEM_PROCESSOR s390x)
set(PCISIM_CROSS_GNU s390x-linux-gnu)
set(PCISIM_CROSS_MULTIARCH s390x-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
