"""The Jinja behaviour the render speed relies on (catalog/render/templates.py): a Jinja release
that changes it fails here rather than slowing or breaking every page in silence."""
from __future__ import annotations

import jinja2
import pytest

from catalog.render import make_env
from catalog.render.templates import PageTemplates


@pytest.fixture
def templates(tmp_path):
    (tmp_path / "page.html").write_text("{{ greeting }}, {{ name }}{% if n %} #{{ n|double }}{% endif %}")
    (tmp_path / "call.html").write_text("{{ twice(n) }}")
    (tmp_path / "_macros.html").write_text('{% macro link(path) %}<a href="{{ root }}{{ path }}">x</a>{% endmacro %}')
    env = make_env(tmp_path)
    env.globals["greeting"] = "Hello"
    env.filters["double"] = lambda value: value * 2
    env.globals["twice"] = lambda value: value * 2
    return PageTemplates(env)


def test_a_page_renders_the_same_with_its_globals_flattened(templates):
    plain = templates.env.get_template("page.html").render(name="Soyuz", n=2)
    assert templates.render("page.html", {"name": "Soyuz", "n": 2}) == plain == "Hello, Soyuz #4"


def test_jinja_reads_a_templates_own_globals_at_render(templates):
    # The flattening is only worth doing while Jinja copies Template.globals into each context.
    assert not isinstance(templates.env.get_template("page.html").globals, dict)  # a ChainMap in Jinja 3.1
    page = templates.get("page.html")
    assert type(page.globals) is dict
    page.globals["greeting"] = "Flattened"
    assert templates.render("page.html", {"name": "Soyuz", "n": 0}) == "Flattened, Soyuz"


def test_a_module_binds_its_macros_to_the_values_given(templates):
    assert str(templates.module("_macros.html", {"root": "../"}).link("search.html")) == '<a href="../search.html">x</a>'
    assert str(templates.module("_macros.html", {"root": ""}).link("search.html")) == '<a href="search.html">x</a>'


def test_filters_skip_context_call_and_globals_do_not(templates, monkeypatch):
    # Why the helpers are filters (catalog/render/__init__.py): a global function goes through
    # Context.call on every use, a filter is called directly.
    calls = []
    original = jinja2.runtime.Context.call

    def counting(self, *args, **kwargs):
        calls.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.runtime.Context, "call", counting)
    assert templates.render("page.html", {"name": "Soyuz", "n": 3}) == "Hello, Soyuz #6"
    assert calls == []
    assert templates.render("call.html", {"n": 3}) == "6"
    assert len(calls) == 1
