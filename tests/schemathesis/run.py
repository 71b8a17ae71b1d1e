"""schemathesis's CLI, with one guard: Python's parser used from two threads.

With `--workers 2`, hypothesis describes a strategy's filter functions by
parsing their source (`ast.parse`) in both worker threads. CPython 3.11's
AST constructor keeps its recursion depth per interpreter, not per thread, so
two parses at once can fail with "SystemError: AST constructor recursion
depth mismatch" (seen in a make test run under load). One lock around
`ast.parse` costs nothing measurable and makes the run deterministic again.
"""
import ast
import re
import sys
import threading

_parse = ast.parse
_lock = threading.Lock()


def _locked_parse(*args, **kwargs):
    with _lock:
        return _parse(*args, **kwargs)


ast.parse = _locked_parse

from schemathesis.cli import schemathesis  # noqa: E402  (after the guard)

if __name__ == "__main__":
    sys.argv[0] = re.sub(r"(-script\.pyw|\.exe)?$", "", sys.argv[0])
    sys.exit(schemathesis())
