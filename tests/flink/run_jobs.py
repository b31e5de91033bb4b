"""Runs PyFlink job files one after another in one Python process, so the JVM starts once.

Prints one line per job, `STREAMLAB-RESULT {"job": …, "ok": …, "error": …, "seconds": …}`.
"""

import json
import sys
import time


def first_lines(text, limit=6):
    """The message of a Java exception without its stack."""
    lines = [l for l in str(text).splitlines() if l.strip() and not l.startswith("\tat ")]
    lines = [l for l in lines if not l.lstrip().startswith("... ")]
    causes = [l for l in lines if l.startswith("Caused by")]
    return "\n".join(lines[:2] + causes[-2:] if causes else lines[:limit])


for path in sys.argv[1:]:
    start = time.time()
    try:
        with open(path) as f:
            source = f.read()
        exec(compile(source, path, "exec"), {"__name__": "__main__"})
        result = {"job": path, "ok": True}
    except Exception as e:  # a failed job is reported, and the next one runs
        result = {"job": path, "ok": False, "error": first_lines(e)}
    result["seconds"] = round(time.time() - start, 1)
    print("STREAMLAB-RESULT " + json.dumps(result), flush=True)
