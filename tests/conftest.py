import numpy as np
import pytest


@pytest.fixture
def rng(request):
    """A generator seeded per test, so failures reproduce but tests draw different numbers."""
    seed = sum(map(ord, request.node.nodeid)) % (2**32)
    return np.random.default_rng(seed)


def random_shape(rng, ndim=None, high=6):
    ndim = rng.integers(1, 4) if ndim is None else ndim
    return tuple(int(n) for n in rng.integers(1, high, size=ndim))
