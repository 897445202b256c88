// OpenBLAS CBLAS interface plus its thread-count control.
#ifndef RTCLUSTER_CBLAS_SHIM_H
#define RTCLUSTER_CBLAS_SHIM_H
#include <cblas.h>
#endif
