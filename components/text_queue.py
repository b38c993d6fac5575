"""Texts of the queue part of the page, in every language.

The keys of EN and KO must match (tests/components/test_text.py)."""

EN: dict[str, str] = {}
KO: dict[str, str] = {}
