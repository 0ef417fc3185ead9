"""Progression-of-change tools: the definition format, loading, licensed wording and scoring."""
