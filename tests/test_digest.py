"""The rebuild's digests: the same as hashlib's, whatever the length (the build cache's keys depend on it)."""

import hashlib

import pytest

from sitegen.digest import PIECE, sha256_hex


@pytest.mark.parametrize("length", [0, 1, PIECE - 1, PIECE, PIECE + 1, 2 * PIECE, 4096, 100_000])
def test_a_digest_held_under_the_gil_is_hashlibs_digest(length):
    data = bytes((n * 7 + 3) % 256 for n in range(length))
    assert sha256_hex(data) == hashlib.sha256(data).hexdigest()


def test_the_pieces_are_small_enough_for_hashlib_to_keep_the_gil():
    assert PIECE < 2048  # HASHLIB_GIL_MINSIZE in CPython's _hashopenssl.c
