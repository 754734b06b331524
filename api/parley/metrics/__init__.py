"""Prometheus metrics: the instruments (`instruments`), the protected `/metrics` endpoint
(`endpoint`) and the multi-process set-up of `parley.server` (`multiprocess`).

The client library picks its storage when it is first imported: in memory, or one file per
process in PROMETHEUS_MULTIPROC_DIR when that is set (what `parley.server` does for its
API_WORKERS processes). Every label value is bounded: names from code, offered models,
contract error codes, and a capped set of operation names; never raw user input.
"""
