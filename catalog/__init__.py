"""Spacecraft Catalog: a static site of the Launch Library 2 spacecraft endpoint."""
