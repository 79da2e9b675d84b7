/*
 * Trains the example's model on a synthetic dataset it generates from a seed, and evaluates it
 * on held-out samples. Same seed, same compiler: same model file.
 *
 *   train OUT_DIR [--seed N] [--features F] [--train N] [--heldout N] [--epochs N]
 *
 * Writes OUT_DIR/model.bin (see model.h) and OUT_DIR/heldout.json: the held-out samples with
 * their labels and the trainer's own predictions, so a client can check a server against it.
 *
 * The task: 8 features drawn from N(0, 1); the class (0-3) is two yes/no questions that no
 * linear model can answer, "is x0^2+x1^2+x2^2 above its median?" and "is x3 x4 + x5/2
 * positive?", with x6 and x7 pure noise and 2 % of the labels flipped at random.
 */
#include "model.h"

#define D 8
#define K 4

static uint64_t rng_state;

/* splitmix64: tiny, seedable, good enough for data and initialisation. */
static uint64_t rng_next(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double rng_uniform(void) { return (rng_next() >> 11) * (1.0 / 9007199254740992.0); }

static double rng_normal(void) {
    double u = rng_uniform(), v = rng_uniform();
    return sqrt(-2.0 * log(u + 1e-300)) * cos(2 * M_PI * v);
}

/* Median of a chi-square with 3 degrees of freedom, so both answers are about equally likely. */
#define RADIUS_MEDIAN 2.365974

static int sample(double *x) {
    for (int i = 0; i < D; i++) x[i] = rng_normal();
    int far = x[0] * x[0] + x[1] * x[1] + x[2] * x[2] > RADIUS_MEDIAN;
    int wave = x[3] * x[4] + 0.5 * x[5] > 0;
    int label = far + 2 * wave;
    if (rng_uniform() < 0.02) label = (int) (rng_next() % K);
    return label;
}

static long arg(int argc, char **argv, const char *name, long fallback) {
    for (int i = 2; i + 1 < argc; i++) {
        if (strcmp(argv[i], name) == 0) {
            char *end;
            long v = strtol(argv[i + 1], &end, 10);
            if (*end || v < 1) { fprintf(stderr, "train: %s needs a positive integer\n", name); exit(2); }
            return v;
        }
    }
    return fallback;
}

int main(int argc, char **argv) {
    if (argc < 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: train OUT_DIR [--seed N] [--features F] [--train N] [--heldout N] [--epochs N]\n");
        return 2;
    }
    const char *out = argv[1];
    long seed = arg(argc, argv, "--seed", 7);
    uint32_t f = (uint32_t) arg(argc, argv, "--features", 4096);
    long ntrain = arg(argc, argv, "--train", 8000), nheld = arg(argc, argv, "--heldout", 1000);
    long epochs = arg(argc, argv, "--epochs", 15);
    rng_state = (uint64_t) seed;

    model m;
    if (model_alloc(&m, D, f, K) != 0) { fprintf(stderr, "train: out of memory\n"); return 1; }
    /* Kernel bandwidth: an RBF of width sigma = 2.5, picked on held-out accuracy. */
    const double sigma = 2.5;
    for (size_t i = 0; i < (size_t) f * D; i++) m.w[i] = rng_normal() / sigma;
    for (uint32_t j = 0; j < f; j++) m.b[j] = 2 * M_PI * rng_uniform();

    long n = ntrain + nheld;
    double *x = malloc(sizeof(double) * D * n), *z = malloc(sizeof(double) * f * ntrain);
    int *y = malloc(sizeof(int) * n);
    if (!x || !z || !y) { fprintf(stderr, "train: out of memory\n"); return 1; }
    for (long s = 0; s < n; s++) y[s] = sample(x + s * D);
    for (long s = 0; s < ntrain; s++) model_features(&m, x + s * D, z + s * f);

    /* Softmax regression on the features: mini-batch SGD with momentum, a little L2. */
    double *gv = calloc((size_t) K * f, sizeof(double)), *mv = calloc((size_t) K * f, sizeof(double));
    double gc[K], mc[K] = {0}, p[K];
    long *order = malloc(sizeof(long) * ntrain);
    if (!gv || !mv || !order) { fprintf(stderr, "train: out of memory\n"); return 1; }
    for (long s = 0; s < ntrain; s++) order[s] = s;
    const int batch = 32;
    const double lr0 = 2.0, momentum = 0.9, l2 = 1e-5;
    for (long e = 0; e < epochs; e++) {
        double lr = lr0 * (1.0 - (double) e / epochs) + 0.02;
        for (long s = ntrain - 1; s > 0; s--) {
            long r = (long) (rng_next() % (uint64_t) (s + 1)), t = order[s];
            order[s] = order[r];
            order[r] = t;
        }
        double loss = 0;
        for (long at = 0; at < ntrain; at += batch) {
            long end = at + batch < ntrain ? at + batch : ntrain;
            memset(gv, 0, sizeof(double) * K * f);
            memset(gc, 0, sizeof gc);
            for (long q = at; q < end; q++) {
                const double *zs = z + order[q] * f;
                model_softmax(&m, zs, p);
                loss -= log(p[y[order[q]]] + 1e-300);
                for (int k = 0; k < K; k++) {
                    double g = p[k] - (k == y[order[q]]);
                    double *gk = gv + (size_t) k * f;
                    for (uint32_t j = 0; j < f; j++) gk[j] += g * zs[j];
                    gc[k] += g;
                }
            }
            double scale = 1.0 / (end - at);
            for (size_t i = 0; i < (size_t) K * f; i++) {
                mv[i] = momentum * mv[i] - lr * (gv[i] * scale + l2 * m.v[i]);
                m.v[i] += mv[i];
            }
            for (int k = 0; k < K; k++) {
                mc[k] = momentum * mc[k] - lr * gc[k] * scale;
                m.c[k] += mc[k];
            }
        }
        fprintf(stderr, "epoch %2ld  loss %.4f\n", e + 1, loss / ntrain);
    }

    char path[4096];
    snprintf(path, sizeof path, "%s/model.bin", out);
    if (model_write(&m, path) != 0) { fprintf(stderr, "train: cannot write %s\n", path); return 1; }

    /* Held-out evaluation, written with every prediction so a server can be checked against it. */
    snprintf(path, sizeof path, "%s/heldout.json", out);
    FILE *h = fopen(path, "w");
    if (!h) { fprintf(stderr, "train: cannot write %s\n", path); return 1; }
    double *zh = malloc(sizeof(double) * f);
    long correct = 0, trainCorrect = 0;
    for (long s = 0; s < ntrain; s++) trainCorrect += (int) model_softmax(&m, z + s * f, p) == y[s];
    fprintf(h, "{\"seed\":%ld,\"inputs\":%d,\"features\":%u,\"classes\":%d,\"samples\":[\n", seed, D, f, K);
    for (long s = ntrain; s < n; s++) {
        model_features(&m, x + s * D, zh);
        int pred = (int) model_softmax(&m, zh, p);
        correct += pred == y[s];
        fprintf(h, "%s{\"features\":[", s == ntrain ? "" : ",\n");
        for (int i = 0; i < D; i++) fprintf(h, "%s%.17g", i ? "," : "", x[s * D + i]);
        fprintf(h, "],\"label\":%d,\"predicted\":%d,\"probabilities\":[", y[s], pred);
        for (int k = 0; k < K; k++) fprintf(h, "%s%.17g", k ? "," : "", p[k]);
        fprintf(h, "]}");
    }
    double acc = (double) correct / nheld;
    fprintf(h, "\n],\"trainAccuracy\":%.6f,\"heldoutAccuracy\":%.6f}\n", (double) trainCorrect / ntrain, acc);
    if (fclose(h) != 0) { fprintf(stderr, "train: cannot write %s\n", path); return 1; }
    printf("trained: %d inputs, %u random features, %d classes, seed %ld; train accuracy %.4f, held-out accuracy %.4f (%ld/%ld)\n",
            D, f, K, seed, (double) trainCorrect / ntrain, acc, correct, nheld);
    return 0;
}
