// zlib against libdeflate on the chunks of one int16 volume, as rtcluster stores them: 8 x 64 x 64 chunks,
// HDF5 byte shuffle, zlib-format deflate at a given level. One thread; times in seconds for the whole volume.
// Usage: chunk_codecs RAW_INT16_FILE NZ NY NX [LEVEL]
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: %s RAW NZ NY NX [LEVEL]\n", argv[0]); return 64; }
    long nz = atol(argv[2]), ny = atol(argv[3]), nx = atol(argv[4]);
    int level = argc > 5 ? atoi(argv[5]) : 4;
    if (level < 0 || level > 9) { fprintf(stderr, "LEVEL must be 0...9 (HDF5's deflate levels), got %d\n", level); return 64; }
    const long cz = 8, cy = 64, cx = 64, chunkBytes = cz * cy * cx * 2, elements = cz * cy * cx;
    long n = nz * ny * nx;
    short *v = malloc(n * 2);
    FILE *f = fopen(argv[1], "rb");
    if (!f || fread(v, 2, n, f) != (size_t)n) { fprintf(stderr, "cannot read %ld int16 values from %s\n", n, argv[1]); return 66; }
    fclose(f);
    long chunks = ((nz + cz - 1) / cz) * ((ny + cy - 1) / cy) * ((nx + cx - 1) / cx);
    unsigned char **shuffled = malloc(chunks * sizeof *shuffled), **packed = malloc(chunks * sizeof *packed);
    size_t *packedSize = malloc(chunks * sizeof *packedSize);
    long k = 0;
    for (long z0 = 0; z0 < nz; z0 += cz) for (long y0 = 0; y0 < ny; y0 += cy) for (long x0 = 0; x0 < nx; x0 += cx) {
        short *chunk = calloc(elements, 2);
        for (long z = 0; z < cz && z0 + z < nz; z++) for (long y = 0; y < cy && y0 + y < ny; y++) for (long x = 0; x < cx && x0 + x < nx; x++)
            chunk[(z * cy + y) * cx + x] = v[((z0 + z) * ny + y0 + y) * nx + x0 + x];
        unsigned char *s = malloc(chunkBytes), *b = (unsigned char *)chunk;
        for (long i = 0; i < elements; i++) { s[i] = b[2 * i]; s[elements + i] = b[2 * i + 1]; }
        shuffled[k++] = s;
        free(chunk);
    }
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    if (!c || !d) { fprintf(stderr, "cannot allocate libdeflate's compressor or decompressor\n"); return 71; }
    size_t bound = compressBound(chunkBytes) > libdeflate_zlib_compress_bound(c, chunkBytes) ? compressBound(chunkBytes)
                                                                                          : libdeflate_zlib_compress_bound(c, chunkBytes);
    unsigned char **own = malloc(chunks * sizeof *own), *plain = malloc(chunkBytes);
    size_t *ownSize = malloc(chunks * sizeof *ownSize);
    for (k = 0; k < chunks; k++) { packed[k] = malloc(bound); own[k] = malloc(bound); }
    double t = now();
    size_t zlibBytes = 0;
    for (k = 0; k < chunks; k++) {
        uLongf length = bound;
        if (compress2(packed[k], &length, shuffled[k], chunkBytes, level) != Z_OK) return 70;
        packedSize[k] = length;
        zlibBytes += length;
    }
    double zlibDeflate = now() - t;
    t = now();
    size_t libdeflateBytes = 0;
    for (k = 0; k < chunks; k++) {
        ownSize[k] = libdeflate_zlib_compress(c, shuffled[k], chunkBytes, own[k], bound);
        if (ownSize[k] == 0) return 70;
        libdeflateBytes += ownSize[k];
    }
    double libdeflateDeflate = now() - t;
    t = now();
    for (k = 0; k < chunks; k++) {
        uLongf length = chunkBytes;
        if (uncompress(plain, &length, packed[k], packedSize[k]) != Z_OK || length != (uLongf)chunkBytes) return 70;
    }
    double zlibInflate = now() - t;
    t = now();
    for (k = 0; k < chunks; k++)
        if (libdeflate_zlib_decompress(d, packed[k], packedSize[k], plain, chunkBytes, NULL) != LIBDEFLATE_SUCCESS) return 70;
    double libdeflateInflate = now() - t;
    t = now();
    for (k = 0; k < chunks; k++)
        if (libdeflate_zlib_decompress(d, own[k], ownSize[k], plain, chunkBytes, NULL) != LIBDEFLATE_SUCCESS) return 70;
    double libdeflateOwn = now() - t;
    printf("volume %ldx%ldx%ld int16 (%.1f MB), %ld chunks of 8x64x64, shuffle + deflate level %d, one thread\n", nz, ny, nx, n * 2 / 1e6, chunks, level);
    printf("deflate: zlib %.3f s (%.1f MB), libdeflate %.3f s (%.1f MB): %.2fx\n", zlibDeflate, zlibBytes / 1e6, libdeflateDeflate, libdeflateBytes / 1e6, zlibDeflate / libdeflateDeflate);
    printf("inflate (zlib's streams): zlib %.3f s, libdeflate %.3f s: %.2fx; libdeflate on its own streams %.3f s\n", zlibInflate,
           libdeflateInflate, zlibInflate / libdeflateInflate, libdeflateOwn);
    return 0;
}
