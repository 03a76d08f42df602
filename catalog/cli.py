"""The command line: `spacecraft-catalog` (installed by pip) and `python build.py` run main().

Only this module prints; it parses the options, shows the catalog's log records, calls
catalog.build.build() and turns a failure into one line on stderr.
"""
from __future__ import annotations

import argparse
import contextlib
import logging
import math
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .config import BuildOptions
    from .output.serve import Version

DESCRIPTION = """\
Build a static catalog of every spacecraft in Launch Library 2.

Without --fetch the build touches no network: it uses the data of the last
completed fetch in the cache, or else the sample snapshot shipped in content/.
With --fetch it first pulls every page of the API's spacecraft endpoint; a failed
or interrupted fetch leaves the cached data and the previous site as they were.
"""

EPILOG = """\
examples:
  spacecraft-catalog                    build output/ from local data, offline
  spacecraft-catalog --fetch            pull the live API, then build
  spacecraft-catalog --fetch --api-url https://lldev.thespacedevs.com/2.3.0/
  spacecraft-catalog --base-url https://USER.github.io/REPO/   add sitemap and canonical links
  spacecraft-catalog --serve --port 8080   build, then preview at http://127.0.0.1:8080/
  (python build.py takes the same options)

exit status: 0 on success, 1 on failure (one line on stderr says what failed), 2 on bad usage.
"""


def http_url(value: str) -> str:
    """argparse type: an absolute http(s) URL the catalog adds paths to, read as every parser reads it;
    the one place --api-url and --base-url are checked (catalog/data/weburl.py says what is refused)."""
    from .data import weburl

    try:
        return weburl.check_root(value)
    except weburl.UrlError as exc:  # the URL as shown never includes a password
        raise argparse.ArgumentTypeError(f"{weburl.shown(value)!r} {exc}") from None


def port_number(value: str) -> int:
    """argparse type: a TCP port, 0 to 65535."""
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (0 to 65535)")
    return int(value)


MAX_WAIT_LIMIT = 86400.0  # a day: longer than any rate limit worth waiting out in one build
RETRIES_LIMIT = 20  # with backoff, twenty retries already take minutes


def wait_seconds(value: str) -> float:
    """argparse type: seconds to wait, 0 to a day (nan, inf and negatives refused: nan compares false
    with every wait, so a rate-limited build would never give up)."""
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not 0 <= seconds <= MAX_WAIT_LIMIT:  # false for nan as well
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds from 0 to {MAX_WAIT_LIMIT:.0f}")
    return seconds


def retry_count(value: str) -> int:
    """argparse type: retries of a request, 0 to RETRIES_LIMIT."""
    if not value.isascii() or not value.isdigit() or int(value) > RETRIES_LIMIT:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of retries from 0 to {RETRIES_LIMIT}")
    return int(value)


def count_of(what: str, least: int) -> Callable[[str], int]:
    """argparse type: a whole number of `what`, at least `least`, in ASCII digits."""
    def parse(value: str) -> int:
        if not (value.isascii() and value.isdigit()) or int(value) < least:
            raise argparse.ArgumentTypeError(f"{value!r} is not a number of {what} (at least {least})")
        return int(value)

    return parse


