"""The output stage: files written atomically into a new tree, the up-to-date check, parallel rendering.

Empty on purpose: the up-to-date check (uptodate.py) is imported by a build with nothing to do,
which must not load the writer or the renderer with it.
"""
