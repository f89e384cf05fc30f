/*
 * glref.c - the reference tproject's rasterizer is checked against:
 * Mesa's software OpenGL (llvmpipe) through a surfaceless EGL context,
 * drawing a mesh into a framebuffer object and reading back colour,
 * depth, the triangle id and the barycentrics.  make-golden.py builds
 * and runs it; so can anyone checking their own rasterizer.
 *
 *   cc -o glref glref.c -lEGL -lOpenGL
 *   EGL_PLATFORM=surfaceless glref SCENE PREFIX
 *
 * SCENE is little-endian binary: int32 W, H, cull (0 none, 1 back,
 * 2 front), front face (0 ccw, 1 cw), shade (0 flat, 1 vertex colour,
 * 2 lambert with vertex normals, 3 lambert with face normals: the
 * colours are the vertex colours but for flat), V, F;
 * float64 MV[16], P[16] (rows as the math is written), viewport[4],
 * depth range[2], flat colour[3] (0..1); float32 positions V x 3;
 * int32 faces F x 3; float32 colours V x 3; float32 normals V x 3.
 * It writes PREFIX.colour.npy (H, W, 3) uint8, PREFIX.depth.npy (H, W)
 * float32, PREFIX.id.npy (H, W) int32 (-1 where nothing is drawn) and
 * PREFIX.bary.npy (H, W, 3) float32 (0 where nothing is drawn), row 0
 * the top of the picture: GL's row H - 1.
 *
 * Every triangle is drawn as its own three vertices (glDrawArrays), so
 * gl_PrimitiveID is the face index and a per-corner attribute (1,0,0),
 * (0,1,0), (0,0,1) interpolates to the barycentrics, perspective
 * correctly as every smooth attribute.  Lambert: the colour times
 * max(0, n.z) with n the normalised eye-space normal (the normal
 * matrix's image of the vertex normal, or the eye-space face normal of
 * the winding front faces have) and the light at the eye, (0, 0, 1).
 */
#define GL_GLEXT_PROTOTYPES 1
#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GL/glcorearb.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
die(const char *what)
{
	fprintf(stderr, "glref: %s\n", what);
	exit(1);
}

static void
get(void *p, size_t n, FILE *f)
{
	if (n && fread(p, 1, n, f) != n)
		die("short scene file");
}

/* Write an NPY file of h x w x c values of numpy type descr, flipping
 * GL's rows (row 0 at the bottom) so row 0 is the top. */
static void
npy(const char *prefix, const char *name, const char *descr, const void *d,
    int w, int h, int c, size_t esz)
{
	char path[4096], hdr[256], shape[64];
	FILE *f;
	int n, r;
	size_t row = (size_t)w * (size_t)c * esz;

	snprintf(path, sizeof path, "%s.%s.npy", prefix, name);
	if (c > 1)
		snprintf(shape, sizeof shape, "(%d, %d, %d)", h, w, c);
	else
		snprintf(shape, sizeof shape, "(%d, %d)", h, w);
	n = snprintf(hdr, sizeof hdr, "{'descr': '%s', 'fortran_order': "
	    "False, 'shape': %s, }", descr, shape);
	while ((10 + n + 1) % 64)
		hdr[n++] = ' ';
	hdr[n++] = '\n';
	if ((f = fopen(path, "wb")) == NULL)
		die("cannot write an output");
	fwrite("\x93NUMPY\x01\x00", 1, 8, f);
	fputc(n & 255, f);
	fputc(n >> 8, f);
	fwrite(hdr, 1, (size_t)n, f);
	for (r = h - 1; r >= 0; r--)
		fwrite((const char *)d + (size_t)r * row, 1, row, f);
	if (fclose(f))
		die("write error");
}

static const char *vs_src =
    "#version 330 core\n"
    "layout(location = 0) in vec4 pos;\n"
    "layout(location = 1) in vec3 col;\n"
    "layout(location = 2) in vec3 nrm;\n"
    "layout(location = 3) in vec3 bc;\n"
    "out vec3 v_col, v_nrm, v_bc;\n"
    "void main() {\n"
    "  gl_Position = pos;\n"
    "  v_col = col; v_nrm = nrm; v_bc = bc;\n"
    "}\n";

