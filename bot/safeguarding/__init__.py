"""Safeguarding: finding words that may tell of harm (lexicon.py, concern.py)."""
