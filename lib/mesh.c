/*
 * mesh.c - triangle meshes from a tpipe stream (mesh.h).
 */
#include <math.h>
#include <string.h>

#include "tpipe.h"
#include "mesh.h"

static const char *const attr_name[TP_MESH_NATTR] = {
	"colour", "normal", "uv"
};
static const size_t attr_width[TP_MESH_NATTR] = { 3, 3, 2 };

const struct tp_choice tp_mesh_attrs[] = {
	{ "colour", TP_MESH_COLOUR }, { "normal", TP_MESH_NORMAL },
	{ "uv", TP_MESH_UV }, { "color", TP_MESH_COLOUR }, { NULL, 0 }
};

/* Read the record what (V, width) or (F, 3) into t; real, or integer
 * for faces; dies otherwise.  n: the rows it must have (0: any). */
static void
need(struct tp_reader *in, struct tp_tensor *t, const char *what,
    size_t width, size_t n, int integer)
{
	char sh[256];

	if (!tp_read(in, t))
		tp_die("%s: the mesh ends before its %s record",
		    tp_reader_name(in), what);
	if (tp_dtype_is_complex(t->dtype) ||
	    (integer && !tp_dtype_is_int(t->dtype)) || t->dtype == TP_B1)
		tp_die("%s: record %ld (%s) is %s: it must be %s",
		    tp_reader_name(in), tp_reader_index(in), what,
		    tp_dtype_name(t->dtype), integer ? "integers" : "real");
	if (t->ndim != 2 || t->shape[1] != width || (n && t->shape[0] != n))
		tp_die("%s: record %ld (%s) has shape %s, not (%s, %zu)",
		    tp_reader_name(in), tp_reader_index(in), what,
		    tp_shape_str(t, sh, sizeof sh), integer ? "F" : n ?
		    "V" : "V", width);
}

int
tp_mesh_read(struct tp_reader *in, const int *attrs, int nattr,
    struct tp_mesh_data *md)
{
	struct tp_tensor t;
	const long long *f;
	size_t nv, i;
	int k;

	memset(md, 0, sizeof *md);
	memset(&t, 0, sizeof t);
	if (!tp_read(in, &t))
		return 0;
	if (tp_dtype_is_complex(t.dtype) || t.dtype == TP_B1 ||
	    t.ndim != 2 || t.shape[1] != 3) {
		char sh[256];

		tp_die("%s: record %ld (vertices) is %s %s: vertices must be "
		    "real (V, 3)", tp_reader_name(in), tp_reader_index(in),
		    tp_shape_str(&t, sh, sizeof sh), tp_dtype_name(t.dtype));
	}
	md->pos = tp_converted(&t, TP_F8);
	tp_free(&t);
	if ((i = tp_first_nonfinite(&md->pos)) < md->pos.count)
		tp_die("%s: record %ld (vertices): vertex %zu is not finite",
		    tp_reader_name(in), tp_reader_index(in), i / 3);
	nv = md->pos.shape[0];
	need(in, &t, "faces", 3, 0, 1);
	md->faces = tp_converted(&t, TP_I8);
	tp_free(&t);
	f = md->faces.data;
	for (i = 0; i < md->faces.count; i++)
		if (f[i] < 0 || (size_t)f[i] >= nv)
			tp_die("%s: record %ld (faces): face %zu names vertex "
			    "%lld but there are %zu", tp_reader_name(in),
			    tp_reader_index(in), i / 3, f[i], nv);
	for (k = 0; k < nattr; k++) {
		struct tp_tensor *a = &md->attr[attrs[k]];

		need(in, &t, attr_name[attrs[k]], attr_width[attrs[k]], nv, 0);
		*a = tp_converted(&t, TP_F8);
		if (attrs[k] == TP_MESH_COLOUR && t.dtype == TP_U1)
			for (i = 0; i < a->count; i++)
				((double *)a->data)[i] /= 255;
		tp_free(&t);
		if ((i = tp_first_nonfinite(a)) < a->count)
			tp_die("%s: record %ld (%s): vertex %zu is not finite",
			    tp_reader_name(in), tp_reader_index(in),
			    attr_name[attrs[k]], i / attr_width[attrs[k]]);
	}
	return 1;
}

void
tp_mesh_free(struct tp_mesh_data *md)
{
	int k;

	tp_free(&md->pos);
	tp_free(&md->faces);
	for (k = 0; k < TP_MESH_NATTR; k++)
		tp_free(&md->attr[k]);
}
