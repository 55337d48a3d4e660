import numpy as np
import pytest


@pytest.fixture
def rng(request):
    """A generator seeded per test, so failures reproduce but tests draw different numbers."""
    seed = sum(map(ord, request.node.nodeid)) % (2**32)
    return np.random.default_rng(seed)

