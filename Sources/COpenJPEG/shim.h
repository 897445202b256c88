// OpenJPEG (JPEG 2000 codec), used to decode JPEG 2000 compressed DICOM pixel data.
#ifndef RTCLUSTER_COPENJPEG_SHIM_H
#define RTCLUSTER_COPENJPEG_SHIM_H
#include <openjpeg.h>
#endif
