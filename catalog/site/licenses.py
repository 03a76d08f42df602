"""--licensed-only: a site that shows only images with a known license (the others show placeholders)."""
from __future__ import annotations

import dataclasses
import logging

from ..data.crew import Astronaut, Station
from ..data.groups import Catalog
from ..data.models import Image
from ..images import Prepared

log = logging.getLogger(__name__)


def shown_images(catalog: Catalog) -> dict[str, Image]:
    """Every image the catalog's pages show, by Image.key."""
    found: dict[str, Image] = {}
    for group in catalog.configurations:
        image = group.subject.image  # type: ignore[union-attr]  # a configuration group's subject
        if image is not None:
            found.setdefault(image.key, image)
    for craft in catalog.spacecraft:
        image = craft.shown_image
        if image is not None:
            found.setdefault(image.key, image)
    crewed: list[Astronaut | Station] = [*catalog.crew.astronauts.values(), *catalog.crew.stations.values()]
    for shown in crewed:  # the pages of people and stations (issue 26)
        if shown.image is not None:
            found.setdefault(shown.image.key, shown.image)
    return found


def licensed_only(images: Prepared, catalog: Catalog) -> Prepared:
    """The images stage's result without the images whose license is unknown: no picture, no file published."""
    known = {key for key, image in shown_images(catalog).items() if image.license.known}
    pictures = {key: picture for key, picture in images.pictures.items() if key in known}
    kept = {path for picture in pictures.values() for r in picture.renditions for path in (r.webp, r.jpeg)}
    files = tuple(entry for entry in images.files if entry[0] in kept)
    log.info("--licensed-only: %d images without a known license shown as placeholders",
             len(images.pictures) - len(pictures))
    return dataclasses.replace(images, pictures=pictures, files=files)
