// bench/meshload.cc - how long assimp (as tproject --mesh calls it: its C
// API, aiProcess_ValidateDataStructure alone) and tinyobjloader (the
// other library issue 25 names; C++, OBJ only) take to read one OBJ
// file, each the best of REPS loads in one process, and what each read:
// positions and the triangles its polygons make.
//
//   c++ -O2 -o meshload bench/meshload.cc -lassimp -ltinyobjloader
//   meshload FILE.obj [REPS]
//
// Prints: library seconds positions triangles.  bench/tproject.sh runs
// it on the demo's terrain and on its grid of 10^6 triangles when
// tinyobjloader (libtinyobjloader-dev) is installed.
#include <assimp/cimport.h>
#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <tiny_obj_loader.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

static double
now()
{
	return std::chrono::duration<double>(
	    std::chrono::steady_clock::now().time_since_epoch()).count();
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		std::fprintf(stderr, "usage: meshload FILE.obj [REPS]\n");
		return 2;
	}
	int reps = argc > 2 ? std::atoi(argv[2]) : 3;
	double best = 1e300;
	size_t pos = 0, tri = 0;

	for (int r = 0; r < reps; r++) {
		double t = now();
		const aiScene *sc = aiImportFile(argv[1],
		    aiProcess_ValidateDataStructure);
		if (!sc) {
			std::fprintf(stderr, "assimp: %s\n", aiGetErrorString());
			return 1;
		}
		pos = tri = 0;
		for (unsigned m = 0; m < sc->mNumMeshes; m++) {
			const aiMesh *me = sc->mMeshes[m];
			pos += me->mNumVertices;
			for (unsigned f = 0; f < me->mNumFaces; f++)
				if (me->mFaces[f].mNumIndices >= 3)
					tri += me->mFaces[f].mNumIndices - 2;
		}
		aiReleaseImport(sc);
		t = now() - t;
		if (t < best)
			best = t;
	}
	std::printf("assimp %.3f %zu %zu\n", best, pos, tri);

	best = 1e300;
	for (int r = 0; r < reps; r++) {
		tinyobj::attrib_t attrib;
		std::vector<tinyobj::shape_t> shapes;
		std::vector<tinyobj::material_t> mats;
		std::string warn, err;
		double t = now();
		if (!tinyobj::LoadObj(&attrib, &shapes, &mats, &warn, &err,
		    argv[1], nullptr, false)) {
			std::fprintf(stderr, "tinyobjloader: %s\n", err.c_str());
			return 1;
		}
		pos = attrib.vertices.size() / 3;
		tri = 0;
		for (const auto &s : shapes)
			for (unsigned char n : s.mesh.num_face_vertices)
				if (n >= 3)
					tri += n - 2;
		t = now() - t;
		if (t < best)
			best = t;
	}
	std::printf("tinyobjloader %.3f %zu %zu\n", best, pos, tri);
	return 0;
}
