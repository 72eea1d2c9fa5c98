"""Synthetic demo data: clearly labelled as such everywhere it appears."""
