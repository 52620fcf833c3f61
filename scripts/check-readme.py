#!/usr/bin/env python3
"""Check that README.md's feature table names every command, map type,
program type and attach type of the system's <linux/bpf.h>, each with a
status of works, partial or missing. Prints one line per enum and ends with
`readme: N passed, N failed`."""
import re
import sys

HEADER = "/usr/include/linux/bpf.h"
SKIP = {"BPF_MAP_TYPE_UNSPEC", "BPF_PROG_TYPE_UNSPEC", "BPF_PROG_RUN"}


def enum_names(text, enum):
    m = re.search(r"enum %s \{(.*?)\};" % enum, text, re.S)
    body = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S)
    names = [x.strip().split("=")[0].strip() for x in body.split(",")]
    return [n for n in names if n and not n.startswith("__MAX") and n not in SKIP]


def main():
    header = open(HEADER).read()
    readme = open(sys.argv[1] if len(sys.argv) > 1 else "README.md").read()
    rows = {}
    for line in readme.splitlines():
        m = re.match(r"\|\s*`(BPF_[A-Z0-9_]+)`\s*\|\s*([^|]*)\|", line)
        if m:
            rows[m.group(1)] = m.group(2).strip()
    passed = failed = 0
    for enum in ("bpf_cmd", "bpf_map_type", "bpf_prog_type", "bpf_attach_type"):
        bad = []
        for name in enum_names(header, enum):
            status = rows.get(name)
            if status is None or not re.match(r"(works|partial|missing)", status):
                bad.append(name)
        if bad:
            failed += 1
            print("readme: FAIL %s: no valid row for %s" % (enum, ", ".join(bad)))
        else:
            passed += 1
            print("readme: PASS %s" % enum)
    print("readme: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