def version() -> str:
    """The version of the code that runs: a clone's pyproject.toml says it, else the installed package's metadata."""
    from .config import ROOT

    if (ROOT / "pyproject.toml").is_file():  # python build.py, or an editable install (its metadata may be older)
        import tomllib

        return str(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"])
    from importlib.metadata import version as installed

    return installed("spacecraft-catalog")


class PrintVersion(argparse.Action):
    """--version: print `spacecraft-catalog X.Y.Z` and exit; the version is looked up only when asked."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=str(kwargs.get("help", "")))

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        print(f"spacecraft-catalog {version()}")
        parser.exit()


def parse_args(argv: list[str] | None = None, *, prog: str | None = None) -> argparse.Namespace:
    from .config import ANONYMOUS_BUDGET, DEFAULT_API_URL, FULL_REFRESH_DAYS

    parser = argparse.ArgumentParser(
        prog=prog, description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--config", metavar="FILE", type=Path, default=None,
                        help="the site's settings (default: spacecraft-catalog.toml in the working directory, "
                             "when there is one); options given here override the file's")
    parser.add_argument("--fetch", action="store_true",
                        help="pull every spacecraft from the API into the cache before building")
    parser.add_argument("--api-url", metavar="URL", default=os.environ.get("LL2_API_URL") or None,
                        help=f"API root (default: the config's api_url, else {DEFAULT_API_URL}; env LL2_API_URL)")
    parser.add_argument("--api-key", metavar="KEY", default=None,
                        help='sent as "Authorization: Token KEY" (default: the environment variable the config\'s '
                             "api_key_env names, LL2_API_KEY unless set); lifts the anonymous rate limit")
    parser.add_argument("--max-wait", metavar="SECONDS", type=wait_seconds, default=1800.0,
                        help="longest total time to wait out rate limiting (HTTP 429) before giving up, "
                             f"0 to {MAX_WAIT_LIMIT:.0f} (default %(default).0f)")
    parser.add_argument("--retries", metavar="N", type=retry_count, default=5,
                        help="retries of a request after a server error (5xx) or a dropped connection, "
                             f"with growing pauses, 0 to {RETRIES_LIMIT} (default %(default)s)")
    parser.add_argument("--request-budget", metavar="N", type=count_of("requests", 1), default=None,
                        help="most requests one run sends to the API, retries included; a crawl it cuts short "
                             "resumes on the next run (default: "
                             f"{ANONYMOUS_BUDGET} without --api-key, which fits the anonymous rate limit; "
                             "no cap with one)")
    parser.add_argument("--full-refresh", action="store_true",
                        help="crawl every endpoint whole, not only what can have changed (done every "
                             f"{FULL_REFRESH_DAYS} days anyway)")
    parser.add_argument("--max-records", metavar="N", type=count_of("records", 1), default=50_000,
                        help="most records one crawl may bring before it is stopped (default %(default)s)")
    parser.add_argument("--max-pages", metavar="N", type=count_of("pages", 1), default=5_000,
                        help="most pages one crawl may bring before it is stopped (default %(default)s)")
    parser.add_argument("--check-due", action="store_true",
                        help="only say whether a scheduled fetch is due (a crawl left part way, or a day "
                             "since the last one): prints due=true or due=false, for the Pages workflow")
    parser.add_argument("--cache", metavar="DIR", type=Path, default=None,
                        help="fetched data and downloaded files (default: the config's cache, else .cache/)")
    parser.add_argument("--out", metavar="DIR", type=Path, default=None,
                        help="where the site is written (default: the config's out, else output/)")
    parser.add_argument("--theme", metavar="DIR", type=Path, default=None,
                        help="a theme folder whose templates/ and static/ override the built-in ones by name "
                             "(default: the config's theme, else theme/ beside it when there is one)")
    parser.add_argument("--base-url", metavar="URL", type=http_url, default=None,
                        help="absolute URL the site is published at; adds sitemap.xml and canonical links, "
                             "and a --fetch whose cache has no history of changes first seeds it from the "
                             "published URL/changes.json")
    parser.add_argument("--no-seed", action="store_true",
                        help="with --fetch and --base-url, do not seed a missing history from the published "
                             "changes.json: the history starts again (after deleting CACHE/history/)")
    parser.add_argument("--serve", action="store_true",
                        help="after building, serve the site on localhost until Ctrl+C (a preview)")
    parser.add_argument("--watch", action="store_true",
                        help="with --serve: rebuild when a template, static file, Markdown page or the data "
                             "changes, and reload the open page")
    parser.add_argument("--port", metavar="N", type=port_number, default=8000,
                        help="port for --serve (default %(default)s; 0 picks a free one)")
    parser.add_argument("--force", action="store_true",
                        help="render every page even when nothing changed since the last build "
                             "(restores files deleted from the output by hand)")
    parser.add_argument("--licensed-only", action="store_true", default=None,
                        help="show a placeholder instead of any image without a known license (the credits "
                             "page says so); the license audit is licenses.html")
    parser.add_argument("--zip", action="store_true", default=None,
                        help="also write spacecraft-catalog.zip into the site: the whole site in one file "
                             "for visitors to download and open from disk (linked from the About page)")
    parser.add_argument("--strict", action="store_true",
                        help="fail, writing nothing, when the build warns (a skipped record, a missing image...)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print warnings and errors only")
    parser.add_argument("--debug", action="store_true",
                        help="show each stage with the time since start, and the full traceback of an unexpected error")
    parser.add_argument("--version", action=PrintVersion, help="print the version of spacecraft-catalog and exit")
    args = parser.parse_args(argv)
    if args.fetch and args.api_url:  # only a fetch uses it: a stray LL2_API_URL must not break an offline build
        try:
            http_url(args.api_url)
        except argparse.ArgumentTypeError as exc:
            parser.error(f"argument --api-url: {exc}")
    return args


def run(prog: str | None = None) -> None:
    """The command's entry point (`spacecraft-catalog`, `python build.py`): main(), then exit at once.

    A build leaves the gathered catalog in memory, millions of objects that an ordinary exit frees
    one by one before the process ends (0.2 s at 10,000 records; nothing is written then). Everything
    the build writes is closed and renamed before main() returns, so the process flushes its streams
    and logging and ends with os._exit. Tests call main() and keep the ordinary exit.
    """
    try:
        code = main(prog=prog)
    except SystemExit as exc:  # argparse's --help and usage errors; what Python does with the others
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    except KeyboardInterrupt:  # during the serve loop or before the build started
        code = 130
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe: nothing more can be said anyway
            stream.flush()
    os._exit(code)


def main(argv: list[str] | None = None, *, prog: str | None = None) -> int:
    """Run the command line (argv: the arguments, sys.argv[1:] by default); return the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["new"]:
        return new_site(argv[1:], prog=prog)
    args = parse_args(argv, prog=prog)
    if args.debug:  # every stage, stamped with the milliseconds since start: where a slow build goes
        level, style = logging.DEBUG, "%(relativeCreated)6.0f ms  %(message)s"
    else:
        level, style = (logging.WARNING, "%(levelname)s: %(message)s") if args.quiet else (logging.INFO, "%(message)s")
    show_logs(level, style)
    if not args.quiet:  # -q: warnings and errors, nothing else
        from . import progress

        interval = float(os.environ.get("SPACECRAFT_CATALOG_PROGRESS_SECONDS") or progress.INTERVAL)
        progress.enable(stream=sys.stderr, terminal=sys.stderr.isatty(), interval=interval)
    from .errors import CatalogError

    try:
        options = build_options(args)
    except CatalogError as exc:  # a bad config file: one line naming the file and the key, nothing written
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.check_due:
        return check_due(options.cache)
    from .build import build
    from .config import missing_built_in

    missing = missing_built_in()
    if missing is not None:  # an install or a clone that lost part of itself: nothing to build a site from
        print(f"error: {missing} is missing: this install of spacecraft-catalog is incomplete "
              "(reinstall it; in a clone, git checkout restores the file)", file=sys.stderr)
        return 1
    args.out = options.out
    started = time.perf_counter()
    # Under --watch, the inputs as they were before this build: an edit made while it runs starts a rebuild.
    inputs = watched_files(options.caches.data_file, options) if args.serve and args.watch else None
    try:
        report = build(options)
    except CatalogError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; the previous site is unchanged, and the cached data is the last complete crawl", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"error: {exc.strerror or exc} ({exc.filename or 'file system'})", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug, not bad input: one line unless asked for the traceback
        if args.debug:
            raise
        print(f"error: unexpected {type(exc).__name__}: {exc} (rerun with --debug for details)", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"built {report.pages} pages for {report.records} spacecraft into {args.out}/ "
              f"({report.written} files written) in {time.perf_counter() - started:.2f} s",
              file=sys.stderr)
    if inputs is not None:  # the watch rebuilds offline, from the data this run fetched (if it did)
        offline = options._replace(fetch=None)
        return serve(args.out, args.port, rebuild=lambda: build(offline), watching=inputs,
                     data=options.caches.data_file, options=options)
    return serve(args.out, args.port) if args.serve else 0


def build_options(args: argparse.Namespace) -> BuildOptions:
    """What the build is asked to do: the command line's options, else the config file's, else the defaults."""
    from . import settings as site_settings
    from .config import ANONYMOUS_BUDGET, PAGES, BuildOptions, FetchOptions

    found = site_settings.read(args.config)
    values, given = found.values, found.given
    theme = args.theme
    if theme is None and ("theme" in given or found.path("theme").is_dir()):
        theme = found.path("theme")  # the default theme/ beside the config is used only when it exists
    own_pages = found.root / "content" / "pages"
    fetch = None
    if args.fetch:
        api_key = args.api_key or os.environ.get(values["api_key_env"]) or None
        budget = args.request_budget
        if budget is None and not api_key:
            budget = ANONYMOUS_BUDGET
        fetch = FetchOptions(api_url=args.api_url or values["api_url"], api_key=api_key, max_wait=args.max_wait,
                             retries=args.retries, seed=not args.no_seed, request_budget=budget,
                             full_refresh=args.full_refresh, max_records=args.max_records,
                             max_pages=args.max_pages)
    return BuildOptions(
        out=args.out or found.path("out"), cache=args.cache or found.path("cache"),
        base_url=args.base_url or values["base_url"] or None, fetch=fetch, strict=args.strict, force=args.force,
        licensed_only=values["licensed_only"] if args.licensed_only is None else args.licensed_only,
        zip=values["zip"] if args.zip is None else args.zip,
        title=values["title"], description=values["description"],
        nav=tuple((label, path) for label, path in values["nav"]),
        list_page_size=values["list_page_size"], credits_page_size=values["credits_page_size"],
        changes_page_size=values["changes_page_size"],
        exports=values["exports"], offline_app=values["offline_app"], theme=theme,
        pages=own_pages if own_pages.is_dir() else PAGES,
    )


def new_site(argv: list[str], *, prog: str | None = None) -> int:
    """`spacecraft-catalog new DIR`: write a ready site folder (catalog/scaffold.py)."""
    parser = argparse.ArgumentParser(prog=f"{prog or 'spacecraft-catalog'} new",
                                     description="Start a site: write DIR with its config file (every key commented), "
                                                 "content/pages/about.md, an empty theme/, a .gitignore and a "
                                                 "GitHub Pages workflow.")
    parser.add_argument("dir", metavar="DIR", type=Path, help="the new site's folder: absent or empty")
    args = parser.parse_args(argv)
    from .errors import CatalogError
    from .scaffold import write_site

    try:
        written = write_site(args.dir)
    except CatalogError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc.strerror or exc} ({exc.filename or args.dir})", file=sys.stderr)
        return 1
    print(f"wrote a new site in {args.dir}/ ({len(written)} files): cd {args.dir} && spacecraft-catalog",
          file=sys.stderr)
    return 0


