"""Mark Korean entries as translated from the English they now follow.

`python -m components.i18n.stamp KEY [KEY ...]` (or `--all`) rewrites the stamps in
`ko.toml`'s `[_from_english]` table. A test fails when an English text changes after
its Korean was stamped, so the Korean is never silently older than its English.
"""

from __future__ import annotations

import hashlib
import re
import sys

from components.i18n import HERE, load_catalogue

STAMPS = "_from_english"


def stamp(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def english_sources() -> dict[str, str]:
    """key -> the English template as written in en.toml."""
    return {
        key: text
        for section, texts in load_catalogue("en").items()
        for key, text in texts.items()
        if not section.startswith("_")
    }


def main(keys: list[str]) -> int:
    english = english_sources()
    if keys == ["--all"]:
        keys = list(english)
    unknown = [key for key in keys if key not in english]
    if unknown or not keys:
        print(f"usage: python -m components.i18n.stamp KEY... | --all (unknown: {unknown})")
        return 2
    path = HERE / "ko.toml"
    text = path.read_text(encoding="utf-8")
    head, _, table = text.partition(f"\n[{STAMPS}]\n")
    lines = dict(re.findall(r'^(\S+) = "([0-9a-f]{8})"$', table, re.M))
    lines.update({key: stamp(english[key]) for key in keys})
    body = "".join(f'{key} = "{value}"\n' for key, value in lines.items())
    path.write_text(f"{head}\n[{STAMPS}]\n{body}", encoding="utf-8")
    print(f"stamped {len(keys)} key(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
