"""nrrdcmp.py A.nrrd B.nrrd [TOLERANCE]: exit 0 when both hold the same voxels (within TOLERANCE,
default 0: identical values) on the same grid (sizes equal, space directions and origin within
1e-3 mm); otherwise print what differs and exit 1."""
import sys

import numpy as np

import nrrd


def main():
    a, ha = nrrd.read(sys.argv[1])
    b, hb = nrrd.read(sys.argv[2])
    tol = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    bad = []
    if a.shape != b.shape:
        bad.append("sizes %s vs %s" % (ha["sizes"], hb["sizes"]))
    else:
        diff = np.abs(a.astype(np.float64) - b.astype(np.float64))
        if diff.max() > tol:
            bad.append("voxels differ by up to %g at %d places" % (diff.max(), (diff > tol).sum()))
    for key in ("space directions", "space origin"):
        if not np.allclose(np.array(ha[key], float), np.array(hb[key], float), atol=1e-3, rtol=0):
            bad.append("%s %s vs %s" % (key, ha[key], hb[key]))
    if bad:
        print("; ".join(bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
