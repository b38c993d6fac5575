"""Korean for the core texts in text.py (same keys, same {fields})."""

KO: dict[str, str] = {}
