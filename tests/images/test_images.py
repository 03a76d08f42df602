"""Images: downloads through the fake LL2, thumbnails of messy inputs, placeholders and credits in the HTML."""
from __future__ import annotations

import io
import logging
import struct
import subprocess
import sys
import warnings
import zlib
from pathlib import Path

import pytest
from base import ROOT, Element, build_site, config, fetch_options, image, parse, spacecraft
from PIL import Image as PILImage

from catalog.data import transport
from catalog.images import download as img_download
from catalog.images import resize as img_resize
from catalog.images import settings as img_settings
from catalog.images import store as img_store

# --- Images made in code ------------------------------------------------------------------------

def encode(im: PILImage.Image, fmt: str, **options) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **options)
    return buf.getvalue()


def halves(size: tuple[int, int], left: str, right: str, mode: str = "RGB") -> PILImage.Image:
    """An image whose left half is one colour and right half another (to see rotations)."""
    im = PILImage.new(mode, size, left)
    im.paste(PILImage.new(mode, (size[0] - size[0] // 2, size[1]), right), (size[0] // 2, 0))
    return im


def photo(size=(1000, 750), color="navy") -> bytes:
    return encode(PILImage.new("RGB", size, color), "JPEG", quality=90)


def cmyk_jpeg() -> bytes:
    return encode(PILImage.new("CMYK", (1000, 750), (0, 255, 255, 0)), "JPEG")  # pure red in CMYK


def alpha_png() -> bytes:
    im = PILImage.new("RGBA", (600, 400), (0, 0, 0, 0))  # transparent, with an opaque green square
    im.paste(PILImage.new("RGBA", (200, 200), (0, 160, 0, 255)), (200, 100))
    return encode(im, "PNG")


def palette_gif() -> bytes:
    im = PILImage.new("P", (500, 500), 0)
    im.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    im.paste(1, (0, 0, 250, 500))
    return encode(im, "GIF", transparency=0)


def animated_gif() -> bytes:
    frames = [PILImage.new("RGB", (400, 300), c) for c in ("red", "blue", "lime")]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def rotated_jpeg() -> bytes:
    """Stored landscape, left red and right blue; EXIF orientation 6 shows it portrait, red on top."""
    exif = PILImage.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "Secret Camera Inc."
    return encode(halves((1200, 600), "red", "blue"), "JPEG", exif=exif.tobytes(), quality=95)


def grey16_png() -> bytes:
    return encode(PILImage.new("I;16", (300, 200), 40000), "PNG")


def bomb_png(width: int = 40000, height: int = 40000) -> bytes:
    """A PNG whose header claims a huge size: it must be refused before any pixel is decoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + chunk(b"IEND", b""))


def truncated_jpeg() -> bytes:
    noisy = PILImage.effect_noise((800, 600), 64).convert("RGB")
    data = encode(noisy, "JPEG", quality=90)
    return data[: len(data) // 3]


HTML = b"<!DOCTYPE html><html><body><h1>Access denied</h1></body></html>"


# --- Thumbnails of messy inputs -----------------------------------------------------------------

Made = dict[int, tuple[PILImage.Image, PILImage.Image]]  # width -> (WebP, JPEG)


def render(tmp_path: Path, data: bytes) -> tuple[img_store.ThumbEntry, Made]:
    """Run the worker on data; return its result and, per width, the WebP and JPEG it wrote."""
    source = tmp_path / "source"
    source.write_bytes(data)
    out = tmp_path / "thumbs"
    out.mkdir()
    result = img_resize.resize_job(str(source), str(out), "stem")
    made = {}
    for width, _ in result.sizes:
        webp, jpeg = img_settings.thumb_names("stem", width)
        made[width] = (PILImage.open(out / webp), PILImage.open(out / jpeg))
    return result, made


@pytest.mark.parametrize("data, sizes", [
    (photo(), [[320, 240], [800, 600]]),
    (cmyk_jpeg(), [[320, 240], [800, 600]]),
    (alpha_png(), [[320, 213], [600, 400]]),  # never upscaled: 600 px wide at most
    (palette_gif(), [[320, 320], [500, 500]]),
    (animated_gif(), [[320, 240], [400, 300]]),
    (rotated_jpeg(), [[240, 480], [600, 1200]]),  # portrait once the EXIF orientation is applied
    (photo((100, 2000)), [[24, 480], [60, 1200]]),  # very tall: held to 1.5 times its width's box
    (photo((40, 30)), [[40, 30]]),  # tiny: one rendition, its own size
    (grey16_png(), [[300, 200]]),
], ids=["jpeg", "cmyk", "png-alpha", "gif-palette", "gif-animated", "exif-rotated", "tall", "tiny", "grey16"])
def test_messy_inputs_become_rgb_webp_and_jpeg_of_the_right_size(tmp_path, data, sizes):
    result, made = render(tmp_path, data)
    assert result == img_store.ThumbEntry(sizes=tuple(map(tuple, sizes)))
    for width, height in sizes:
        webp, jpeg = made[width]
        assert (webp.format, jpeg.format) == ("WEBP", "JPEG")
        assert webp.size == jpeg.size == (width, height)
        assert webp.mode == jpeg.mode == "RGB"
        assert not jpeg.getexif() and "icc_profile" not in jpeg.info and "exif" not in webp.info


def pixel(im: PILImage.Image, x: float, y: float) -> tuple[int, int, int]:
    return im.convert("RGB").getpixel((int(x * (im.width - 1)), int(y * (im.height - 1))))


def near(color: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(color, expected, strict=True))


def test_what_the_thumbnails_show(tmp_path):
    cases = {
        "cmyk": (cmyk_jpeg(), [((0.5, 0.5), (255, 0, 0))]),
        "alpha": (alpha_png(), [((0.05, 0.05), img_settings.BACKGROUND), ((0.5, 0.5), (0, 160, 0))]),
        "palette": (palette_gif(), [((0.25, 0.5), (0, 0, 255)), ((0.75, 0.5), img_settings.BACKGROUND)]),
        "animated": (animated_gif(), [((0.5, 0.5), (255, 0, 0))]),  # the first frame
        "rotated": (rotated_jpeg(), [((0.5, 0.1), (255, 0, 0)), ((0.5, 0.9), (0, 0, 255))]),
        "grey16": (grey16_png(), [((0.5, 0.5), (156, 156, 156))]),  # 40000 / 256, not clipped to white
    }
    for name, (data, checks) in cases.items():
        folder = tmp_path / name
        folder.mkdir()
        _, made = render(folder, data)
        for webp, jpeg in made.values():
            for (x, y), expected in checks:
                for im in (webp, jpeg):
                    assert near(pixel(im, x, y), expected), (name, im.format, (x, y), pixel(im, x, y))


@pytest.mark.parametrize("data, reason", [
    (bomb_png(), "too many pixels"),
    (truncated_jpeg(), "unreadable image"),
    (HTML, "unreadable image"),
    (b"", "unreadable image"),
])
def test_bad_sources_fail_with_a_reason_and_write_nothing(tmp_path, data, reason):
    result, made = render(tmp_path, data)
    assert reason in (result.error or "")
    assert not made and not list((tmp_path / "thumbs").iterdir())


def test_bombs_are_refused_from_the_header_without_decoding(tmp_path):
    # 40000 x 40000 x 3 bytes would need 4.8 GB: refusing it from the header is the only way to pass.
    with pytest.raises(img_download.ImageError, match="too many pixels"):
        img_download.check_header(bomb_png())
    with pytest.raises(img_download.ImageError, match="over the limit"), warnings.catch_warnings():
        warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)  # as the download threads do
        img_download.check_header(bomb_png(8000, 7000))  # between the limit and twice it: Pillow only warns
    source = _write(tmp_path, bomb_png(8000, 7000))
    assert "too many pixels" in img_resize.resize_job(str(source), str(tmp_path), "s").error


def _write(folder: Path, data: bytes) -> Path:
    path = folder / "src.png"
    path.write_bytes(data)
    return path


def test_rendition_sizes_never_upscale_and_drop_duplicates():
    assert img_resize.rendition_sizes((4000, 3000)) == [(320, 240), (800, 600)]
    assert img_resize.rendition_sizes((500, 375)) == [(320, 240), (500, 375)]
    assert img_resize.rendition_sizes((320, 240)) == [(320, 240)]
    assert img_resize.rendition_sizes((1, 1)) == [(1, 1)]
    assert img_resize.rendition_sizes((10000, 10)) == [(320, 1), (800, 1)]


def test_sniff_knows_images_by_their_first_bytes():
    assert img_download.sniff(photo()) == "jpg"
    assert img_download.sniff(alpha_png()) == "png"
    assert img_download.sniff(animated_gif()) == "gif"
    assert img_download.sniff(encode(PILImage.new("RGB", (8, 8)), "WEBP")) == "webp"
    assert img_download.sniff(HTML) is None
    assert img_download.sniff(b"") is None


def test_thumbnail_names_follow_the_source_bytes_and_the_parameters(monkeypatch):
    stem = img_settings.thumb_stem("abc")
    assert stem == img_settings.thumb_stem("abc") != img_settings.thumb_stem("abd")
    monkeypatch.setattr(img_settings, "PARAMS", img_settings.PARAMS + " sharper")
    assert img_settings.thumb_stem("abc") != stem


# --- Downloading --------------------------------------------------------------------------------

GENEROUS = 30.0  # seconds: a good download on loopback is never late, however loaded the machine


def test_download_refuses_huge_bodies_html_and_errors(fake_api):
    session = transport.make_session(fetch_options(fake_api.url))
    good = fake_api.add_file("/media/ok.jpg", photo())
    huge = fake_api.add_file("/media/huge.jpg", photo((2000, 1500)) + b"\0" * 50_000)
    html = fake_api.add_file("/media/html.jpg", HTML, "image/jpeg")
    assert img_download.download(session, good, timeout=GENEROUS, max_bytes=100_000) == (photo(), "jpg")
    with pytest.raises(img_download.ImageError, match="too big"):
        img_download.download(session, huge, timeout=GENEROUS, max_bytes=40_000)
    with pytest.raises(img_download.ImageError, match="an HTML page"):
        img_download.download(session, html, timeout=GENEROUS)
    with pytest.raises(img_download.ImageError, match="HTTP 404"):
        img_download.download(session, fake_api.origin + "/media/gone.jpg", timeout=GENEROUS)
    fake_api.fault("/media/ok.jpg", "503")
    with pytest.raises(img_download.TransientError, match="HTTP 503"):
        img_download.download(session, good, timeout=GENEROUS)


def test_the_api_key_is_not_sent_to_image_hosts(fake_api, loopback, tmp_path):
    url = loopback.reply("/media/ok.jpg", photo(), "image/jpeg")  # an image host that shows what it received
    fake_api.records = [spacecraft(1, "Soyuz 1", cfg=config(1, "Soyuz", image=None),
                                   image=image(1, url=url, thumb=None))]
    build_site(tmp_path / "out", tmp_path / "cache", api=fake_api, api_key="SECRET")
    [headers] = loopback.headers_of("/media/ok.jpg")
    assert "authorization" not in headers, headers
    assert "SECRET" not in str(headers)
    assert len(parse(tmp_path / "out/spacecraft/soyuz-1.html").pictures()) == 1  # and the image did arrive


def test_an_image_that_never_arrives_times_out_and_shows_a_placeholder(fake_api, loopback, tmp_path, caplog):
    url = loopback.hold("/media/slow.jpg")  # answers only once the test is over: the client must give up first
    fake_api.records = [spacecraft(1, "Slow", cfg=config(1, "Soyuz", image=None), image=image(1, url=url, thumb=None))]
    build_site(tmp_path / "out", tmp_path / "cache", api=fake_api, timeout=1.0)  # the API's pages come at once
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "spacecraft Slow" in warning and f"{url}: timed out" in warning, warning
    page = parse(tmp_path / "out/spacecraft/slow.html")
    assert page.pictures() == [] and page.placeholders() == ["Slow: a drawing of a capsule, not a photograph"]
    assert len(loopback.headers_of("/media/slow.jpg")) == 1


# --- Whole builds against the fake LL2 ----------------------------------------------------------

BAD = {  # name -> (image file, content type, what the warning says after the URL)
    "Missing": (None, None, ": HTTP 404"),
    "Webpage": (HTML, "image/jpeg", ": an HTML page"),
    "Bomb": (bomb_png(), "image/png", ": refused: too many pixels"),
    "Truncated": (truncated_jpeg(), "image/jpeg", " could not be resized"),
    "Flaky": (photo(), "image/jpeg", ": HTTP 503"),  # a transient failure: tried again on the next --fetch
    "Offline": (None, None, ": connection failed"),
}
OFFLINE = "http://127.0.0.1:9/media/offline.jpg"  # the discard port: nothing listens there


def bad_url(fake_api, name: str) -> str:
    return OFFLINE if name == "Offline" else f"{fake_api.origin}/media/{name.lower()}.img"


@pytest.fixture
def served(fake_api):
    """Spacecraft whose images the fake LL2 serves: good, shared, fallbacks and every bad case."""
    def add(path, data, ctype="image/jpeg"):
        return fake_api.add_file(path, data, ctype)

    shared = add("/media/soyuz.jpg", photo(color="navy"))
    config_img = image(10, url=shared, thumb=None, credit="NASA", license_name="Public Domain",
                       license_link="https://www.nasa.gov/multimedia/guidelines/index.html")
    soyuz = config(1, "Soyuz", img=config_img)
    plain = config(2, "Vostok", image=None)
    records = [spacecraft(i, f"Soyuz {i}", cfg=soyuz, image=None) for i in (1, 2, 3)]
    records.append(spacecraft(4, "Alpha", cfg=plain, image=image(
        11, url=add("/media/alpha.png", alpha_png(), "image/png"), thumb=None, credit=None,
        license_name="CC BY-SA 4.0", license_link="https://creativecommons.org/licenses/by-sa/4.0/")))
    records.append(spacecraft(5, "Fallback", cfg=plain, image=image(
        12, url=fake_api.origin + "/media/gone.jpg",
        thumb=add("/media/fallback_thumb.gif", animated_gif(), "image/gif"))))
    for number, (name, data, ctype) in enumerate([
        ("Rotated", rotated_jpeg(), "image/jpeg"), ("Cmyk", cmyk_jpeg(), "image/jpeg"),
        ("Palette", palette_gif(), "image/gif"), ("Tall", photo((100, 2000)), "image/jpeg"),
        ("Tiny", photo((40, 30)), "image/jpeg"), ("Untyped", photo(color="teal"), "application/octet-stream"),
    ], start=6):
        url = add(f"/media/{name.lower()}", data, ctype)
        records.append(spacecraft(number, name, cfg=plain, image=image(number + 7, url=url, thumb=None)))
    for number, (name, (data, ctype, _)) in enumerate(BAD.items(), start=20):
        url = bad_url(fake_api, name)
        if data is not None:
            add(f"/media/{name.lower()}.img", data, ctype)
        records.append(spacecraft(number, name, cfg=plain, image=image(number, url=url, thumb=None)))
    fake_api.always["/media/flaky.img"] = ("503",)
    fake_api.records = records
    return fake_api


def build_from(fake_api, tmp_path: Path, *, fetch: bool = True, out: str = "out", force: bool = False):
    return build_site(tmp_path / out, tmp_path / "cache", api=fake_api if fetch else None, force=force)


def images_summary(said: list[str]) -> list[str]:
    """What the images stage reported, after its count of images in use."""
    return [line.split(", ", 1)[1] for line in said if line.startswith("images:")]


def image_requests(fake_api) -> list[str]:
    return [r for r in fake_api.requests if r.startswith("/media/")]


def picture_files(site: Path, page: str, pic: tuple[Element, Element]) -> dict[str, PILImage.Image]:
    """Open every file a <picture> names, resolved from page; keys are the URLs as written."""
    source, img = pic
    urls = [img["src"]] + [p.split()[0] for p in (source["srcset"] + "," + img["srcset"]).split(",")]
    return {url: PILImage.open(site / Path(page).parent / url) for url in urls}


def test_images_are_downloaded_once_resized_and_shown_with_credits(served, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    build_from(served, tmp_path)
    site = tmp_path / "out"

    # one download per image, however many pages share it
    assert image_requests(served).count("/media/soyuz.jpg") == 1

    # the main image of a spacecraft page: eager, WebP and JPEG at both sizes
    page = parse(site / "spacecraft/soyuz-1.html")
    [(source, img)] = page.pictures()
    assert source["type"] == "image/webp" and source["sizes"] == img["sizes"]
    assert img["alt"] == "Soyuz 1" and img["loading"] == "eager" and img["decoding"] == "async"
    assert (img["width"], img["height"]) == ("800", "600")
    files = picture_files(site, "spacecraft/soyuz-1.html", (source, img))
    assert img["src"].startswith("../img/") and img["src"].endswith("-800w.jpg")
    assert sorted((u.rsplit("-", 1)[1], f.format, f.size) for u, f in files.items()) == [
        ("320w.jpg", "JPEG", (320, 240)), ("320w.webp", "WEBP", (320, 240)),
        ("800w.jpg", "JPEG", (800, 600)), ("800w.webp", "WEBP", (800, 600))]
    assert page.one("p", class_="credit").text == "Image: NASA · Public Domain"
    assert page.one("a", rel="license")["href"] == "https://www.nasa.gov/multimedia/guidelines/index.html"

    # cards further down a list load lazily, from the small rendition, with the page's relative root
    cards = parse(site / "spacecraft/index.html").pictures()
    assert cards and all(img["loading"] == "lazy" for _, img in cards)
    assert all(img["src"] == img["srcset"].split(",")[0].split()[0] for _, img in cards)  # the smallest
    assert all((site / "spacecraft" / img["src"]).is_file() for _, img in cards)

    # the fallback thumbnail URL is used when the image URL fails; tiny images are not upscaled
    [(_, img)] = parse(site / "spacecraft/fallback.html").pictures()
    assert (img["width"], img["height"]) == ("400", "300")
    for name, size in (("rotated", (600, 1200)), ("alpha", (600, 400)), ("cmyk", (800, 600)), ("palette", (500, 500)),
                       ("tall", (60, 1200)), ("tiny", (40, 30)), ("untyped", (800, 600))):
        [pic] = parse(site / f"spacecraft/{name}.html").pictures()
        assert (pic[1]["width"], pic[1]["height"]) == tuple(map(str, size)), name
        files = picture_files(site, f"spacecraft/{name}.html", pic)
        assert all(f.mode == "RGB" and f.format in ("JPEG", "WEBP") for f in files.values())
        assert max(f.size for f in files.values()) == size, name

    # every bad image: a placeholder on its page and a warning naming the spacecraft and the URL
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    for name, (_, _, reason) in BAD.items():
        page = parse(site / f"spacecraft/{name.lower()}.html")
        assert page.pictures() == [] and page.placeholders() == [f"{name}: a drawing of a capsule, not a photograph"]
        [said] = [w for w in warnings if f"spacecraft {name}" in w]
        assert f"{bad_url(served, name)}{reason}" in said, said
    # a spacecraft whose record has no image at all gets the placeholder without a warning
    assert not any("Vostok" in w for w in warnings)


def test_credits_page_lists_each_image_with_thumbnail_credit_license_and_pages(served, tmp_path):
    build_from(served, tmp_path)
    site = tmp_path / "out"
    rows = credit_rows(site / "credits.html")
    soyuz = rows["Soyuz"]
    assert soyuz["credit"] == "NASA" and soyuz["license"] == ("Public Domain", "https://www.nasa.gov/multimedia/guidelines/index.html")
    assert soyuz["used"] == ["Soyuz", "Soyuz 1", "Soyuz 2", "Soyuz 3"]
    assert soyuz["thumb"].endswith("-320w.jpg") and (site / soyuz["thumb"]).is_file()
    assert rows["Alpha"]["credit"] == "Unknown"
    assert rows["Alpha"]["license"] == ("CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/")
    assert rows["Missing"]["license"] == ("Unknown", None) and rows["Missing"]["thumb"] is None
    assert rows["Missing"]["placeholder"] == "Missing: a drawing of a spacecraft, not a photograph"


def credit_rows(path: Path) -> dict[str, dict]:
    """Rows of the credits table keyed by the first page using the image."""
    out = {}
    for row in parse(path).one("tbody").find_all("tr"):
        thumb, _name, credit, lic, used = row.find_all("td")
        users = [a.text for a in used.find_all("a")]
        imgs, placeholders = thumb.find_all("img"), thumb.find_all("span", class_="placeholder")
        links = lic.find_all("a")
        out[users[0]] = {
            "thumb": imgs[0]["src"] if imgs else None,
            "placeholder": placeholders[0]["aria-label"] if placeholders else None,
            "credit": credit.text, "license": (lic.text, links[0]["href"] if links else None), "used": users,
        }
    return out


def test_a_second_build_downloads_and_resizes_nothing_and_offline_builds_reuse_the_cache(served, tmp_path, caplog):
    build_from(served, tmp_path)
    thumbs = tmp_path / "cache/images/thumbs"
    before = {p.name: p.stat().st_mtime_ns for p in thumbs.iterdir()}
    published = {p.name: p.stat().st_ino for p in (tmp_path / "out/img").iterdir()}
    assert before and image_requests(served)

    def rebuild(*, fetch: bool, out: str) -> tuple[list[str], list[str]]:
        """Build again; return the build's log and the image requests it made."""
        caplog.clear()
        caplog.set_level(logging.INFO)
        asked = len(image_requests(served))
        build_from(served, tmp_path, fetch=fetch, out=out)
        assert {p.name: p.stat().st_mtime_ns for p in thumbs.iterdir()} == before
        assert len(parse(tmp_path / out / "spacecraft/soyuz-2.html").pictures()) == 1
        return [r.getMessage() for r in caplog.records], image_requests(served)[asked:]

    # --fetch again, and the API has news about one spacecraft, not about its images: the images stage
    # runs, and only the transient failure is asked for again (the unreachable host is tried too, elsewhere)
    served.records[0]["description"] = "Updated since the last crawl."
    said, asked = rebuild(fetch=True, out="out")
    assert images_summary(said) == ["0 downloaded, 0 resized, 6 shown as placeholders"]
    assert asked == ["/media/flaky.img"]
    # offline with the same data: the build is skipped as up to date
    said, asked = rebuild(fetch=False, out="out")
    assert images_summary(said) == [] and asked == []
    assert "nothing changed since the last build: the site is up to date" in said
    # offline into a new folder: the images stage runs, from the cache alone
    said, asked = rebuild(fetch=False, out="elsewhere")
    assert images_summary(said) == ["0 downloaded, 0 resized, 6 shown as placeholders"]
    assert asked == []
    assert {p.name: p.stat().st_ino for p in (tmp_path / "out/img").iterdir()} == published  # not rewritten
    assert sorted(p.name for p in (tmp_path / "elsewhere/img").iterdir()) == sorted(published)


def test_a_changed_image_url_is_downloaded_again(served, tmp_path):
    build_from(served, tmp_path)
    first = parse(tmp_path / "out/spacecraft/soyuz-1.html").pictures()[0][1]["src"]
    new_url = served.add_file("/media/soyuz-v2.jpg", photo(color="orange"))
    for raw in served.records[:3]:
        raw["spacecraft_config"]["image"]["image_url"] = new_url
    build_from(served, tmp_path)
    second = parse(tmp_path / "out/spacecraft/soyuz-1.html").pictures()[0][1]["src"]
    assert first != second and not (tmp_path / "out" / "spacecraft" / first).exists()
    stem = Path(first).name.split("-")[0]  # the old thumbnails and original left the cache too
    assert not [p for p in (tmp_path / "cache/images/thumbs").iterdir() if p.name.startswith(stem)]
    assert len(list((tmp_path / "cache/images/src").iterdir())) == len({e.file for e in img_store.Store(
        tmp_path / "cache/images").sources.values() if e.file})
    assert near(pixel(PILImage.open(tmp_path / "out/spacecraft" / second), 0.5, 0.5), (255, 165, 0))


def test_new_thumbnail_parameters_resize_again_without_downloading(served, tmp_path, monkeypatch, caplog):
    build_from(served, tmp_path)
    thumbs = tmp_path / "cache/images/thumbs"
    old = {p.name for p in thumbs.iterdir()}
    asked = len(served.requests)
    monkeypatch.setattr(img_settings, "PARAMS", img_settings.PARAMS + " sharper")
    caplog.set_level(logging.INFO)
    # force: new parameters come with new code, which the up-to-date check sees; this patch it cannot
    build_from(served, tmp_path, fetch=False, force=True)
    assert len(served.requests) == asked
    assert images_summary([r.getMessage() for r in caplog.records]) == [
        "0 downloaded, 10 resized, 6 shown as placeholders"]
    new = {p.name for p in thumbs.iterdir()}
    assert new and not new & old  # new names, and the old files were pruned
    [(_, img)] = parse(tmp_path / "out/spacecraft/soyuz-1.html").pictures()
    assert Path(img["src"]).name in new


def test_offline_build_without_a_cache_shows_placeholders_and_touches_no_network(served, tmp_path):
    build_from(served, tmp_path)  # fetch the data, then forget the images
    for path in (tmp_path / "cache/images").iterdir():
        if path.is_dir():
            for f in path.iterdir():
                f.unlink()
    (tmp_path / "cache/images/index.json").unlink()
    asked = len(served.requests)
    build_from(served, tmp_path, fetch=False, out="offline")
    assert len(served.requests) == asked
    page = parse(tmp_path / "offline/spacecraft/soyuz-1.html")
    assert page.pictures() == [] and page.placeholders() == ["Soyuz 1: a drawing of a capsule, not a photograph"]
    assert not (tmp_path / "offline/img").exists()


def test_build_py_fetch_end_to_end_with_images(fake_api, tmp_path):
    good = fake_api.add_file("/media/good.jpg", photo())
    cfg = config(1, "Soyuz", img=image(1, url=good, thumb=None))
    fake_api.records = [spacecraft(1, "Soyuz 1", cfg=cfg, image=None),
                        spacecraft(2, "Lost", cfg=cfg,
                                   image=image(2, url=fake_api.origin + "/media/lost.jpg", thumb=None))]
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--fetch", "--api-url", fake_api.url,
                           "--cache", "C", "--out", "O"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    [warning] = [line for line in done.stderr.splitlines() if "no image for" in line]
    assert "spacecraft Lost" in warning and fake_api.origin + "/media/lost.jpg: HTTP 404" in warning
    site = tmp_path / "O"
    [(_, img)] = parse(site / "spacecraft/soyuz-1.html").pictures()
    assert PILImage.open(site / "spacecraft" / img["src"]).size == (800, 600)
    assert parse(site / "spacecraft/lost.html").placeholders() == ["Lost: a drawing of a capsule, not a photograph"]


def test_the_browser_shows_the_webp_thumbnail_from_disk(served, tmp_path, page):
    build_from(served, tmp_path)
    page.goto((tmp_path / "out/spacecraft/soyuz-1.html").as_uri())
    shown = page.locator("figure picture img")
    shown.wait_for()
    page.wait_for_function("document.querySelector('figure picture img').complete")
    natural, current = shown.evaluate("img => [img.naturalWidth, img.currentSrc]")
    assert current.endswith("-800w.webp") and natural > 0  # 36rem wide at 1x: the 800 px WebP, decoded
    page.goto((tmp_path / "out/spacecraft/missing.html").as_uri())
    assert page.get_by_role("img", name="Missing: a drawing of a capsule, not a photograph").is_visible()
