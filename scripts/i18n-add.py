#!/usr/bin/env python3
"""Adds or replaces dictionary entries in both languages at once, keeping the files sorted.
usage: scripts/i18n-add.py KEY "Spanish text" "English text" [KEY es en ...]"""
import json, pathlib, sys

root = pathlib.Path(__file__).resolve().parent.parent / "crates/fidelia-core/i18n"
args = sys.argv[1:]
if not args or len(args) % 3:
    sys.exit(__doc__)
for lang, offset in (("es", 1), ("en", 2)):
    path = root / f"{lang}.json"
    d = json.loads(path.read_text(encoding="utf-8"))
    for i in range(0, len(args), 3):
        d[args[i]] = args[i + offset]
    path.write_text(json.dumps(d, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
