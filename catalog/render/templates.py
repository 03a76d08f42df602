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

And where a page's text is produced by a generator (the top level and the blocks, not macros),
Jinja yields each piece of an output run on its own: `<link href="{{ root }}{{ urls.x }}">` is
five yields, each passed up through the block's, the child's and the base template's generators
(about 140 a page). `Compiler` yields the run as one joined string instead, as Jinja itself does
in a buffered frame (a macro, a `set` block): the same pieces, escaped the same way, joined in the
same order; about a sixth of a detail page's render time (benchmarks/README.md).

And a call in a template (`{{ facts(view.launch) }}`) goes through `Context.call`, which looks at
what it calls (does it take the context?) and drops the loop's and block's variables it was handed
before calling it. A macro takes neither, so `Compiler` calls a Macro directly and anything else
through `Context.call` as Jinja does (tests/render/test_templates.py renders every kind of call both
ways): 8 % of a flight page's render, which calls three macros.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2
import markupsafe
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, optimizeconst

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
    `escape` (with autoescape on: every page of the site), and yielding each run of output as one string."""

    def visit_Output(self, node: Any, frame: Any) -> None:  # noqa: N802 - Jinja's visitor name
        """Jinja's visit_Output (3.1), but an unbuffered run of several pieces is one
        `yield environment.concat((a, b, ...))`, written as Jinja writes a buffered run's `extend((...))`."""
        if frame.buffer is not None or frame.require_output_check:
            super().visit_Output(node, frame)  # a macro or a set block, or output outside a block
            return
        finalize = self._make_finalize()
        body: list[Any] = []  # as Jinja: runs of constant text joined at compile time, else nodes
        for child in node.nodes:
            try:
                if not (finalize.const or isinstance(child, nodes.TemplateData)):
                    raise nodes.Impossible()
                const = self._output_child_to_const(child, frame, finalize)
            except (nodes.Impossible, Exception):  # noqa: BLE001 - as Jinja: a runtime error, raised when rendered
                body.append(child)
                continue
            if body and isinstance(body[-1], list):
                body[-1].append(const)
            else:
                body.append([const])
        if len(body) < 2:
            super().visit_Output(node, frame)
            return
        self.writeline("yield environment.concat((")
        self.indent()
        for item in body:
            if isinstance(item, list):
                self.writeline(self._output_const_repr(item) + ",")
            else:
                self.newline(item)
                self._output_child_pre(item, frame, finalize)
                self.visit(item, frame)
                self._output_child_post(item, frame, finalize)
                self.write(",")
        self.outdent()
        self.writeline("))")

    @optimizeconst
    def visit_Call(self, node: Any, frame: Any, forward_caller: bool = False) -> None:  # noqa: N802 - Jinja's visitor name
        """A call of a macro (`{{ facts(view.launch) }}`) goes to the macro itself; anything else, as in
        Jinja, through `context.call`, which looks at what it calls first (pass_context...) and takes the
        loop's and block's variables for it, none of which a Macro uses: a quarter of the cost of a call.
        (Context.call also turns a StopIteration raised by what it calls into an undefined value; a macro
        runs the template's own code, which raises none.)"""
        if forward_caller or self.environment.is_async or self.environment.sandboxed:
            super().visit_Call(node, frame, forward_caller=forward_caller)
            return
        self.write("(_jm(*()")  # `f(*(), a, b=c)`: signature() writes each argument after a comma
        self.signature(node, frame)
        self.write(") if (_jm := ")
        self.visit(node.node, frame)
        self.write(").__class__ is Macro else context.call(_jm")
        extra = {"_loop_vars": "_loop_vars"} if frame.loop_frame else {}
        if frame.block_frame:
            extra["_block_vars"] = "_block_vars"
        self.signature(node, frame, extra or None)
        self.write("))")

    def _output_child_pre(self, node: Any, frame: Any, finalize: Any) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
            self.write("environment.escape_output(")
            if finalize.src is not None:
                self.write(finalize.src)
            return
        super()._output_child_pre(node, frame, finalize)


COMPILED_PATTERN = "__jinja2_direct_macros_%s.cache"  # compiled templates of Compiler; never those of Jinja's own


class PageTemplates:
    """Page templates of one environment, each loaded once with its globals flattened."""

    def __init__(self, env: jinja2.Environment) -> None:
        self.env = env
        self._pages: dict[str, jinja2.Template] = {}

    def get(self, name: str) -> jinja2.Template:
        """The template, loaded once; its globals flattened into one dict (every global is set by now),
        and those of the templates loaded so far (the ones pages import macros from)."""
        page = self._pages.get(name)
        if page is None:
            page = self._pages[name] = self.env.get_template(name)
            self._flatten()
        return page

    def _flatten(self) -> None:
        """Give every loaded template one flat dict of globals. A page that imports macros (`{% from
        "_partials.html" import facts %}`) has Jinja subtract the imported template's globals from its
        own on every render; over a ChainMap that is a Python loop (8 us a page), over a dict one C call."""
        cache = self.env.cache
        for template in (cache.values() if cache is not None else self._pages.values()):
            if type(template.globals) is not dict:
                template.globals = dict(template.globals)

    def render(self, name: str, context: dict[str, Any], **extra: Any) -> str:
        page = self._pages.get(name)
        if page is not None:
            return page.render(context, **extra)
        text = self.get(name).render(context, **extra)
        self._flatten()  # the templates its first render loaded (base.html, _partials.html...)
        return text

    def module(self, name: str, values: dict[str, Any]) -> Any:
        """The macros of template `name`, with `values` (e.g. root) defined for them."""
        return self.env.get_template(name).make_module(values)

    def compile_all(self) -> None:
        """Load every template now: done once before forking, rather than in every worker."""
        for name in self.env.list_templates():
            self.env.get_template(name)
        self._flatten()
