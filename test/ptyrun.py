"""ptyrun.py [--cols N] [--rows N] [--stdout] RAW SCREEN CMD [ARG...]: run
CMD with its standard error on a pseudo-terminal of N columns (default
100) and N rows (default 24) and its standard input and output inherited
(with --stdout, its standard output on the terminal too).  Writes every
byte CMD wrote on the terminal to the file RAW, as it comes (so a test
can wait until the line is drawn before it feeds more input), and to the
file SCREEN what a terminal would show at the
end: one line per screen row (trailing blanks dropped, empty rows at the
end left out), from a small emulation of carriage return, newline (the
terminal's own \\n -> \\r\\n included), backspace and autowrap; any other
control byte is written to SCREEN as <XX>, so a stray escape shows.
Exits with CMD's status (128 + N if killed by signal N)."""
import fcntl, os, pty, select, struct, subprocess, sys, termios

args = sys.argv[1:]
cols, nrows, stdout = 100, 24, None
while args[0].startswith('--'):
    if args[0] == '--stdout':
        stdout, args = True, args[1:]
    elif args[0] == '--cols':
        cols, args = int(args[1]), args[2:]
    elif args[0] == '--rows':
        nrows, args = int(args[1]), args[2:]
    else:
        sys.exit('ptyrun.py: unknown option ' + args[0])
raw_path, screen_path, cmd = args[0], args[1], args[2:]

raw = open(raw_path, 'wb', buffering=0)
master, slave = pty.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', nrows, cols, 0, 0))
child = subprocess.Popen(cmd, stderr=slave, stdout=slave if stdout else None)
os.close(slave)

got = bytearray()
while True:
    r, _, _ = select.select([master], [], [], 0.1)
    if r:
        try:
            data = os.read(master, 65536)
        except OSError:            # EIO: no process holds the slave any more
            data = b''
        if not data:
            break
        got += data
        raw.write(data)
    elif child.poll() is not None:
        # exited; take what is left, then stop
        try:
            while select.select([master], [], [], 0.2)[0]:
                data = os.read(master, 65536)
                if not data:
                    break
                got += data
                raw.write(data)
        except OSError:
            pass
        break
status = child.wait()
raw.close()

rows, row, col = [[]], 0, 0
def put(ch):
    global row, col
    if col >= cols:                # autowrap
        row, col = row + 1, 0
    while len(rows) <= row:
        rows.append([])
    line = rows[row]
    while len(line) <= col:
        line.append(' ')
    line[col] = ch
    col += 1

for ch in got.decode('utf-8', 'replace'):
    if ch == '\r':
        col = 0
    elif ch == '\n':
        row += 1
        while len(rows) <= row:
            rows.append([])
    elif ch == '\b':
        col = max(col - 1, 0)
    elif ord(ch) < 0x20 or ord(ch) == 0x7f:
        for c in '<%02X>' % ord(ch):
            put(c)
    else:
        put(ch)
lines = [''.join(l).rstrip() for l in rows]
while lines and lines[-1] == '':
    lines.pop()
open(screen_path, 'w').write(''.join(l + '\n' for l in lines))
sys.exit(status if status >= 0 else 128 - status)
