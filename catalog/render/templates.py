"""The Jinja internals the render speed relies on, in one owned class.

Two things Jinja 3.1 does that the public API does not promise, both checked by
tests/render/test_templates.py so that a Jinja release that changes them fails a test rather
than silently slowing or breaking pages:

- `Template.globals` is what a render copies into every page's context, from a ChainMap over
  the environment's globals; replacing it with one flat dict, once every global is set, saves
  that ChainMap walk on each of 100,000 pages (benchmarks/README.md).
- `Template.make_module(vars)` gives a template's macros bound to `vars` (here `root`), so a
  shared piece renders once per page depth instead of once per page.
"""
from __future__ import annotations

from typing import Any

import jinja2


class PageTemplates:
    """Page templates of one environment, each loaded once with its globals flattened."""

    def __init__(self, env: jinja2.Environment) -> None:
        self.env = env
        self._pages: dict[str, jinja2.Template] = {}

    def get(self, name: str) -> jinja2.Template:
        """The template, loaded once; its globals flattened into one dict (every global is set by now)."""
        page = self._pages.get(name)
        if page is None:
            page = self._pages[name] = self.env.get_template(name)
            page.globals = dict(page.globals)
        return page

    def render(self, name: str, context: dict[str, Any], **extra: Any) -> str:
        return self.get(name).render(context, **extra)

    def module(self, name: str, values: dict[str, Any]) -> Any:
        """The macros of template `name`, with `values` (e.g. root) defined for them."""
        return self.env.get_template(name).make_module(values)

    def compile_all(self) -> None:
        """Load every template now: done once before forking, rather than in every worker."""
        for name in self.env.list_templates():
            self.env.get_template(name)
