/*
 * mesh_file.c - Wavefront OBJ and PLY meshes through assimp's C API
 * (mesh.h).  assimp (libassimp, 5.x) reads both formats, OBJ's v, vt,
 * vn and f with relative (negative) indices, PLY ascii and binary with
 * vertex colours; tinyobjloader reads OBJ alone and is C++.  No
 * post-processing step but validation (which changes nothing) is asked
 * for: assimp neither triangulates (each
 * polygon is fanned here, (0, i, i+1), in the file's order) nor joins
 * nor reorders vertices.  Its OBJ reader makes one vertex per face
 * corner (OBJ indexes positions, normals and uvs apart); its meshes
 * (one per material) are taken in its order, which for a file of one
 * material is the file's.  Positions arrive in float32, assimp's
 * ai_real.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <assimp/cimport.h>
#include <assimp/mesh.h>
#include <assimp/postprocess.h>
#include <assimp/scene.h>

#include "tpipe.h"
#include "mesh.h"

int
tp_mesh_file_kind(const char *path)
{
	char buf[4096], word[16];
	FILE *f;
	size_t n, i = 0, k;
	struct stat st;

	/* a regular file only: reading a pipe's first bytes would take
	 * them from the stream reader */
	if (path == NULL || stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (f = fopen(path, "rb")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	if (n >= 4 && memcmp(buf, "ply", 3) == 0 &&
	    (buf[3] == '\n' || buf[3] == '\r'))
		return TP_MESH_PLY;
	/* OBJ: text whose first statement (after blank lines and
	 * comments) is one of OBJ's */
	while (i < n) {
		while (i < n && (buf[i] == ' ' || buf[i] == '\t' ||
		    buf[i] == '\r' || buf[i] == '\n'))
			i++;
		if (i < n && buf[i] == '#') {
			while (i < n && buf[i] != '\n')
				i++;
			continue;
		}
		break;
	}
	for (k = 0; i + k < n && k < sizeof word - 1 && buf[i + k] > ' '; k++)
		word[k] = buf[i + k];
	word[k] = 0;
	if (i + k < n && (buf[i + k] == ' ' || buf[i + k] == '\t') &&
	    (!strcmp(word, "v") || !strcmp(word, "vt") || !strcmp(word, "vn") ||
	    !strcmp(word, "f") || !strcmp(word, "o") || !strcmp(word, "g") ||
	    !strcmp(word, "s") || !strcmp(word, "mtllib") ||
	    !strcmp(word, "usemtl")))
		return TP_MESH_OBJ;
	return 0;
}

/* Die unless every index of face fa is below nv (file q, quoted). */
static void
check_face(const struct aiFace *fa, unsigned nv, const char *q)
{
	unsigned k;

	for (k = 0; k < fa->mNumIndices; k++)
		if (fa->mIndices[k] >= nv)
			tp_die("'%s': a face names vertex %u of %u", q,
			    fa->mIndices[k], nv);
}

/* File scope, so that it is reachable when a message ends the run. */
static const struct aiScene *sc;

void
tp_mesh_read_file(const char *path, struct tp_mesh_data *md)
{
	const struct aiMesh *me;
	size_t nv = 0, nf = 0, v0, i, j, k;
	size_t shape[2];
	double *pos, *col = NULL, *nrm = NULL, *uv = NULL;
	long long *fc;
	int colours = 1, normals = 1, uvs = 1;
	char q[256];

	memset(md, 0, sizeof *md);
	tp_quote(path, strlen(path), q, sizeof q);
	sc = aiImportFile(path, aiProcess_ValidateDataStructure);
	if (sc == NULL)
		tp_die("'%s': assimp cannot read it: %s", q,
		    aiGetErrorString());
	for (i = 0; i < sc->mNumMeshes; i++) {
		me = sc->mMeshes[i];
		nv += me->mNumVertices;
		for (j = 0; j < me->mNumFaces; j++)
			if (me->mFaces[j].mNumIndices >= 3)
				nf += me->mFaces[j].mNumIndices - 2;
		colours &= me->mColors[0] != NULL;
		normals &= me->mNormals != NULL;
		uvs &= me->mTextureCoords[0] != NULL;
	}
	shape[0] = nv;
	shape[1] = 3;
	md->pos = tp_new(TP_F8, 2, shape);
	pos = md->pos.data;
	if (colours && nv) {
		md->attr[TP_MESH_COLOUR] = tp_new(TP_F8, 2, shape);
		col = md->attr[TP_MESH_COLOUR].data;
	}
	if (normals && nv) {
		md->attr[TP_MESH_NORMAL] = tp_new(TP_F8, 2, shape);
		nrm = md->attr[TP_MESH_NORMAL].data;
	}
	if (uvs && nv) {
		shape[1] = 2;
		md->attr[TP_MESH_UV] = tp_new(TP_F8, 2, shape);
		uv = md->attr[TP_MESH_UV].data;
	}
	shape[0] = nf;
	shape[1] = 3;
	md->faces = tp_new(TP_I8, 2, shape);
	fc = md->faces.data;
	for (i = v0 = 0; i < sc->mNumMeshes; i++) {
		me = sc->mMeshes[i];
		for (j = 0; j < me->mNumVertices; j++) {
			k = v0 + j;
			pos[3 * k] = me->mVertices[j].x;
			pos[3 * k + 1] = me->mVertices[j].y;
			pos[3 * k + 2] = me->mVertices[j].z;
			if (col) {
				col[3 * k] = me->mColors[0][j].r;
				col[3 * k + 1] = me->mColors[0][j].g;
				col[3 * k + 2] = me->mColors[0][j].b;
			}
			if (nrm) {
				nrm[3 * k] = me->mNormals[j].x;
				nrm[3 * k + 1] = me->mNormals[j].y;
				nrm[3 * k + 2] = me->mNormals[j].z;
			}
			if (uv) {
				uv[2 * k] = me->mTextureCoords[0][j].x;
				uv[2 * k + 1] = me->mTextureCoords[0][j].y;
			}
		}
		for (j = 0; j < me->mNumFaces; j++) {
			const struct aiFace *fa = &me->mFaces[j];

			check_face(fa, me->mNumVertices, q);
			for (k = 1; k + 1 < fa->mNumIndices; k++) {
				*fc++ = (long long)(v0 + fa->mIndices[0]);
				*fc++ = (long long)(v0 + fa->mIndices[k]);
				*fc++ = (long long)(v0 + fa->mIndices[k + 1]);
			}
		}
		v0 += me->mNumVertices;
	}
	aiReleaseImport(sc);
	sc = NULL;
	if ((i = tp_first_nonfinite(&md->pos)) < md->pos.count)
		tp_die("'%s': vertex %zu is not finite", q, i / 3);
}
