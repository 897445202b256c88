// OpenSSL's libcrypto (Debian libssl-dev), used for SHA-256 only: its SHA-extension code path hashes a case file
// about ten times faster than portable code, fast enough to check a case file's fingerprint at every job start.
#ifndef RTCLUSTER_CCRYPTO_SHIM_H
#define RTCLUSTER_CCRYPTO_SHIM_H
#include <openssl/evp.h>
#endif