static const char *fs_src =
    "#version 330 core\n"
    "in vec3 v_col, v_nrm, v_bc;\n"
    "uniform int lambert;\n"
    "layout(location = 0) out vec4 o_col;\n"
    "layout(location = 1) out int o_id;\n"
    "layout(location = 2) out vec4 o_bc;\n"
    "void main() {\n"
    "  float s = 1.0;\n"
    "  if (lambert != 0) s = max(0.0, normalize(v_nrm).z);\n"
    "  o_col = vec4(v_col * s, 1.0);\n"
    "  o_id = gl_PrimitiveID;\n"
    "  o_bc = vec4(v_bc, 0.0);\n"
    "}\n";

static GLuint
shader(GLenum type, const char *src)
{
	GLuint s = glCreateShader(type);
	GLint ok;
	char log[1024];

	glShaderSource(s, 1, &src, NULL);
	glCompileShader(s);
	glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
	if (!ok) {
		glGetShaderInfoLog(s, sizeof log, NULL, log);
		fprintf(stderr, "%s", log);
		die("shader does not compile");
	}
	return s;
}

/* The normal matrix (inverse transpose of MV's 3x3) applied to n. */
static void
normal_matrix(const double *mv, double nm[9])
{
	double a = mv[0], b = mv[1], c = mv[2], d = mv[4], e = mv[5],
	    f = mv[6], g = mv[8], h = mv[9], i = mv[10];

	/* the cofactor matrix: the inverse transpose times det */
	nm[0] = e * i - f * h; nm[1] = f * g - d * i; nm[2] = d * h - e * g;
	nm[3] = c * h - b * i; nm[4] = a * i - c * g; nm[5] = b * g - a * h;
	nm[6] = b * f - c * e; nm[7] = c * d - a * f; nm[8] = a * e - b * d;
}

