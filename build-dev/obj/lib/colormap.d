build-dev/obj/lib/colormap.o: lib/colormap.c lib/colormap.h lib/tpipe.h \
 lib/colormap_impl.h
lib/colormap.h:
lib/tpipe.h:
lib/colormap_impl.h:
