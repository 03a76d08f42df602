"""The site's own settings: `spacecraft-catalog.toml`, read with the standard library's tomllib.

One table, KEYS, says every key: its type, its default and what it means. The reader checks a
file against it (an unknown key, a wrong type or a bad value is one line naming the file and the
key, with the closest valid key suggested), `spacecraft-catalog new` writes its commented config
from it, and docs/configuration.md describes it: they cannot drift apart.

Standard library only: the command line reads the file before a build knows whether it has
anything to do, above the lazy-import boundary (catalog/build.py).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from .config import DEFAULT_API_URL, DEFAULT_DESCRIPTION, DEFAULT_TITLE
from .errors import CatalogError

FILE_NAME = "spacecraft-catalog.toml"
MAX_PAGE_SIZE = 10_000


class Key(NamedTuple):
    """One key of the config file: its TOML type, its default, what it means and how it is checked."""

    name: str
    kind: type
    default: Any
    meaning: str
    check: Callable[[Any], str | None] | None = None  # why a value is refused, or None

    @property
    def type_name(self) -> str:
        return {str: "string", int: "integer", bool: "boolean", list: "array"}[self.kind]


def _url(value: str) -> str | None:
    from .data import weburl  # standard library only

    try:
        weburl.check_root(value)
    except weburl.UrlError as exc:
        return f"{weburl.shown(value)!r} {exc}"
    return None


_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KEY_LIKE = re.compile(r"(?=.*[0-9])(?=.*[A-Za-z])[A-Za-z0-9]{24,}")  # a long run of letters and digits, as tokens are


def _env_name(value: str) -> str | None:
    if _KEY_LIKE.fullmatch(value):
        return ("looks like an API key itself: give the name of the environment variable that holds the key "
                "(LL2_API_KEY), never the key (the file is committed and the key would be published)")
    if not _ENV_NAME.fullmatch(value):
        return f"{value!r} is not an environment variable name (letters, digits and _)"
    return None


def _page_size(value: int) -> str | None:
    return None if 1 <= value <= MAX_PAGE_SIZE else f"{value} is not a page size from 1 to {MAX_PAGE_SIZE}"


def _folder(value: str) -> str | None:
    return None if value.strip() else "is empty: give a folder"


def _text(value: str) -> str | None:
    return None if value.strip() and "\n" not in value else "must be one non-empty line"


def _nav(value: list[Any]) -> str | None:
    for entry in value:
        if not (isinstance(entry, list) and len(entry) == 2 and all(isinstance(v, str) and v.strip() for v in entry)):
            return f"{entry!r} is not a [label, path] pair of two non-empty strings"
        path = entry[1]
        if path.startswith(("http://", "https://")):
            continue
        if path.startswith("/") or "://" in path or ".." in path.split("/") or "\\" in path:
            return (f"{path!r} is not a path inside the site (relative, like \"about.html\") "
                    "nor an http(s) URL: the site must work under a sub-path and from file://")
    return None


# Every key of spacecraft-catalog.toml, in the order `new` writes them.
KEYS = (
    Key("title", str, DEFAULT_TITLE, "the site's name: in every page's header and title, the installed app's name, "
        "the feed's title, the citations and the data package",
        _text),
    Key("description", str, DEFAULT_DESCRIPTION, "the pages' meta description (and link previews') where a page has "
        "none of its own", _text),
    Key("base_url", str, "", "where the site is published (https://USER.github.io/REPO/): adds sitemap.xml, "
        "canonical links and link previews; empty: relative links only (--base-url)",
        lambda v: _url(v) if v else None),
    Key("api_url", str, DEFAULT_API_URL, "the API root --fetch reads (--api-url; env LL2_API_URL)", _url),
    Key("api_key_env", str, "LL2_API_KEY", "the NAME of the environment variable holding the API key; never the "
        "key itself, which a committed file would publish (--api-key)", _env_name),
    Key("nav", list, [], "the header's navigation: [[label, path-or-URL], ...]; empty: the built-in sections",
        _nav),
    Key("list_page_size", int, 100, "spacecraft cards per list or group page", _page_size),
    Key("credits_page_size", int, 50, "images per page of the credits and license pages", _page_size),
    Key("changes_page_size", int, 100, "events per page of changes.html (the history)", _page_size),
    Key("zip", bool, False, "also publish spacecraft-catalog.zip, the whole site in one file (--zip)"),
    Key("exports", bool, True, "publish the data downloads: data.html, data/*.csv and *.json, datapackage.json, "
        "the citation files"),
    Key("offline_app", bool, True, "publish the installable offline app: manifest.webmanifest and the service worker"),
    Key("licensed_only", bool, False, "show a placeholder instead of any image without a known license "
        "(--licensed-only)"),
    Key("theme", str, "theme", "the theme folder, beside this file: its templates/ and static/ override the "
        "built-in files by name (--theme)", _folder),
    Key("out", str, "output", "where the site is written, beside this file (--out)", _folder),
    Key("cache", str, ".cache", "fetched data and downloaded images, beside this file (--cache)", _folder),
)
BY_NAME = {key.name: key for key in KEYS}


class Settings(NamedTuple):
    """A config file's values, every key present (defaults filled in), and where the file is."""

    values: dict[str, Any]
    root: Path  # the folder of the config file (or the working directory): relative paths start there
    file: Path | None  # None: no config file, every value is the default
    given: frozenset[str] = frozenset()  # the keys the file sets

    def path(self, name: str) -> Path:
        """A folder key (out, cache, theme) as a path, relative to the config file's folder."""
        return self.root / self.values[name]


