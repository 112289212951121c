# Cross toolchain for arm64 (64-bit Arm, little-endian, LP64, char unsigned): cmake -DCMAKE_TOOLCHAIN_FILE=tests/cross/arm64.cmake
# Needs crossbuild-essential-arm64; see common.cmake for where the libraries come from.
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(PCISIM_CROSS_GNU aarch64-linux-gnu)
set(PCISIM_CROSS_MULTIARCH aarch64-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
