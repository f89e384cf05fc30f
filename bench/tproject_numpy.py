"""bench/tproject_numpy.py IN OUT - what the tproject benches time NumPy
doing: the points (N, 3) of IN through gluPerspective(60, 4/3, 0.1, 100),
gluLookAt(3,4,5, 0,0,0, 0,1,0) and a 1920x1080 viewport, the window
coordinates saved to OUT (tproject's options in bench/tproject.sh and
bench/tproject-points.sh)."""
import sys

import numpy as np

p = np.load(sys.argv[1])
fovy, aspect, near, far = 60.0, 4 / 3, 0.1, 100.0
f = 1 / np.tan(np.radians(fovy) / 2)
P = np.array([[f / aspect, 0, 0, 0], [0, f, 0, 0],
              [0, 0, (far + near) / (near - far), 2 * far * near / (near - far)],
              [0, 0, -1, 0]])
eye, center, up = np.array([3., 4, 5]), np.zeros(3), np.array([0., 1, 0])
fw = (center - eye) / np.linalg.norm(center - eye)
s = np.cross(fw, up)
s /= np.linalg.norm(s)
u = np.cross(s, fw)
MV = np.eye(4)
MV[0, :3], MV[1, :3], MV[2, :3] = s, u, -fw
MV[:3, 3] = -MV[:3, :3] @ eye
M = P @ MV
c = p @ M[:, :3].T + M[:, 3]
ndc = c[:, :3] / c[:, 3:]
win = np.empty_like(ndc)
win[:, 0] = 1920 * (ndc[:, 0] + 1) / 2
win[:, 1] = 1080 * (ndc[:, 1] + 1) / 2
win[:, 2] = (ndc[:, 2] + 1) / 2
np.save(sys.argv[2], win)