int
main(int argc, char **argv)
{
	int32_t hd[7];
	double mv[16], p[16], vp[4], dr[2], flat[3], pm[16], nm[9];
	float *pos, *col, *nrm, *buf;
	int32_t *faces, *ids;
	unsigned char *rgba, *rgb;
	float *depth, *bcb, *bary;
	int W, H, V, F, shade, i, j, k;
	FILE *f;
	EGLDisplay dpy;
	EGLContext ctx;
	GLuint fbo, rb[4], prog, vao, vbo;
	static const GLenum bufs[3] = { GL_COLOR_ATTACHMENT0,
	    GL_COLOR_ATTACHMENT1, GL_COLOR_ATTACHMENT2 };
	static const EGLint cattr[] = {
		EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION, 3,
		EGL_CONTEXT_OPENGL_PROFILE_MASK,
		EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT, EGL_NONE
	};
	PFNEGLGETPLATFORMDISPLAYEXTPROC getdpy;

	if (argc != 3)
		die("usage: glref SCENE PREFIX");
	if ((f = fopen(argv[1], "rb")) == NULL)
		die("cannot open the scene");
	get(hd, sizeof hd, f);
	W = hd[0], H = hd[1], shade = hd[4], V = hd[5], F = hd[6];
	get(mv, sizeof mv, f);
	get(p, sizeof p, f);
	get(vp, sizeof vp, f);
	get(dr, sizeof dr, f);
	get(flat, sizeof flat, f);
	pos = malloc((size_t)V * 12 + 1);
	col = malloc((size_t)V * 12 + 1);
	nrm = malloc((size_t)V * 12 + 1);
	faces = malloc((size_t)F * 12 + 1);
	get(pos, (size_t)V * 12, f);
	get(faces, (size_t)F * 12, f);
	get(col, (size_t)V * 12, f);
	get(nrm, (size_t)V * 12, f);
	fclose(f);

	getdpy = (PFNEGLGETPLATFORMDISPLAYEXTPROC)
	    eglGetProcAddress("eglGetPlatformDisplayEXT");
	if (getdpy == NULL)
		die("no eglGetPlatformDisplayEXT");
	dpy = getdpy(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL);
	if (dpy == EGL_NO_DISPLAY || !eglInitialize(dpy, NULL, NULL))
		die("no surfaceless EGL display");
	if (!eglBindAPI(EGL_OPENGL_API))
		die("no desktop OpenGL");
	ctx = eglCreateContext(dpy, EGL_NO_CONFIG_KHR, EGL_NO_CONTEXT, cattr);
	if (ctx == EGL_NO_CONTEXT ||
	    !eglMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, ctx))
		die("no OpenGL 3.3 core context");

	glGenFramebuffers(1, &fbo);
	glBindFramebuffer(GL_FRAMEBUFFER, fbo);
	glGenRenderbuffers(4, rb);
	glBindRenderbuffer(GL_RENDERBUFFER, rb[0]);
	glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, W, H);
	glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0,
	    GL_RENDERBUFFER, rb[0]);
	glBindRenderbuffer(GL_RENDERBUFFER, rb[1]);
	glRenderbufferStorage(GL_RENDERBUFFER, GL_R32I, W, H);
	glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT1,
	    GL_RENDERBUFFER, rb[1]);
	glBindRenderbuffer(GL_RENDERBUFFER, rb[2]);
	glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA32F, W, H);
	glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT2,
	    GL_RENDERBUFFER, rb[2]);
	glBindRenderbuffer(GL_RENDERBUFFER, rb[3]);
	glRenderbufferStorage(GL_RENDERBUFFER, GL_DEPTH_COMPONENT32F, W, H);
	glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT,
	    GL_RENDERBUFFER, rb[3]);
	if (glCheckFramebufferStatus(GL_FRAMEBUFFER) !=
	    GL_FRAMEBUFFER_COMPLETE)
		die("framebuffer incomplete");
	glDrawBuffers(3, bufs);

	prog = glCreateProgram();
	glAttachShader(prog, shader(GL_VERTEX_SHADER, vs_src));
	glAttachShader(prog, shader(GL_FRAGMENT_SHADER, fs_src));
	glLinkProgram(prog);
	glUseProgram(prog);

	/* P * MV in float64: each vertex goes to GL in clip space, rounded
	 * to float32 once (not through a float32 matrix) */
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++) {
			pm[4 * i + j] = 0;
			for (k = 0; k < 4; k++)
				pm[4 * i + j] += p[4 * i + k] * mv[4 * k + j];
		}
	glUniform1i(glGetUniformLocation(prog, "lambert"), shade >= 2);

	/* three vertices a face: position, colour, eye normal, corner */
	normal_matrix(mv, nm);
	buf = calloc((size_t)F * 3 * 13 + 1, sizeof *buf);
	for (i = 0; i < F; i++) {
		double fn[3] = { 0, 0, 0 }, e[3][3];

		if (shade == 3) {	/* eye-space face normal */
			for (k = 0; k < 3; k++) {
				const float *q = pos + 3 * faces[3 * i + k];

				for (j = 0; j < 3; j++)
					e[k][j] = mv[4 * j] * q[0] +
					    mv[4 * j + 1] * q[1] +
					    mv[4 * j + 2] * q[2] + mv[4 * j + 3];
			}
			for (j = 0; j < 3; j++) {
				double a1 = e[1][(j + 1) % 3] - e[0][(j + 1) % 3];
				double a2 = e[1][(j + 2) % 3] - e[0][(j + 2) % 3];
				double b1 = e[2][(j + 1) % 3] - e[0][(j + 1) % 3];
				double b2 = e[2][(j + 2) % 3] - e[0][(j + 2) % 3];

				fn[j] = (a1 * b2 - a2 * b1) *
				    (hd[3] ? -1 : 1);
			}
		}
		for (k = 0; k < 3; k++) {
			int v = faces[3 * i + k];
			float *o = buf + ((size_t)i * 3 + (size_t)k) * 13;

			for (j = 0; j < 4; j++)
				o[j] = (float)(pm[4 * j] * pos[3 * v] +
				    pm[4 * j + 1] * pos[3 * v + 1] +
				    pm[4 * j + 2] * pos[3 * v + 2] + pm[4 * j + 3]);
			o++;
			for (j = 0; j < 3; j++) {
				o[3 + j] = shade == 0 ? (float)flat[j] :
				    col[3 * v + j];
				o[6 + j] = shade == 3 ? (float)fn[j] :
				    (float)(nm[3 * j] * nrm[3 * v] +
				    nm[3 * j + 1] * nrm[3 * v + 1] +
				    nm[3 * j + 2] * nrm[3 * v + 2]);
				o[9 + j] = j == k;
			}
		}
	}
	glGenVertexArrays(1, &vao);
	glBindVertexArray(vao);
	glGenBuffers(1, &vbo);
	glBindBuffer(GL_ARRAY_BUFFER, vbo);
	glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)F * 3 * 13 * 4, buf,
	    GL_STATIC_DRAW);
	for (i = 0; i < 4; i++) {
		glEnableVertexAttribArray((GLuint)i);
		glVertexAttribPointer((GLuint)i, i ? 3 : 4, GL_FLOAT, GL_FALSE,
		    52, (const void *)(size_t)(i ? 4 + 12 * i : 0));
	}

	glViewport((GLint)vp[0], (GLint)vp[1], (GLsizei)vp[2], (GLsizei)vp[3]);
	glDepthRange(dr[0], dr[1]);
	glEnable(GL_DEPTH_TEST);
	glDepthFunc(GL_LESS);
	glFrontFace(hd[3] ? GL_CW : GL_CCW);
	if (hd[2]) {
		glEnable(GL_CULL_FACE);
		glCullFace(hd[2] == 1 ? GL_BACK : GL_FRONT);
	}
	{
		static const GLfloat black[4] = { 0, 0, 0, 0 };
		static const GLint none[4] = { -1, -1, -1, -1 };

		glClearBufferfv(GL_COLOR, 0, black);
		glClearBufferiv(GL_COLOR, 1, none);
		glClearBufferfv(GL_COLOR, 2, black);
		glClearDepth(1.0);
		glClear(GL_DEPTH_BUFFER_BIT);
	}
	glDrawArrays(GL_TRIANGLES, 0, F * 3);
	glFinish();

	rgba = malloc((size_t)W * H * 4);
	rgb = malloc((size_t)W * H * 3);
	ids = malloc((size_t)W * H * 4);
	depth = malloc((size_t)W * H * 4);
	bcb = malloc((size_t)W * H * 16);
	bary = malloc((size_t)W * H * 12);
	glPixelStorei(GL_PACK_ALIGNMENT, 1);
	glReadBuffer(GL_COLOR_ATTACHMENT0);
	glReadPixels(0, 0, W, H, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
	glReadBuffer(GL_COLOR_ATTACHMENT1);
	glReadPixels(0, 0, W, H, GL_RED_INTEGER, GL_INT, ids);
	glReadBuffer(GL_COLOR_ATTACHMENT2);
	glReadPixels(0, 0, W, H, GL_RGBA, GL_FLOAT, bcb);
	glReadPixels(0, 0, W, H, GL_DEPTH_COMPONENT, GL_FLOAT, depth);
	if (glGetError() != GL_NO_ERROR)
		die("a GL call failed");
	for (i = 0; i < W * H; i++)
		for (k = 0; k < 3; k++) {
			rgb[3 * i + k] = rgba[4 * i + k];
			bary[3 * i + k] = bcb[4 * i + k];
		}
	npy(argv[2], "colour", "|u1", rgb, W, H, 3, 1);
	npy(argv[2], "depth", "<f4", depth, W, H, 1, 4);
	npy(argv[2], "id", "<i4", ids, W, H, 1, 4);
	npy(argv[2], "bary", "<f4", bary, W, H, 3, 4);
	eglMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
	eglDestroyContext(dpy, ctx);
	eglTerminate(dpy);
	return 0;
}
