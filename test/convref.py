"""convref.py - the reference for tconv's boundaries in the tests: the
signal extended by numpy.pad as each boundary defines it, so that
scipy's 'valid' convolution of the result is tconv's output."""
import numpy as np

# tconv boundary -> numpy.pad mode
PAD = {"zero": "constant", "wrap": "wrap", "reflect": "symmetric",
       "mirror": "reflect", "nearest": "edge"}


def extend(x, kshape, mode, bnd):
    """x extended on its last len(kshape) axes as far as mode needs:
    m-1 each side (full), m//2 before and (m-1)//2 after (same), none
    (valid); leading axes are batch and not extended."""
    nb = x.ndim - len(kshape)
    pads = [(0, 0)] * nb + [{"full": (m - 1, m - 1),
                             "same": (m // 2, (m - 1) // 2),
                             "valid": (0, 0)}[mode] for m in kshape]
    return np.pad(x, pads, mode=PAD[bnd])
