#!/usr/bin/python3
"""mk/tmath-loops.py > lib/expr_loops.h: numpy's ufunc loop lists and
safe-cast table, as tmath's type resolution (lib/expr_types.c) searches them.
Run with numpy 1.24 (the version whose rules tmath follows)."""
import numpy as np

UFUNCS = ['add', 'subtract', 'multiply', 'true_divide', 'floor_divide',
          'remainder', 'power', 'bitwise_and', 'bitwise_or', 'bitwise_xor',
          'less', 'less_equal', 'greater', 'greater_equal', 'equal',
          'not_equal', 'negative', 'positive', 'invert', 'absolute', 'sign',
          'sqrt', 'cbrt', 'exp', 'expm1', 'exp2', 'log', 'log1p', 'log2',
          'log10', 'sin', 'cos', 'tan', 'arcsin', 'arccos', 'arctan',
          'sinh', 'cosh', 'tanh', 'arcsinh', 'arccosh', 'arctanh',
          'arctan2', 'hypot', 'floor', 'ceil', 'trunc', 'rint', 'minimum',
          'maximum', 'fmin', 'fmax', 'isnan', 'isinf', 'isfinite',
          'conjugate', 'square', 'reciprocal']
# tpipe's dtype order (enum tp_dtype) and numpy's type characters
ORDER = '?BbHhIiQqefdFD'
CHAR = {'?': '?', 'b': 'b', 'B': 'B', 'h': 'h', 'H': 'H', 'i': 'i',
        'I': 'I', 'l': 'q', 'q': 'q', 'L': 'Q', 'Q': 'Q', 'e': 'e',
        'f': 'f', 'd': 'd', 'F': 'F', 'D': 'D'}

print('/* lib/expr_loops.h - made by mk/tmath-loops.py from numpy',
      np.__version__ + ':\n * do not edit. */')
print('/* Each ufunc\'s loops in numpy\'s order, as "in...out" strings of')
print(' * type characters (?BbHhIiQqefdFD); loops on other types dropped. */')
print('static const struct { const char *name; const char *loops; } '
      'expr_loops[] = {')
for name in UFUNCS + ['clip']:
    f = np.core.umath.clip if name == 'clip' else getattr(np, name)
    seen = []
    for t in f.types:
        ins, out = t.split('->')
        if all(c in CHAR for c in ins + out):
            s = ''.join(CHAR[c] for c in ins + out)
            if s not in seen:
                seen.append(s)
    line = f'\t{{ "{name}", "{" ".join(seen)}" }},'
    if len(line.expandtabs()) > 80:     # the loops on a line of their own
        line = f'\t{{ "{name}",\n\t    "{" ".join(seen)}" }},'
    print(line)
print('};')
print('/* expr_safe[a][b]: numpy.can_cast(a, b, "safe"), tpipe dtype order */')
print('static const unsigned char expr_safe[14][14] = {')
for a in ORDER:
    print('\t{ ' + ', '.join(str(int(np.can_cast(a, b, 'safe')))
                             for b in ORDER) + ' },')
print('};')
print('/* expr_promote[a][b]: numpy.promote_types(a, b), tpipe dtype order */')
print('static const unsigned char expr_promote[14][14] = {')
for a in ORDER:
    print('\t{ ' + ', '.join(str(ORDER.index(CHAR[np.promote_types(a, b).char]))
                             for b in ORDER) + ' },')
print('};')
