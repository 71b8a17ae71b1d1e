"""schemathesis's CLI, with one guard: Python's parser used from two threads.

With `--workers 2`, hypothesis describes a strategy's filter functions by
parsing their source (`ast.parse`) in both worker threads. CPython 3.11's
AST constructor keeps its recursion depth per interpreter, not per thread, so
two parses at once can fail with "SystemError: AST constructor recursion
depth mismatch" (seen in a make test run under load). One lock around
`ast.parse` costs nothing measurable and makes the run deterministic again.

And one hook: every well-formed `Idempotency-Key` drawn in the fuzzing and
stateful phases is made unique (the coverage phase does not run
`map_headers` hooks). The stateful phase assumes that each create makes a new resource, but
a create sent again with the same key and body replays the first answer (the
contract's safe retry), whose resource another step may have deleted since.
Generated keys repeat, so that replay was reported as "ST302 Created resource
not found" (a CI run, 2026-12-01). Malformed keys are left as generated, so
their 5209 is still checked; replays have tests of their own
(tests/e2e/idempotency.test.mjs).
"""
import ast
import itertools
import re
import sys
import threading

_parse = ast.parse
_lock = threading.Lock()


def _locked_parse(*args, **kwargs):
    with _lock:
        return _parse(*args, **kwargs)


ast.parse = _locked_parse

from schemathesis import hook  # noqa: E402  (after the guard)
from schemathesis.cli import schemathesis  # noqa: E402

_keys = itertools.count()


def _well_formed_key(key):
    """What worker/src/idempotency.rs accepts: 1 to 255 printable ASCII, not
    spaces alone (HTTP trims a header's surrounding spaces)."""
    return (
        isinstance(key, str)
        and 1 <= len(key) <= 255
        and all(" " <= c <= "~" for c in key)
        and key.strip(" ") != ""
    )


@hook
def map_headers(ctx, headers):
    if headers and _well_formed_key(headers.get("Idempotency-Key")):
        headers["Idempotency-Key"] = f"schemathesis-{next(_keys)}"
    return headers


if __name__ == "__main__":
    sys.argv[0] = re.sub(r"(-script\.pyw|\.exe)?$", "", sys.argv[0])
    sys.exit(schemathesis())
