"""Benchmarks (`make bench`): every figure a ratio to a baseline measured in the same run. Not part of `make test`."""
