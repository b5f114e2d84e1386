"""Writes the .npy/.npz fixtures that NpyTest and NpzTest read, with numpy itself.

Run from this folder:  python3 make_fixtures.py
The tests never run python: the files this script writes are committed next to it.
Every array's values follow a formula the Java tests recompute, so each fixture checks
its own decoding:
  layout fixtures (f8):   element with C-order index k is k * 0.25 - 1
  layout fixture (>i2):   element with C-order index k is k - 5
  dtype fixtures:         the lists in DTYPE_VALUES below, shape (n,)
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def quarter_steps(*shape):
    """k * 0.25 - 1 for the C-order index k: exact in binary, distinct, with negatives."""
    n = int(np.prod(shape, dtype=np.int64))
    return (np.arange(n, dtype=np.float64) * 0.25 - 1).reshape(shape)


def layouts():
    # numpy.save's own output: our writer must reproduce these bytes exactly
    np.save(path("f8_2d.npy"), quarter_steps(3, 4))
    np.save(path("f8_1d.npy"), quarter_steps(5))
    np.save(path("f8_0d.npy"), np.float64(3.25).reshape(()))
    np.save(path("f8_3d.npy"), quarter_steps(2, 3, 4))
    np.save(path("f8_empty.npy"), quarter_steps(0, 3))
    # Fortran order: the file holds axis 0 fastest; the reader must give C order back
    np.save(path("f8_2d_fortran.npy"), np.asfortranarray(quarter_steps(3, 4)))
    np.save(path("f8_3d_fortran.npy"), np.asfortranarray(quarter_steps(2, 3, 4)))
    ints = (np.arange(24, dtype=np.int64) - 5).reshape(2, 3, 4)
    np.save(path("i2_3d_fortran_big_endian.npy"), np.asfortranarray(ints.astype(">i2")))
    np.save(path("f8_2d_big_endian.npy"), quarter_steps(3, 4).astype(">f8"))
    # header versions 2.0 (4-byte length) and 3.0 (utf-8 header)
    for version in [(2, 0), (3, 0)]:
        with open(path("f8_2d_v%d.npy" % version[0]), "wb") as f:
            np.lib.format.write_array(f, quarter_steps(3, 4), version=version)


DTYPE_VALUES = {
    "i1": [-128, -1, 0, 1, 127],
    "i2": [-32768, -1, 0, 1, 32767],
    "i4": [-2**31, -1, 0, 1, 2**31 - 1],
    "i8": [-2**63, -1, 0, 1, 2**63 - 1],
    "u1": [0, 1, 2, 254, 255],
    "u2": [0, 1, 2, 65534, 65535],
    "u4": [0, 1, 2, 2**32 - 2, 2**32 - 1],
    "u8": [0, 1, 2, 2**63, 2**64 - 1],
    "b1": [True, False, True, True, False],
    # largest finite, smallest subnormal, signed zero, infinities, nan
    "f2": [0.5, -2.0, 65504.0, 2.0**-24, -0.0, np.inf, -np.inf, np.nan],
    "f4": [0.5, -2.25, float(np.finfo(np.float32).max), 2.0**-149, -0.0, np.inf, -np.inf, np.nan],
    "f8": [0.1, -2.25, float(np.finfo(np.float64).max), 2.0**-1074, -0.0, np.inf, -np.inf, np.nan],
}


def dtypes():
    for code, values in DTYPE_VALUES.items():
        orders = ["|"] if code[1] == "1" else ["<", ">"]
        for order in orders:
            suffix = {"|": "", "<": "_le", ">": "_be"}[order]
            np.save(path("dtype_%s%s.npy" % (code, suffix)), np.array(values, dtype=order + code))


def refused():
    """Arrays numpy can save but overparam refuses: no meaningful float64 per element."""
    objects = np.empty(2, dtype=object)
    objects[0], objects[1] = 1.5, "two"
    np.save(path("refuse_object.npy"), objects, allow_pickle=True)
    np.save(path("refuse_complex.npy"), np.array([1 + 2j, 3 - 4j]))
    np.save(path("refuse_string.npy"), np.array(["ab", "c"]))
    np.save(path("refuse_structured.npy"), np.zeros(2, dtype=[("x", "<f8"), ("label", "<i4")]))
    np.save(path("refuse_datetime.npy"), np.array(["2024-01-01"], dtype="datetime64[D]"))


def archives():
    arrays = {"W1": quarter_steps(3, 2), "a": quarter_steps(3), "scale": np.float64(3.25).reshape(()),
              "labels": np.array([1, 0, 1], dtype="<i8")}
    np.savez(path("savez.npz"), **arrays)                # STORED entries, zip64 local headers
    np.savez_compressed(path("savez_compressed.npz"), **arrays)   # DEFLATED entries


if __name__ == "__main__":
    layouts()
    dtypes()
    refused()
    archives()
