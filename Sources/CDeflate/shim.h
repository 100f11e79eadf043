#ifndef CDEFLATE_SHIM_H
#define CDEFLATE_SHIM_H
// libdeflate: only its CRC-32 (gzip polynomial, hardware-accelerated with PCLMULQDQ/VPCLMULQDQ), used for
// S3's x-amz-checksum-crc32 part checksums.
#include <libdeflate.h>
#endif
