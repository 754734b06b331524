"""Benchmarks for the Parley API (not tests): run them with `python -m bench.<name>`.

`bench.streaming` times `generateReply` against the fake provider; see its docstring.
"""
