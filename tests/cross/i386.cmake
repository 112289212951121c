# Cross toolchain for i386 (32-bit x86, little-endian, ILP32): cmake -DCMAKE_TOOLCHAIN_FILE=tests/cross/i386.cmake
# Needs crossbuild-essential-i386; see common.cmake for where the libraries come from.
set(CMAKE_SYSTEM_PROCESSOR i686)
set(PCISIM_CROSS_GNU i686-linux-gnu)
set(PCISIM_CROSS_MULTIARCH i386-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