def check_due(cache: Path) -> int:
    """Print due=true or due=false (for $GITHUB_OUTPUT), and on stderr why."""
    from datetime import UTC, datetime

    from .config import CacheLayout
    from .data.api import due

    why = due(CacheLayout(cache), datetime.now(UTC))
    print(f"due={'true' if why else 'false'}")
    print(f"a fetch is due: {why}" if why else "nothing is due: no crawl is left part way, and the last fetch "
          "is less than a day old", file=sys.stderr)
    return 0


class _LineHandler(logging.StreamHandler):
    """Log lines on stderr that leave a progress bar whole (printed above it)."""

    def emit(self, record: logging.LogRecord) -> None:
        from .progress import write

        try:
            write(self.format(record), self.stream)
        except Exception:  # noqa: BLE001 - logging's own policy: report, never raise
            self.handleError(record)


def show_logs(level: int, style: str) -> None:
    """Print the project's own log records on stderr, and no library's: urllib3's "Retrying ..." lines,
    PIL's or Markdown's never reach the user, at any level (a failing URL gets its one warning from us)."""
    handler = _LineHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(style))
    ours = logging.getLogger("catalog")
    ours.setLevel(level)
    ours.addHandler(handler)
    # The libraries' records propagate to the root, which must have a handler, or logging's last
    # resort prints their warnings anyway; warnings.warn() calls become records there as well.
    logging.getLogger().addHandler(logging.NullHandler())
    logging.captureWarnings(True)


