// glibc's malloc tuning (mallopt), used by Core.ProcessMemory.
#ifndef RTCLUSTER_CMALLOC_SHIM_H
#define RTCLUSTER_CMALLOC_SHIM_H
#include <malloc.h>
#endif
