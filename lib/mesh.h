/*
 * mesh.h - triangle meshes read from a tpipe stream (io): a vertices
 * record (V, 3), a faces record (F, 3) of integers, then the per-vertex
 * records the caller names (colours (V, 3), normals (V, 3), texture
 * coordinates (V, 2)).  Not an engine's: the tools hand the engine
 * (raster.h) the arrays.
 */
#ifndef TP_MESH_H
#define TP_MESH_H

#include "tpipe.h"

/* The per-vertex records a mesh may carry, as --attributes names them. */
enum tp_mesh_attr { TP_MESH_COLOUR, TP_MESH_NORMAL, TP_MESH_UV,
	TP_MESH_NATTR };

/* A mesh as arrays: pos (V, 3) float64, faces (F, 3) int64, and each
 * attribute (float64; colours 0..1: uint8 ones are divided by 255) or
 * data NULL when absent. */
struct tp_mesh_data {
	struct tp_tensor pos, faces, attr[TP_MESH_NATTR];
};

/* The words of the attributes (tp_choice): colour (or color), normal,
 * uv. */
extern const struct tp_choice tp_mesh_attrs[];

/*
 * Read the next mesh from in: vertices, faces, then the attributes in
 * order (nattr of them, each an enum tp_mesh_attr).  Returns 0 at the
 * end of the stream (no vertices record), 1 with *md filled; dies
 * (exit 1) naming the record and what is wrong: a record missing, a
 * shape or dtype not a mesh's, an index not below V.
 */
int tp_mesh_read(struct tp_reader *in, const int *attrs, int nattr,
    struct tp_mesh_data *md);
/* What the regular file at path holds, by its first bytes: TP_MESH_PLY
 * ("ply" and a newline), TP_MESH_OBJ (text whose first statement is
 * OBJ's), or 0 (neither, or not a regular file: a pipe is a stream). */
enum { TP_MESH_OBJ = 1, TP_MESH_PLY };
int tp_mesh_file_kind(const char *path);
/* Read the OBJ or PLY file at path through assimp (mesh_file.c): every
 * polygon fanned into triangles, the attributes the file has.  Dies
 * (exit 1) with assimp's message if it cannot read it. */
void tp_mesh_read_file(const char *path, struct tp_mesh_data *md);
/* Free what tp_mesh_read made. */
void tp_mesh_free(struct tp_mesh_data *md);

#endif