def serve(folder: Path, port: int, *, rebuild: Callable[[], object] | None = None,
          watching: dict[Path, float] | None = None, data: Path | None = None,
          options: BuildOptions | None = None) -> int:
    """Serve the built site on localhost until interrupted; with rebuild, rebuild it when its inputs
    change from `watching` (watched_files() before the first build) and have the open pages reload."""
    from .output.serve import Version, make_server, url_of

    version = Version() if rebuild else None
    try:
        server = make_server(folder, port=port, version=version)
    except OSError as exc:
        print(f"error: cannot serve on port {port}: {exc.strerror or exc} (try --port 0)", file=sys.stderr)
        return 1
    print(f"serving {folder}/ at {url_of(server)}index.html (Ctrl+C to stop)", file=sys.stderr, flush=True)
    if rebuild is not None and version is not None:
        seen = watching if watching is not None else watched_files(data, options)
        threading.Thread(target=watch, args=(rebuild, version, seen, data, options), name="watch", daemon=True).start()
    with server, contextlib.suppress(KeyboardInterrupt):  # Ctrl+C is how a preview ends
        server.serve_forever()
    return 0


def watched_files(data: Path | None, options: BuildOptions | None = None) -> dict[Path, float]:
    """The inputs a rebuild reads, with their modification times: templates, static files, pages, the theme, data."""
    from .config import PAGES, SNAPSHOT, STATIC, TEMPLATES

    found: dict[Path, float] = {}
    theme = (options.theme,) if options is not None and options.theme is not None else ()
    for folder in (TEMPLATES, STATIC, options.pages if options is not None else PAGES, *theme):
        for path in folder.rglob("*"):
            with contextlib.suppress(OSError):
                found[path] = path.stat().st_mtime_ns
    for file in (SNAPSHOT, data):
        if file is not None:
            found[file] = file.stat().st_mtime_ns if file.exists() else 0.0
    return found


def watch(rebuild: Callable[[], object], version: Version, seen: dict[Path, float], data: Path | None,
          options: BuildOptions | None = None, *, every: float = 0.5) -> None:
    """Poll the inputs every `every` seconds; rebuild when they differ from `seen`. A failed rebuild says
    why in one line and the last good site stays served."""
    from .errors import CatalogError

    while True:
        time.sleep(every)
        now = watched_files(data, options)
        if now == seen:
            continue
        seen = now
        print("a file changed: rebuilding", file=sys.stderr, flush=True)
        try:
            rebuild()
        except CatalogError as exc:
            print(f"error: {exc}; still serving the last good site", file=sys.stderr, flush=True)
            continue
        except OSError as exc:
            print(f"error: {exc.strerror or exc} ({exc.filename or 'file system'}); still serving the last good site",
                  file=sys.stderr, flush=True)
            continue
        except Exception as exc:  # noqa: BLE001 - a template error, say: keep the preview up
            print(f"error: {type(exc).__name__}: {exc}; still serving the last good site", file=sys.stderr, flush=True)
            continue
        version.bump()
        print("rebuilt: the open pages reload", file=sys.stderr, flush=True)
