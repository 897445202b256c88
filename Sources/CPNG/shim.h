// libpng 1.6, used through its simplified API (png_image_*), which reports errors in
// png_image.message instead of longjmp-ing into the caller.
#ifndef RTCLUSTER_CPNG_SHIM_H
#define RTCLUSTER_CPNG_SHIM_H
#include <png.h>

static inline png_uint_32 rt_png_image_version(void) { return PNG_IMAGE_VERSION; }
static inline png_uint_32 rt_png_format_rgb(void) { return PNG_FORMAT_RGB; }
#endif
