#!/usr/bin/python3
"""longlines.py FILE...: print FILE:LINE: COLUMNS for every line past 80
columns (tabs stop every 8) that has no excuse; exit 1 if any.  The one
excuse: a string literal that would pass 80 columns even on a line of
its own, a continuation (the line's indent and 4 more) ending in a comma:
a message grep must find whole, a usage line, a generated table entry
(STYLE: user-visible messages are not split)."""
import re
import sys

LIMIT = 80
LITERAL = re.compile(r'"(?:\\.|[^"\\])*"')


def too_long(line):
    """The width of line if it passes LIMIT with no excuse, else 0."""
    text = line.rstrip('\n').expandtabs(8)
    if len(text) <= LIMIT:
        return 0
    indent = len(text) - len(text.lstrip())
    for lit in LITERAL.findall(text):
        if indent + 4 + len(lit) + 1 > LIMIT:
            return 0
    return len(text)


def main(paths):
    bad = 0
    for path in paths:
        with open(path, encoding='utf-8') as f:
            for n, line in enumerate(f, 1):
                width = too_long(line)
                if width:
                    print(f'{path}:{n}: {width} columns')
                    bad += 1
    return 1 if bad else 0


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
