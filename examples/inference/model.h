/*
 * The model shared by the trainer and the server: random Fourier features (an approximation of
 * an RBF-kernel machine, Rahimi & Recht 2007) under a softmax layer.
 *
 *   z_j = sqrt(2/F) * cos(w_j . x + b_j)     j = 1..F   (w_j, b_j random, fixed at training)
 *   p   = softmax(V z + c)                            (V, c learned)
 *
 * Only V and c are learned, so training is a convex problem that a small trainer solves in
 * seconds, while every prediction still costs F*(D+K) multiply-adds and F cosines: real work
 * that makes each request cost CPU time and scaling out visible.
 *
 * File format (little-endian, as written by this header's model_write on x86-64):
 *   "WISPRFF1", uint32 D, uint32 F, uint32 K, then doubles W[F][D], b[F], V[K][F], c[K].
 */
#ifndef WISP_MODEL_H
#define WISP_MODEL_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MODEL_MAGIC "WISPRFF1"
#define MODEL_MAX_INPUTS 256
#define MODEL_MAX_CLASSES 64

typedef struct {
    uint32_t d, f, k;
    double *w, *b, *v, *c;
} model;

static __attribute__((unused)) int model_alloc(model *m, uint32_t d, uint32_t f, uint32_t k) {
    m->d = d; m->f = f; m->k = k;
    m->w = calloc((size_t) f * d, sizeof(double));
    m->b = calloc(f, sizeof(double));
    m->v = calloc((size_t) k * f, sizeof(double));
    m->c = calloc(k, sizeof(double));
    return m->w && m->b && m->v && m->c ? 0 : -1;
}

/* The F features of one input; z must hold F doubles. */
static __attribute__((unused)) void model_features(const model *m, const double *x, double *z) {
    double scale = sqrt(2.0 / m->f);
    for (uint32_t j = 0; j < m->f; j++) {
        const double *wj = m->w + (size_t) j * m->d;
        double s = m->b[j];
        for (uint32_t i = 0; i < m->d; i++) s += wj[i] * x[i];
        z[j] = scale * cos(s);
    }
}

/* Class probabilities from features; p must hold K doubles. Returns the most likely class. */
static __attribute__((unused)) uint32_t model_softmax(const model *m, const double *z, double *p) {
    double top = -INFINITY;
    for (uint32_t k = 0; k < m->k; k++) {
        const double *vk = m->v + (size_t) k * m->f;
        double s = m->c[k];
        for (uint32_t j = 0; j < m->f; j++) s += vk[j] * z[j];
        p[k] = s;
        if (s > top) top = s;
    }
    double sum = 0;
    uint32_t best = 0;
    for (uint32_t k = 0; k < m->k; k++) {
        p[k] = exp(p[k] - top);
        sum += p[k];
    }
    for (uint32_t k = 0; k < m->k; k++) {
        p[k] /= sum;
        if (p[k] > p[best]) best = k;
    }
    return best;
}

static __attribute__((unused)) int model_write(const model *m, const char *path) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    uint32_t dims[3] = {m->d, m->f, m->k};
    int ok = fwrite(MODEL_MAGIC, 1, 8, f) == 8 && fwrite(dims, 4, 3, f) == 3
            && fwrite(m->w, 8, (size_t) m->f * m->d, f) == (size_t) m->f * m->d
            && fwrite(m->b, 8, m->f, f) == m->f
            && fwrite(m->v, 8, (size_t) m->k * m->f, f) == (size_t) m->k * m->f
            && fwrite(m->c, 8, m->k, f) == m->k;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* Loads a model; on failure returns -1 with a reason in err. */
static __attribute__((unused)) int model_read(model *m, const char *path, char *err, size_t errlen) {
    FILE *f = fopen(path, "rb");
    if (!f) { snprintf(err, errlen, "cannot open %s", path); return -1; }
    char magic[8];
    uint32_t dims[3];
    if (fread(magic, 1, 8, f) != 8 || memcmp(magic, MODEL_MAGIC, 8) != 0 || fread(dims, 4, 3, f) != 3) {
        snprintf(err, errlen, "%s is not a model file (magic %s)", path, MODEL_MAGIC);
        fclose(f);
        return -1;
    }
    if (dims[0] < 1 || dims[0] > MODEL_MAX_INPUTS || dims[1] < 1 || dims[1] > (1u << 20)
            || dims[2] < 2 || dims[2] > MODEL_MAX_CLASSES) {
        snprintf(err, errlen, "model dimensions out of range: D=%u F=%u K=%u", dims[0], dims[1], dims[2]);
        fclose(f);
        return -1;
    }
    if (model_alloc(m, dims[0], dims[1], dims[2]) != 0) {
        snprintf(err, errlen, "out of memory for the model");
        fclose(f);
        return -1;
    }
    size_t fd = (size_t) m->f * m->d, kf = (size_t) m->k * m->f;
    int ok = fread(m->w, 8, fd, f) == fd && fread(m->b, 8, m->f, f) == m->f
            && fread(m->v, 8, kf, f) == kf && fread(m->c, 8, m->k, f) == m->k && fgetc(f) == EOF;
    fclose(f);
    if (!ok) { snprintf(err, errlen, "%s is truncated or has trailing bytes", path); return -1; }
    return 0;
}

#endif
