"""Names each GraphQL operation in the logs.

Over HTTP the operation name and error codes join the request's access line. A socket carries
many operations over its life, so each gets a line of its own.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import structlog
from strawberry.extensions import SchemaExtension

from parley.request_context import annotate_access_line

log = structlog.get_logger("parley.access")


class OperationLog(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        ec = self.execution_context
        result = ec.result
        errors = getattr(result, "errors", None) or ec.pre_execution_errors or []
        codes = sorted({str((e.extensions or {}).get("code")) for e in errors})
        fields: dict[str, object] = {
            "operation": ec.operation_name or "anonymous",
            "error_codes": codes or None,
        }
        if ec.context.is_socket:
            log.info(
                "socket operation",
                user_id=ec.context.signed_in_user_id,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
                **fields,
            )
        else:
            annotate_access_line(**fields)
