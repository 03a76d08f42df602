"""The Jinja behaviour the render speed relies on (catalog/render/templates.py): a Jinja release
that changes it fails here rather than slowing or breaking every page in silence."""
from __future__ import annotations

import jinja2
import markupsafe
import pytest

from catalog.render import make_env
from catalog.render.templates import PageTemplates, escape_output


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


@pytest.fixture
def context_calls(monkeypatch):
    """What each render from now on calls through jinja2's Context.call, in order."""
    calls = []
    original = jinja2.runtime.Context.call

    def counting(self, *args, **kwargs):
        calls.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.runtime.Context, "call", counting)
    return calls


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


def test_filters_skip_context_call_and_globals_do_not(templates, context_calls):
    # Why the helpers are filters (catalog/render/__init__.py): a global function goes through
    # Context.call on every use, a filter is called directly.
    calls = context_calls
    assert templates.render("page.html", {"name": "Soyuz", "n": 3}) == "Hello, Soyuz #6"
    assert calls == []
    assert templates.render("call.html", {"n": 3}) == "6"
    assert len(calls) == 1


class Shown:
    """An object a template prints through str()."""

    def __init__(self, text):
        self.text = text

    def __str__(self):
        return self.text


class OwnHtml(Shown):
    """One that says its own HTML."""

    def __html__(self):
        return "<em>own html</em>"


class Tagged(markupsafe.Markup):
    pass


class Named(str):
    pass


VALUES = ["", "Soyuz TMA-12", "<b>R&D</b> \"quoted\" 'single'", "Ã©ÃŸ → 𝕏", markupsafe.Markup("<i>kept</i>"),
          Tagged("<i>tagged</i>"), Named("<named>"), 0, 12_345, -1.5, None, True, Shown("<plain>"),
          OwnHtml("x"), ["<list>"]]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_escape_output_is_markupsafes_escape(value):
    ours, theirs = escape_output(value), markupsafe.escape(value)
    assert ours == theirs
    assert isinstance(ours, markupsafe.Markup)


def test_pages_print_their_values_through_escape_output(tmp_path, monkeypatch):
    (tmp_path / "page.html").write_text("{{ text }}|{{ safe }}|{{ n }}{% macro m(v) %}[{{ v }}]{% endmacro %}|{{ m(text) }}")
    env = make_env(tmp_path)
    source = env.compile(env.loader.get_source(env, "page.html")[0], "page.html", raw=True)
    assert "environment.escape_output(" in source
    assert "escape(" not in source.replace("escape_output(", "")
    page = env.get_template("page.html")
    assert page.render(text="<a&b>", safe=markupsafe.Markup("<br>"), n=3) == "&lt;a&amp;b&gt;|<br>|3|[&lt;a&amp;b&gt;]"
    # The canary: what the page prints goes through the environment's escape_output, none other.
    monkeypatch.setattr(env, "escape_output", lambda value: markupsafe.Markup("X"))
    assert env.get_template("page.html").render(text="t", safe="s", n=1).startswith("X|X|X")


def test_templates_without_autoescape_print_plain_strings(tmp_path):
    (tmp_path / "page.txt").write_text("{{ text }}{% autoescape false %}/{{ text }}{% endautoescape %}")
    env = make_env(tmp_path)
    assert env.get_template("page.txt").render(text="<a>") == "&lt;a&gt;/<a>"


