#!/usr/bin/python3
"""mk/layers.py [--table FILE] [--src DIR] [OBJDIR]: check that lib/ is
in layers that only look down (DESIGN.md section 5).

The table (mk/layers.txt) gives every file of lib/ one layer and each
layer the layers its files may use.  From the symbols (nm) of the
objects OBJDIR/NAME.o (default $BUILD/obj/lib, BUILD=build) of the sources
DIR/NAME.c (default lib/), an object uses another when it has an
undefined symbol the other defines.  It fails, one line per problem on
stderr, on:
  - a use of a layer it may not use:
      lib/npy.o (io) uses tp_conv_new from lib/conv.o (engine)
  - a cycle of uses between objects, of one layer or not:
      cycle: lib/a.o uses tp_b from lib/b.o, which uses tp_a from lib/a.o
  - an #include "x.h" in DIR of a header of a layer the file may not
    use: lib/npy.c (io) includes conv.h (engine)
  - a file of DIR in no layer (a new file must be placed), a table
    entry naming no file, a file placed twice, a source with no object
    (build first).
Exit 0 with one line on stdout saying what was checked, else 1."""
import argparse
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def shown(path):
    """path as a message names it: from the top of the tree when it is
    in the tree, else as it is."""
    rel = os.path.relpath(os.path.abspath(path), TOP)
    return path if rel.startswith('..') else rel


def read_table(path, problems):
    """The table's layers ({name: set of layers it may use, itself
    included}) and files ({file: layer})."""
    layers, files = {}, {}
    with open(path) as f:
        for no, line in enumerate(f, 1):
            words = line.split('#', 1)[0].split()
            where = '%s:%d' % (shown(path), no)
            if not words:
                continue
            if words[0] == 'layer':
                if len(words) < 2 or words[1] in layers:
                    problems.append('%s: a layer needs a new name' % where)
                    continue
                for w in words[2:]:
                    if w not in layers:
                        problems.append('%s: layer %s uses %s, which is not '
                                        'a layer above this line'
                                        % (where, words[1], w))
                layers[words[1]] = {words[1]} | set(words[2:])
            elif len(words) != 2 or words[1] not in layers:
                problems.append('%s: expected "FILE LAYER" or "layer NAME '
                                'BELOW...", found %r' % (where, line.strip()))
            elif words[0] in files:
                problems.append('%s: %s is placed twice (%s and %s)'
                                % (where, words[0], files[words[0]],
                                   words[1]))
            else:
                files[words[0]] = words[1]
    return layers, files


def symbols(obj):
    """(defined, undefined): obj's external symbols, from nm."""
    out = subprocess.run(['nm', '-g', '-P', obj], check=True,
                         capture_output=True, text=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        f = line.split()
        if len(f) < 2:
            continue
        (undefined if f[1] in ('U', 'w', 'v') else defined).add(f[0])
    return defined, undefined


def find_cycle(graph, nodes):
    """A cycle [a, b, ..., a] through graph (node -> set of nodes)
    within nodes, or None."""
    state = {}

    def visit(n, path):
        state[n] = 1
        path.append(n)
        for m in sorted(graph.get(n, ())):
            if m not in nodes:
                continue
            if state.get(m) == 1:
                return path[path.index(m):] + [m]
            if m not in state:
                c = visit(m, path)
                if c:
                    return c
        path.pop()
        state[n] = 2
        return None

    for n in sorted(nodes):
        if n not in state:
            c = visit(n, [])
            if c:
                return c
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--table', default=os.path.join(TOP, 'mk/layers.txt'))
    ap.add_argument('--src', default=os.path.join(TOP, 'lib'))
    ap.add_argument('objdir', nargs='?', default=os.path.join(
        TOP, os.environ.get('BUILD', 'build'), 'obj', 'lib'))
    a = ap.parse_args()
    problems = []
    layers, files = read_table(a.table, problems)
    table = shown(a.table)

    sources = sorted(f for f in os.listdir(a.src)
                     if f.endswith('.c') or f.endswith('.h'))
    # the objects make archives: one per source (an object left from a
    # source since removed is not in the library, and not read)
    objects = [f[:-2] for f in sources if f.endswith('.c')]
    for f in sources:
        if f not in files:
            problems.append('lib/%s is in no layer: place it in %s'
                            % (f, table))
    for f in files:
        if f not in sources:
            problems.append('%s places %s, which lib/ does not have'
                            % (table, f))
    missing = [o for o in objects
               if not os.path.exists(os.path.join(a.objdir, o + '.o'))]
    for o in missing:
        problems.append('lib/%s.c has no object in %s: build first'
                        % (o, shown(a.objdir)))
    objects = [o for o in objects if o not in missing]

    def layer(o):
        return files.get(o + '.c', '?')

    # the link-level graph: object -> object -> symbols
    definer, uses = {}, {}
    for o in objects:
        defined, undefined = symbols(os.path.join(a.objdir, o + '.o'))
        for s in defined:
            if s in definer:
                problems.append('%s is defined in lib/%s.o and lib/%s.o'
                                % (s, definer[s], o))
            definer[s] = o
        uses[o] = undefined
    graph = {}
    for o in objects:
        for s in uses[o]:
            d = definer.get(s)
            if d is not None and d != o:
                graph.setdefault(o, {}).setdefault(d, set()).add(s)
    nedges = 0
    for o in objects:
        for d, syms in sorted(graph.get(o, {}).items()):
            nedges += 1
            lo, ld = layer(o), layer(d)
            if lo in layers and ld not in layers[lo]:
                problems.append('lib/%s.o (%s) uses %s from lib/%s.o (%s)'
                                % (o, lo, ', '.join(sorted(syms)), d, ld))

    # cycles: each one found is named, then its objects are taken out
    # and the search goes on, so every tangle of objects is named
    left = set(objects)
    while True:
        c = find_cycle(graph, left)
        if not c:
            break
        steps = ['lib/%s.o uses %s from lib/%s.o'
                 % (c[0], min(graph[c[0]][c[1]]), c[1])]
        for i in range(1, len(c) - 1):
            steps.append('which uses %s from lib/%s.o'
                         % (min(graph[c[i]][c[i + 1]]), c[i + 1]))
        problems.append('cycle: ' + ', '.join(steps))
        left -= set(c)

    # the include-level graph: a file may include the headers of the
    # layers it may use
    include = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
    nincludes = 0
    for f in sources:
        with open(os.path.join(a.src, f), errors='replace') as fp:
            for line in fp:
                m = include.match(line)
                if not m or m.group(1) not in files:
                    continue
                nincludes += 1
                lf, lh = files.get(f), files[m.group(1)]
                if lf in layers and lh not in layers[lf]:
                    problems.append('lib/%s (%s) includes %s (%s)'
                                    % (f, lf, m.group(1), lh))

    for p in problems:
        print('layers: ' + p, file=sys.stderr)
    if problems:
        return 1
    print('layers: %d objects in %d layers, %d uses between them, %d '
          'includes: no cycle, no use of a layer above or beside'
          % (len(objects), len(layers), nedges, nincludes))
    return 0


if __name__ == '__main__':
    sys.exit(main())
