"""The data stage: records in (the API, the snapshot), models out (normalized, grouped, kept).

Nothing here imports from the stages after it (images, site, render, output): tests/test_layout.py
checks it. Its modules load lazily: the up-to-date check imports snapshot alone.
"""
