#ifndef CZSTD_SHIM_H
#define CZSTD_SHIM_H
// libzstd: the streaming API (ZSTD_CCtx with ZSTD_compressStream2, ZSTD_DCtx with ZSTD_decompressStream), used to
// compress objects of encrypted repositories before they are encrypted.
#include <zstd.h>
#endif
