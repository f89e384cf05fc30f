/*
 * sgemm6.c - the bound of tgrad's two-layer net (bench/tgrad.sh): the
 * six sgemm calls its forward and backward passes make, alone, on
 * OpenBLAS with the same threads.  For X (B, N), W1 (N, H), W2 (H, C):
 *   Z1 = X W1          (B x H x N)     S = A1 W2        (B x C x H)
 *   dW2 = A1' dS       (H x C x B)     dA1 = dS W2'     (B x H x C)
 *   dW1 = X' dZ1       (N x H x B)     dX = dZ1 W1'     (B x N x H)
 * with the transposes as cblas flags, as lib/grad_layers.c calls them.
 * Prints the best of R rounds of the six, in seconds, wall and CPU.
 *
 *   cc -O2 bench/sgemm6.c -lopenblas -o /tmp/sgemm6 &&
 *     /tmp/sgemm6 THREADS [B N H C [R]]
 *
 * OPENBLAS variables stay as the environment sets them.
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void openblas_set_num_threads(int);

static double
clk(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* A new n-element matrix of numbers in [-s, s). */
static float *
mat(size_t n, float s)
{
	float *a = malloc(n * sizeof *a);

	if (a == NULL) {
		perror("sgemm6");
		exit(1);
	}
	for (size_t i = 0; i < n; i++)
		a[i] = s * ((float)rand() / RAND_MAX * 2 - 1);
	return a;
}

/* C (M x N) = op(A) op(B), row major. */
static void
mm(int ta, int tb, int M, int N, int K, const float *A, const float *B,
    float *C)
{
	cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
	    tb ? CblasTrans : CblasNoTrans, M, N, K, 1.0f, A, ta ? M : K, B,
	    tb ? K : N, 0.0f, C, N);
}

int
main(int argc, char **argv)
{
	int th, B = 4096, N = 1024, H = 1024, C = 10, R = 5;
	float *X, *W1, *W2, *Z1, *S, *dW2, *dA1, *dW1, *dX;
	double wall = 1e30, cpu = 1e30;

	if (argc != 2 && argc != 6 && argc != 7) {
		fprintf(stderr, "usage: sgemm6 threads [B N H C [rounds]]\n");
		return 2;
	}
	th = atoi(argv[1]);
	if (argc >= 6) {
		B = atoi(argv[2]);
		N = atoi(argv[3]);
		H = atoi(argv[4]);
		C = atoi(argv[5]);
	}
	if (argc == 7)
		R = atoi(argv[6]);
	openblas_set_num_threads(th);
	X = mat((size_t)B * N, 1);
	W1 = mat((size_t)N * H, 1.0f / 32);
	W2 = mat((size_t)H * C, 1.0f / 32);
	Z1 = mat((size_t)B * H, 1);	/* also A1, dZ1 */
	S = mat((size_t)B * C, 1);	/* also dS */
	dW2 = mat((size_t)H * C, 1);
	dA1 = mat((size_t)B * H, 1);
	dW1 = mat((size_t)N * H, 1);
	dX = mat((size_t)B * N, 1);
	for (int r = 0; r <= R; r++) {	/* round 0: a warm-up */
		double t = clk(CLOCK_MONOTONIC);
		double c = clk(CLOCK_PROCESS_CPUTIME_ID);

		mm(0, 0, B, H, N, X, W1, Z1);
		mm(0, 0, B, C, H, Z1, W2, S);
		mm(1, 0, H, C, B, Z1, S, dW2);
		mm(0, 1, B, H, C, S, W2, dA1);
		mm(1, 0, N, H, B, X, Z1, dW1);
		mm(0, 1, B, N, H, Z1, W1, dX);
		t = clk(CLOCK_MONOTONIC) - t;
		c = clk(CLOCK_PROCESS_CPUTIME_ID) - c;
		if (r > 0 && t < wall)
			wall = t;
		if (r > 0 && c < cpu)
			cpu = c;
	}
	printf("%.4f %.4f\n", wall, cpu);
	return 0;
}
