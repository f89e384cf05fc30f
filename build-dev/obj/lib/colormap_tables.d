build-dev/obj/lib/colormap_tables.o: lib/colormap_tables.c \
 lib/colormap_impl.h
lib/colormap_impl.h:
