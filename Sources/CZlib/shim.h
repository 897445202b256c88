// zlib, used for gzip-compressed NIfTI (.nii.gz) and DICOM deflate.
#ifndef RTCLUSTER_CZLIB_SHIM_H
#define RTCLUSTER_CZLIB_SHIM_H
#include <zlib.h>
#endif
