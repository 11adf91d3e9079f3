"""Benchmarks that print figures. Run each from the repository root: ``python -m bench.<name>``."""
