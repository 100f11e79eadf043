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
#include <openssl/kdf.h>

// The AES-256-GCM implementation, fetched once (an implicit fetch per chunk costs a provider lookup each time).
// Two threads racing on the first call both fetch; one reference is then kept for the process's lifetime.
static inline const EVP_CIPHER *ccrypto_aes256gcm(void) {
    static EVP_CIPHER *cipher = NULL;
    EVP_CIPHER *c = __atomic_load_n(&cipher, __ATOMIC_ACQUIRE);
    if (!c) {
        c = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
        __atomic_store_n(&cipher, c, __ATOMIC_RELEASE);
    }
    return c;
}

// AES-256-GCM over one buffer: 16-byte tag. Returns 1 on success; `open` returns 0 when the tag
// does not authenticate the input.
static inline int ccrypto_aes256gcm_seal(const void *key, const void *iv, int ivLen, const void *aad, size_t aadLen,
                                         const void *in, size_t len, void *out, void *tag) {
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    if (!c) return 0;
    int n = 0;
    int ok = EVP_EncryptInit_ex(c, ccrypto_aes256gcm(), NULL, NULL, NULL)
        && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, ivLen, NULL)
        && EVP_EncryptInit_ex(c, NULL, NULL, (const unsigned char *)key, (const unsigned char *)iv);
    if (ok && aadLen) ok = EVP_EncryptUpdate(c, NULL, &n, (const unsigned char *)aad, (int)aadLen);
    if (ok && len) ok = EVP_EncryptUpdate(c, (unsigned char *)out, &n, (const unsigned char *)in, (int)len);
    if (ok) ok = EVP_EncryptFinal_ex(c, (unsigned char *)out + (len ? n : 0), &n);
    if (ok) ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag);
    EVP_CIPHER_CTX_free(c);
    return ok;
}

static inline int ccrypto_aes256gcm_open(const void *key, const void *iv, int ivLen, const void *aad, size_t aadLen,
                                         const void *in, size_t len, const void *tag, void *out) {
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    if (!c) return 0;
    int n = 0;
    int ok = EVP_DecryptInit_ex(c, ccrypto_aes256gcm(), NULL, NULL, NULL)
        && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, ivLen, NULL)
        && EVP_DecryptInit_ex(c, NULL, NULL, (const unsigned char *)key, (const unsigned char *)iv);
    if (ok && aadLen) ok = EVP_DecryptUpdate(c, NULL, &n, (const unsigned char *)aad, (int)aadLen);
    if (ok && len) ok = EVP_DecryptUpdate(c, (unsigned char *)out, &n, (const unsigned char *)in, (int)len);
    if (ok) ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, (void *)tag);
    if (ok) ok = EVP_DecryptFinal_ex(c, (unsigned char *)out + (len ? n : 0), &n);
    EVP_CIPHER_CTX_free(c);
    return ok;
}

// HKDF-SHA256 (EVP_KDF "HKDF", extract and expand).
static inline int ccrypto_hkdf_sha256(const void *ikm, size_t ikmLen, const void *salt, size_t saltLen,
                                      const void *info, size_t infoLen, void *out, size_t outLen) {
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    if (!kdf) return 0;
    EVP_KDF_CTX *ctx = EVP_KDF_CTX_new(kdf);
    EVP_KDF_free(kdf);
    if (!ctx) return 0;
    OSSL_PARAM params[5];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, ikmLen);
    params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, saltLen);
    params[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, infoLen);
    params[4] = OSSL_PARAM_construct_end();
    int ok = EVP_KDF_derive(ctx, (unsigned char *)out, outLen, params);
    EVP_KDF_CTX_free(ctx);
    return ok;
}

// scrypt (EVP_PBE_scrypt) with a memory cap.
static inline int ccrypto_scrypt(const void *pass, size_t passLen, const void *salt, size_t saltLen, uint64_t n,
                                 uint64_t r, uint64_t p, uint64_t maxMem, void *out, size_t outLen) {
    return EVP_PBE_scrypt((const char *)pass, passLen, (const unsigned char *)salt, saltLen, n, r, p, maxMem,
                          (unsigned char *)out, outLen);
}

static inline int ccrypto_random(void *out, int len) { return RAND_bytes((unsigned char *)out, len); }
#endif
