"""Verification: finite differences, the gradient check, and the symbolic (SymPy)
helpers the chapters derive with.

Layer 3 of mdlib (kernels -> models -> verify -> ui): imports only mdlib.kernels and
mdlib.models.
"""
