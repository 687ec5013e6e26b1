"""nrrd.py: read a NRRD file (attached or detached data, raw or gzip) into numpy, for tests.

    from nrrd import read
    data, header = read("x.nrrd")   # data indexed [z, y, x] (slowest axis first)
    header["sizes"], header["space directions"], header["space origin"] (parsed), header["type"]

Only the standard library and numpy.
"""
import gzip
import os
import re

import numpy as np

TYPES = {
    "short": "i2", "int16": "i2", "int16_t": "i2", "signed short": "i2", "short int": "i2",
    "ushort": "u2", "uint16": "u2", "unsigned short": "u2", "uint16_t": "u2",
    "float": "f4", "double": "f8", "uchar": "u1", "uint8": "u1", "unsigned char": "u1",
    "signed char": "i1", "int8": "i1", "int": "i4", "int32": "i4", "uint": "u4", "uint32": "u4",
}


def _vector(text):
    """'(1,2,3)' -> [1.0, 2.0, 3.0]; 'none' -> None."""
    text = text.strip()
    if text == "none":
        return None
    return [float(v) for v in text.strip("()").split(",")]


def parse_header(text):
    h = {}
    for line in text.split("\n")[1:]:
        if not line or line.startswith("#"):
            continue
        if ":=" in line:
            k, v = line.split(":=", 1)
            h.setdefault("keyvalue", {})[k] = v
            continue
        k, v = line.split(":", 1)
        h[k.strip()] = v.strip()
    h["sizes"] = [int(v) for v in h["sizes"].split()]
    if "space directions" in h:
        h["space directions"] = [_vector(v) for v in re.findall(r"\([^)]*\)|none",
                                                              h["space directions"])]
    if "space origin" in h:
        h["space origin"] = _vector(h["space origin"])
    return h


def read(path):
    with open(path, "rb") as f:
        blob = f.read()
    if not blob.startswith(b"NRRD000"):
        raise ValueError("%s: not a NRRD file" % path)
    end = blob.find(b"\n\n")
    header = parse_header(blob[:end].decode("latin-1"))
    if "data file" in header:
        with open(os.path.join(os.path.dirname(path), header["data file"]), "rb") as f:
            payload = f.read()
    else:
        payload = blob[end + 2:]
    if header.get("encoding") in ("gzip", "gz"):
        payload = gzip.decompress(payload)
    elif header.get("encoding") != "raw":
        raise ValueError("%s: encoding %s not supported" % (path, header.get("encoding")))
    order = ">" if header.get("endian") == "big" else "<"
    dtype = np.dtype(order + TYPES[header["type"]])
    data = np.frombuffer(payload, dtype=dtype).reshape(list(reversed(header["sizes"])))
    return data, header