def test_a_run_of_output_is_yielded_once_and_renders_as_jinjas_own(tmp_path):
    # Every place Jinja generates output from: the top level, blocks of a base and a child, a loop, a
    # condition, a macro (a buffered frame), a set block, a call block, a filter block, output outside a
    # block of a child (dropped), constants folded at compile time, and values of every kind.
    (tmp_path / "base.html").write_text(
        "<title>{% block title %}{{ site }}{% endblock %}</title>\n<h1>{{ root }}{{ site }}</h1>"
        "{% block main %}{% endblock %}|{{ self.title()|trim }}|{{ 1 + 2 }}{{ 'a' ~ 'b' }}")
    (tmp_path / "child.html").write_text(
        '{% extends "base.html" %}{% from "_macros.html" import link %}outside {{ site }}'
        "{% block title %}{{ name }} · {{ super() }}{% endblock %}"
        "{% block main %}<ul>{% for item in items %}<li>{{ loop.index }}: {{ item }}{{ link(item, root) }}</li>"
        "{% endfor %}</ul>{% if n %}<p>{{ n }} / {{ n|double }}</p>{% else %}<p>none</p>{% endif %}"
        "{% set note %}{{ name }} & {{ site }}{% endset %}[{{ note }}]"
        "{% macro box() %}<div>{{ caller() }}{{ name }}</div>{% endmacro %}"
        "{% call box() %}<b>{{ n }}</b>{% endcall %}{% filter upper %}{{ name }} x{% endfilter %}{% endblock %}")
    (tmp_path / "_macros.html").write_text('{% macro link(path, root) %}<a href="{{ root }}{{ path }}">{% endmacro %}')
    ours = make_env(tmp_path)
    theirs = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path), autoescape=True, undefined=ours.undefined)
    values = {"site": "<Site & Co>", "root": "../", "name": markupsafe.Markup("<i>Vostok</i>"),
              "items": ["a<b", 3, None, markupsafe.Markup("<br>")], "n": 2.5}
    for env in (ours, theirs):
        env.filters["double"] = lambda value: value * 2
    for n in (2.5, 0):
        page = {**values, "n": n}
        assert ours.get_template("child.html").render(page) == theirs.get_template("child.html").render(page)
    # The canary: Jinja's own code yields the heading's pieces one by one, ours once, joined.
    heading = "yield environment.concat(("
    source = ours.compile(ours.loader.get_source(ours, "base.html")[0], "base.html", raw=True)
    stock = theirs.compile(theirs.loader.get_source(theirs, "base.html")[0], "base.html", raw=True)
    assert heading in source and heading not in stock
    assert source.count("\n    yield ") < stock.count("\n    yield ")


def test_templates_pages_import_macros_from_get_flat_globals_too(templates, tmp_path):
    # Jinja subtracts an imported template's globals from the page's on every render: cheap only over a dict.
    (tmp_path / "_plain.html").write_text("{% macro em(x) %}<em>{{ x }}</em>{% endmacro %}")
    (tmp_path / "uses.html").write_text('{% from "_plain.html" import em %}{{ em(name) }}')
    assert templates.render("uses.html", {"name": "<Vostok>"}) == "<em>&lt;Vostok&gt;</em>"
    imported = templates.env.get_template("_plain.html")  # loaded by that render (Jinja makes a ChainMap)...
    assert type(imported.globals) is dict  # ...and flattened after it
    assert templates.render("uses.html", {"name": "Soyuz"}) == "<em>Soyuz</em>"


def test_a_macro_is_called_directly_and_renders_as_through_context_call(tmp_path, request):
    # Every way a template calls something: a macro with positional, keyword and default arguments,
    # extra positional and keyword ones, a macro given a caller, calls inside a loop and a block, one
    # macro's output as another's argument, and a global function that takes the context (which must
    # still see the loop's variable through Context.call) and a plain one.
    (tmp_path / "_macros.html").write_text(
        '{% macro link(path, label="home", root="") %}<a href="{{ root }}{{ path }}">{{ label }}</a>{% endmacro %}'
        "{% macro all() %}{{ varargs|join(',') }};{{ kwargs|dictsort|join(',') }}{% endmacro %}")
    (tmp_path / "base.html").write_text("{% block main %}{% endblock %}")
    (tmp_path / "page.html").write_text(
        '{% extends "base.html" %}{% from "_macros.html" import link, all %}'
        "{% macro box(title) %}<div>{{ title }}:{{ caller(1) }}</div>{% endmacro %}"
        "{% block main %}{{ link('a.html') }}{{ link('b.html', 'B & b', root='../') }}{{ all(1, 2, x=3) }}"
        "{% for item in items %}{% set shown = item ~ '!' %}{{ link(item, label=shown) }}{{ seen() }}{% endfor %}"
        "{% call(n) box(link('c.html')) %}<b>{{ n }}{{ title }}</b>{% endcall %}{{ plain('<x>') }}{% endblock %}")

    @jinja2.pass_context
    def seen(context):
        return context.get("shown", "-")

    values = {"items": ["x<y", "z"], "title": "<T>"}
    ours = make_env(tmp_path)
    theirs = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path), autoescape=True, undefined=ours.undefined)
    for env in (ours, theirs):
        env.globals.update(seen=seen, plain=lambda text: text.upper())
    expected = theirs.get_template("page.html").render(values)
    assert "x&lt;y!" in expected and "<b>1&lt;T&gt;</b>" in expected and "1,2;(&#39;x&#39;, 3)" in expected
    calls = request.getfixturevalue("context_calls")  # counted from here, after the stock render above
    assert ours.get_template("page.html").render(values) == expected
    # The canary: only what is not a macro went through Context.call (seen twice, plain once, caller once).
    assert sorted(getattr(c, "__name__", type(c).__name__) for c in calls) == ["<lambda>", "Macro", "seen", "seen"]
