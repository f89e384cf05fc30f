// glref.cpp - the references tproject's golden data is made from: GLM
// builds the matrices (gluPerspective and gluLookAt need a GL context's
// matrix stack, so GLM stands in for them), Mesa's GLU projects and
// unprojects with explicit matrices.  make-golden.py compiles and runs it.
//
//   glref matrix OP ARGS... [OP ARGS...]
//       the product of the OPs in order (as OpenGL's calls compose), as
//       16 numbers, rows as the math is written.  OPs: perspective FOVY
//       ASPECT NEAR FAR (degrees), frustum L R B T N F, ortho L R B T N F,
//       lookat EX EY EZ CX CY CZ UX UY UZ, translate X Y Z, rotate ANGLE
//       X Y Z (degrees), scale X Y Z, identity
//   glref project   < MV[16] P[16] VIEWPORT[4] then x y z per point
//       (float64, raw; matrices rows as the math is written) writes
//       winx winy winz ok clipw per point: gluProject's result, its
//       return value, and the clip w (P * MV * (x,y,z,1)).w
//   glref unproject < the same, with winx winy winz per point:
//       objx objy objz ok per point from gluUnProject
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include <GL/glu.h>
#include <glm/glm.hpp>
#include <glm/gtc/matrix_transform.hpp>

static double num(char **argv, int &i, int argc)
{
	if (i >= argc) {
		fprintf(stderr, "glref: missing number\n");
		exit(2);
	}
	return strtod(argv[i++], nullptr);
}

static int matrix(int argc, char **argv)
{
	glm::dmat4 m(1.0);
	int i = 2;
	while (i < argc) {
		const char *op = argv[i++];
		double v[9];
		if (!strcmp(op, "perspective")) {
			for (int k = 0; k < 4; k++) v[k] = num(argv, i, argc);
			m = m * glm::perspective(glm::radians(v[0]), v[1], v[2], v[3]);
		} else if (!strcmp(op, "frustum") || !strcmp(op, "ortho")) {
			for (int k = 0; k < 6; k++) v[k] = num(argv, i, argc);
			m = m * (op[0] == 'f'
			    ? glm::frustum(v[0], v[1], v[2], v[3], v[4], v[5])
			    : glm::ortho(v[0], v[1], v[2], v[3], v[4], v[5]));
		} else if (!strcmp(op, "lookat")) {
			for (int k = 0; k < 9; k++) v[k] = num(argv, i, argc);
			m = m * glm::lookAt(glm::dvec3(v[0], v[1], v[2]),
			    glm::dvec3(v[3], v[4], v[5]), glm::dvec3(v[6], v[7], v[8]));
		} else if (!strcmp(op, "translate")) {
			for (int k = 0; k < 3; k++) v[k] = num(argv, i, argc);
			m = glm::translate(m, glm::dvec3(v[0], v[1], v[2]));
		} else if (!strcmp(op, "rotate")) {
			for (int k = 0; k < 4; k++) v[k] = num(argv, i, argc);
			m = glm::rotate(m, glm::radians(v[0]), glm::dvec3(v[1], v[2], v[3]));
		} else if (!strcmp(op, "scale")) {
			for (int k = 0; k < 3; k++) v[k] = num(argv, i, argc);
			m = glm::scale(m, glm::dvec3(v[0], v[1], v[2]));
		} else if (strcmp(op, "identity")) {
			fprintf(stderr, "glref: unknown op %s\n", op);
			return 2;
		}
	}
	for (int r = 0; r < 4; r++)	// glm is column-major: m[column][row]
		for (int c = 0; c < 4; c++)
			printf("%.17g%c", m[c][r], r == 3 && c == 3 ? '\n' : ' ');
	return 0;
}

static int points(bool unproject)
{
	double mv[16], p[16], vpd[4], gmv[16], gp[16], in[3];
	GLint vp[4];
	if (fread(mv, 8, 16, stdin) != 16 || fread(p, 8, 16, stdin) != 16 ||
	    fread(vpd, 8, 4, stdin) != 4)
		return 1;
	for (int r = 0; r < 4; r++)	// GLU takes OpenGL (column-major) arrays
		for (int c = 0; c < 4; c++) {
			gmv[4 * c + r] = mv[4 * r + c];
			gp[4 * c + r] = p[4 * r + c];
		}
	for (int k = 0; k < 4; k++)
		vp[k] = (GLint)vpd[k];
	while (fread(in, 8, 3, stdin) == 3) {
		double o[5] = { 0, 0, 0, 0, 0 };
		GLint ok;
		if (unproject) {
			ok = gluUnProject(in[0], in[1], in[2], gmv, gp, vp, &o[0], &o[1], &o[2]);
			o[3] = ok;
			fwrite(o, 8, 4, stdout);
		} else {
			ok = gluProject(in[0], in[1], in[2], gmv, gp, vp, &o[0], &o[1], &o[2]);
			o[3] = ok;
			double e[4];
			for (int r = 0; r < 4; r++)
				e[r] = mv[4 * r] * in[0] + mv[4 * r + 1] * in[1] + mv[4 * r + 2] * in[2] + mv[4 * r + 3];
			o[4] = p[12] * e[0] + p[13] * e[1] + p[14] * e[2] + p[15] * e[3];
			fwrite(o, 8, 5, stdout);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "matrix"))
		return matrix(argc, argv);
	if (argc == 2 && !strcmp(argv[1], "project"))
		return points(false);
	if (argc == 2 && !strcmp(argv[1], "unproject"))
		return points(true);
	fprintf(stderr, "usage: glref matrix OP... | project | unproject\n");
	return 2;
}
