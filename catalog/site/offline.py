"""The installable app: the web app manifest and the service worker that keeps visited pages offline.

Both sit at the site root with relative URLs only, so the app's scope is the whole site wherever it
is published (a GitHub project sub-path too). The service worker's cache is named by its scope and a
digest of every other file of the build (`spacecraft-catalog:<scope>:<version>`): a new build
installs a new worker, which deletes its own site's old caches and no other's (two catalogs on one
origin, USER.github.io/a/ and /b/, keep theirs). It precaches past the browser's HTTP cache (GitHub
Pages says max-age=600) and checks each file against the digest the build wrote for it, so a new
version never keeps the last one's search index.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from .urls import Urls

THEME = "#0b1020"  # the favicon's background, the site header's colour
BACKGROUND = "#f6f7fb"  # the page background (static/css/site.css --bg)


def manifest(title: str = "Spacecraft Catalog") -> bytes:
    """manifest.webmanifest: start URL and scope relative to the manifest, so they follow the site."""
    data = {
        "name": title,
        "short_name": "Spacecraft",
        "description": "Every spacecraft in Launch Library 2, browsable offline.",
        "start_url": "./" + Urls.home,
        "scope": "./",
        "display": "standalone",
        "theme_color": THEME,
        "background_color": BACKGROUND,
        "icons": [{"src": Urls.favicon, "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    }
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def version(files: Mapping[str, str]) -> str:
    """A digest of the site's files (path -> content digest): changes whenever any file does."""
    h = hashlib.sha256()
    for path in sorted(files):
        if path != Urls.service_worker:
            h.update(f"{path}\0{files[path]}\n".encode())
    return h.hexdigest()[:16]


def service_worker(files: Mapping[str, str]) -> bytes:
    """sw.js for a site made of these files (path -> the writer's digest: the first 24 hex digits of
    its SHA-256): precache the search page with its index and every static file, each checked
    against its digest, then serve assets from the cache and pages from the network while it answers."""
    precache = [Urls.home, Urls.search, Urls.search_index_js]
    precache += sorted(p for p in files if p.startswith("static/"))
    digests = {p: files[p] for p in precache if p in files}
    config = json.dumps({"version": version(files), "precache": digests}, sort_keys=True)
    return SCRIPT.replace("/*CONFIG*/null", config).encode()


SCRIPT = """// The Spacecraft Catalog's service worker (catalog/site/offline.py): visited pages, the search page
// and its index stay available offline. Written by the build: the version changes with the site.
"use strict";
var CONFIG = /*CONFIG*/null;
// This site's caches only: another catalog on the same origin (another project site) has its own scope.
var OWN = "spacecraft-catalog:" + self.registration.scope + ":";
var CACHE = OWN + CONFIG.version;
var ROOT = new URL("./", self.location.href).href;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(Object.keys(CONFIG.precache).map(function (path) {
      var url = new URL(path, ROOT).href;
      return fetchOfThisVersion(url, CONFIG.precache[path]).then(function (response) {
        return cache.put(url, response);
      });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

// A file as this version was built: asked past the HTTP cache (the host's max-age would hand back
// the last version's), then checked against its digest; a copy that still differs (a CDN's) is asked
// once more under a query no cache has seen. Still wrong, the install fails: the old worker stays,
// whole, and the browser tries again on a later visit.
function fetchOfThisVersion(url, digest) {
  return fetchIfMatches(url, digest).then(function (response) {
    return response || fetchIfMatches(url + "?v=" + CONFIG.version, digest);
  }).then(function (response) {
    if (!response) throw new Error(url + " does not match version " + CONFIG.version);
    return response;
  });
}

function fetchIfMatches(url, digest) {
  return fetch(url, {cache: "reload"}).then(function (response) {
    if (!response.ok) return null;
    return response.clone().arrayBuffer().then(function (body) {
      return crypto.subtle.digest("SHA-256", body);
    }).then(function (hash) {
      var hex = Array.prototype.map.call(new Uint8Array(hash), function (b) {
        return (b < 16 ? "0" : "") + b.toString(16);
      }).join("");
      return hex.slice(0, digest.length) === digest ? response : null;
    });
  });
}

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(OWN) === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function isAsset(path) {
  return path.indexOf("static/") === 0 || path.indexOf("img/") === 0 || path.indexOf("search-index.") === 0;
}

function cacheFirst(request) {
  return caches.match(request, {cacheName: CACHE}).then(function (hit) {
    return hit || fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
  });
}

function networkFirst(request) {
  return fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }, function (error) {
    // Offline: the page as last visited (search.html?q=... is search.html with other parameters).
    return caches.match(request, {cacheName: CACHE}).then(function (hit) {
      return hit || caches.match(request, {cacheName: CACHE, ignoreSearch: true});
    }).then(function (hit) {
      if (hit) return hit;
      throw error;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || request.url.indexOf(ROOT) !== 0) return;
  var path = request.url.slice(ROOT.length).split("#")[0].split("?")[0];
  if (isAsset(path)) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate" || /\\.html$/.test(path) || path === "") {
    event.respondWith(networkFirst(request));
  }
});
"""
