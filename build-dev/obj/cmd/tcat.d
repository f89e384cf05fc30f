build-dev/obj/cmd/tcat.o: cmd/tcat.c lib/colormap.h lib/tpipe.h \
 lib/tpipe.h
lib/colormap.h:
lib/tpipe.h:
lib/tpipe.h:
