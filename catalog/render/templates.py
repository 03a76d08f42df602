"""The Jinja internals the render speed relies on, in one owned class.

Two things Jinja 3.1 does that the public API does not promise, both checked by
tests/render/test_templates.py so that a Jinja release that changes them fails a test rather
than silently slowing or breaking pages:

- `Template.globals` is what a render copies into every page's context, from a ChainMap over
  the environment's globals; replacing it with one flat dict, once every global is set, saves
  that ChainMap walk on each of 100,000 pages (benchmarks/README.md).
- `Template.make_module(vars)` gives a template's macros bound to `vars` (here `root`), so a
  shared piece renders once per page depth instead of once per page.

And one it changes: the code Jinja generates for `{{ value }}` calls `escape(value)`, which
MarkupSafe 3 runs as Python around its C core (a type test, then `Markup.__new__`, 0.3-0.4 us
a call). A page of the site makes about 90 such calls (2.9 million at 10,000 records), so
`Compiler` writes `environment.escape_output(` there instead: `escape_output` gives a plain
string its escaped Markup through the same C function and passes a Markup through untouched,
and hands anything else (numbers, None, objects with `__html__`) to MarkupSafe's own escape.
Same bytes (tests/render/test_templates.py compares both on every kind of value), a third of the
time.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2
import markupsafe
from jinja2.compiler import CodeGenerator

_escape_inner: Callable[[str], str] | None
try:  # MarkupSafe 3's C escaper of a str (the Python fallback has the same function)
    from markupsafe._speedups import _escape_inner
except ImportError:  # pragma: no cover - a MarkupSafe without it: its public escape, a little slower
    _escape_inner = None

_MARKUP = markupsafe.Markup
_new_str = str.__new__


def escape_output(value: Any) -> markupsafe.Markup:
    """markupsafe.escape(value), quicker for what templates mostly print: a str or a Markup."""
    cls = value.__class__
    if cls is str and _escape_inner is not None:
        return _new_str(_MARKUP, _escape_inner(value))
    if cls is _MARKUP:
        return value
    return markupsafe.escape(value)


class Compiler(CodeGenerator):
    """Jinja's code generator, printing a value through `environment.escape_output` where it would call
    `escape` (with autoescape on: every page of the site)."""

    def _output_child_pre(self, node: Any, frame: Any, finalize: Any) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
            self.write("environment.escape_output(")
            if finalize.src is not None:
                self.write(finalize.src)
            return
        super()._output_child_pre(node, frame, finalize)


COMPILED_PATTERN = "__jinja2_escape_output_%s.cache"  # compiled templates of Compiler; never those of Jinja's own


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
