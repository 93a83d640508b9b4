"""Compact vectors for the store: an int8 copy of a normalized embedding with its scale.

A float32 384-d vector is 1,536 bytes; int8 with one float32 scale is 388 bytes, and the
cosine of two such copies is within ~0.002 of the original (well below the margins the
linker works with).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["DIM", "pack_vector", "unpack_vector", "unpack_vectors"]

DIM = 384
_SCALE = np.dtype("<f4")
_BLOB = _SCALE.itemsize + DIM


def pack_vector(vector: npt.NDArray[np.float32]) -> bytes:
    """``vector`` (DIM floats) as 4 bytes of scale and DIM signed bytes."""
    peak = float(np.max(np.abs(vector))) or 1.0
    scale = peak / 127.0
    quantized = np.clip(np.rint(vector / scale), -127, 127).astype(np.int8)
    head: bytes = np.array([scale], dtype=_SCALE).tobytes()
    body: bytes = quantized.tobytes()
    return head + body


def unpack_vector(blob: bytes) -> npt.NDArray[np.float32]:
    """The normalized float32 vector a blob of ``pack_vector`` holds."""
    row: npt.NDArray[np.float32] = unpack_vectors([blob])[0]
    return row


def unpack_vectors(blobs: Sequence[bytes]) -> npt.NDArray[np.float32]:
    """One normalized float32 row per blob (blobs of another size are refused)."""
    if any(len(b) != _BLOB for b in blobs):
        raise ValueError(f"embeddings: a stored vector is not {_BLOB} bytes")
    raw = np.frombuffer(b"".join(blobs), dtype=np.uint8).reshape(len(blobs), _BLOB)
    scales = raw[:, : _SCALE.itemsize].copy().view(_SCALE).astype(np.float32)
    rows = raw[:, _SCALE.itemsize :].view(np.int8).astype(np.float32) * scales
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    unit: npt.NDArray[np.float32] = (rows / norms).astype(np.float32)
    return unit
