// libdeflate (Debian libdeflate-dev): whole-buffer zlib-format deflate and inflate, about twice as fast
// as zlib's compress2/uncompress on HDF5 chunks; its streams are ordinary zlib streams that HDF5's
// deflate filter (and h5py) read.
#ifndef RTCLUSTER_CDEFLATE_SHIM_H
#define RTCLUSTER_CDEFLATE_SHIM_H
#include <libdeflate.h>
#endif