def read(config: Path | None = None, *, cwd: Path | None = None) -> Settings:
    """The settings of `config`, or of spacecraft-catalog.toml in `cwd` when there is one, else the defaults."""
    if config is None:
        found = cwd / FILE_NAME if cwd is not None else Path(FILE_NAME)  # named in messages as the user knows it
        if not found.is_file():
            return Settings(defaults(), cwd or Path(), None)
        config = found
    table = load(config)
    values = defaults()
    for name, value in table.items():
        values[name] = checked(config, name, value)
    settings = Settings(values, config.parent, config, frozenset(table))
    check_out(settings)
    return settings


def defaults() -> dict[str, Any]:
    return {key.name: list(key.default) if isinstance(key.default, list) else key.default for key in KEYS}


def load(config: Path) -> dict[str, Any]:
    """The file's table; unreadable or invalid TOML is one line naming the file and where."""
    import tomllib  # only for a site with a config file: a build without one does not load it

    try:
        with config.open("rb") as src:
            return tomllib.load(src)
    except FileNotFoundError:
        raise CatalogError(f"{config}: no such config file") from None
    except IsADirectoryError:
        raise CatalogError(f"{config}: is a folder, not a config file") from None
    except OSError as exc:
        raise CatalogError(f"{config}: cannot read the config file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise CatalogError(f"{config}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{config}: not valid TOML: {exc}") from None


def checked(config: Path, name: str, value: Any) -> Any:
    """value, when key `name` exists and takes it; else one line naming the file and the key."""
    key = BY_NAME.get(name)
    if key is None:
        import difflib  # only to suggest a key

        close = difflib.get_close_matches(name, BY_NAME, n=1)
        hint = f' (did you mean "{close[0]}"?)' if close else f" (the keys: {', '.join(BY_NAME)})"
        raise CatalogError(f'{config}: unknown key "{name}"{hint}')
    if type(value) is not key.kind:  # exactly: TOML's true is not an integer here, nor 1 a boolean
        article = "an" if key.type_name[0] in "aeiou" else "a"
        raise CatalogError(f'{config}: key "{name}" must be {article} {key.type_name}, not {toml_type(value)}')
    why = key.check(value) if key.check else None
    if why:
        raise CatalogError(f'{config}: key "{name}": {why}')
    return value


def toml_type(value: Any) -> str:
    names = {str: "a string", int: "an integer", bool: "a boolean", float: "a float", list: "an array",
             dict: "a table"}
    return names.get(type(value), type(value).__name__)


def check_out(settings: Settings) -> None:
    """Refuse an `out` that is the cache or the content folder, inside one, or around one: a build replaces
    the whole output folder."""
    if "out" not in settings.given:
        return
    out = settings.path("out").resolve()
    for name, folder in (("the cache", settings.path("cache")), ("the content folder", settings.root / "content")):
        folder = folder.resolve()
        if out == folder or out.is_relative_to(folder) or folder.is_relative_to(out):
            raise CatalogError(f'{settings.file}: key "out": {settings.values["out"]!r} is, holds or is inside '
                               f"{name} ({folder}): a build replaces the whole output folder; keep the site apart")


# --- The commented config `spacecraft-catalog new` writes ------------------------------------------

def toml_value(value: Any) -> str:
    """A value as TOML (the types of KEYS only)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def commented_config(nav: tuple[tuple[str, str], ...] = ()) -> str:
    """Every key, commented out with its default and what it means: uncomment a line to change it."""
    lines = [f"# {FILE_NAME}: the settings of this site (docs/configuration.md in the project).",
             "# Every key is shown with its default, commented out: uncomment a line to change it.",
             "# Command-line options override this file; relative folders start beside it.", ""]
    for key in KEYS:
        default = [list(entry) for entry in nav] if key.name == "nav" and nav else key.default
        lines += [f"# {key.name} ({key.type_name}): {key.meaning}", f"# {key.name} = {toml_value(default)}", ""]
    return "\n".join(lines)
