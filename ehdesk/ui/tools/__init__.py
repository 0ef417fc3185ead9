"""Progression-of-change tools: the Progress tab, its charts and the reading form."""
