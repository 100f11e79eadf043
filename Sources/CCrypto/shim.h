#ifndef CCRYPTO_SHIM_H
#define CCRYPTO_SHIM_H
// OpenSSL 3 libcrypto: EVP digests and MACs (none of these are variadic).
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/hmac.h>
#include <openssl/err.h>
#include <openssl/opensslv.h>
#include <openssl/rand.h>

// Byte buffers as void * so Swift can pass raw pointers without binding memory.
static inline int ccrypto_digest_update(EVP_MD_CTX *ctx, const void *data, size_t len) { return EVP_DigestUpdate(ctx, data, len); }
static inline int ccrypto_mac_update(EVP_MAC_CTX *ctx, const void *data, size_t len) { return EVP_MAC_update(ctx, (const unsigned char *)data, len); }
static inline unsigned char *ccrypto_hmac_sha256(const void *key, int keyLen, const void *data, size_t len, unsigned char *out, unsigned int *outLen) {
    return HMAC(EVP_sha256(), key, keyLen, (const unsigned char *)data, len, out, outLen);
}
#endif
