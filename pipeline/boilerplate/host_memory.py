"""Per-site memory of the lines a site repeats across its pages: those lines are chrome.

A menu item, a footer, a share bar or a "Leave a comment" box appears on most pages of a
site; a sentence of an article appears on one. Inside a single page that signal is weak (a
menu is only sometimes printed twice), across pages it is one of the strongest there is. So
for every site docpipe keeps the number of distinct pages each normalised line was seen on.

* **What a site is.** The host of the page's URL (HTML metadata, ``www.`` dropped) or, for
  plain text without a URL, a directory of the input path that is a host name
  (``raw/tolonews.com/2025/a.txt``). Pages whose site is unknown get no memory: pooling
  unrelated sites would turn a syndicated article into "chrome" of the pool.
* **What is stored.** Per site: pages seen, ids per page (input id and content hash, so
  reprocessing, re-scraping or copying a page does not count it twice) and, per line key,
  the number of pages it was on. A line key is a 16-hex BLAKE2b of the NFKC, case-folded,
  letters-only text with digit runs folded, so "Comments (3)" and "Comments (12)" are one
  line. No text is stored. Objects live in the destination store at
  ``state/hosts/<host>.json``, so every worker writing there shares them.
* **When a line counts as repeated.** Seen on at least ``min_pages`` distinct pages and on at
  least ``min_share`` of the site's pages. The current batch is added before it is
  classified, so five pages of a new site already help each other; the memory is written
  back after each batch, so a single page from a known site benefits later.
* **Chrome language.** Per site also: on how many pages the chrome (short interface lines)
  was in each locale, as the language stage judged it (:meth:`HostMemory.remember_chrome_locale`);
  the next page's short lines start from that (:meth:`HostMemory.chrome_locales`). Written
  as ``chrome`` in the same object, only once a site has one; merged like the line counts.
* **Concurrency.** Writes re-read the stored object and merge this process's new pages into
  it (by page ids), so concurrent workers lose nothing unless two merges interleave between
  read and write, in which case the later one wins; the memory is a heuristic and refills.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from pipeline.store import ObjectNotFound, ObjectTooLarge, Store
from pipeline.store.keys import validate_key

from .lines import norm_key

log = logging.getLogger(__name__)

PREFIX = "state/hosts/"
FORMAT_VERSION = 1
MIN_PAGES = 3
MIN_SHARE = 0.2
MAX_LINES = 50_000  # per site; single-page lines are evicted first, oldest first
MAX_PAGES_REMEMBERED = 20_000  # page ids kept for de-duplication; the oldest are forgotten
MAX_OBJECT_BYTES = 16 * 1024 * 1024
MAX_CHROME_PAGES = 1_000  # chrome-locale tallies are halved beyond this, so a site can change

# at most 250 characters: "<host>.json" must fit a 255-byte key segment (DNS allows 253)
_HOST_RE = re.compile(r"^(?=.{4,250}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$")
_FILE_SUFFIXES = (".txt", ".html", ".htm", ".json", ".gz", ".xml", ".md", ".php", ".asp", ".aspx")
_DIGITS_RE = re.compile(r"\d+")


def normalise_host(host: str | None) -> str | None:
    """``WWW.Example.COM.`` → ``example.com``; None unless it looks like a DNS host name."""
    if not host:
        return None
    host = host.strip().rstrip(".").lower()
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return None
    host = host.removeprefix("www.")
    return host if _HOST_RE.match(host) else None


def site_of(url: str | None, source_uri: str | None = None) -> str | None:
    """The site a page belongs to: its URL's host, else a host-named directory of its input path."""
    if url:
        try:
            host = normalise_host(urlsplit(url).hostname)
        except ValueError:
            host = None
        if host:
            return host
    if not source_uri:
        return None
    parts = urlsplit(source_uri)
    # s3://bucket/raw/<host>/... : the bucket is not a site; file:///data/<host>/...
    directories = [unquote(p) for p in parts.path.split("/")[:-1] if p]
    for directory in reversed(directories):
        if directory.lower().endswith(_FILE_SUFFIXES):
            continue
        host = normalise_host(directory)
        if host:
            return host
    return None


@lru_cache(maxsize=65_536)
def line_key(text: str) -> str | None:
    """A short, text-free key for a line; None for lines with no letters or digits.

    Cached: a page's lines are keyed when it is added and again when it is classified, and
    a site's chrome lines recur on every page.
    """
    key = _DIGITS_RE.sub("0", norm_key(text))
    if not key:
        return None
    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


def page_keys(texts: Iterable[str]) -> frozenset[str]:
    return frozenset(k for k in map(line_key, texts) if k is not None)


@dataclass(slots=True)
class SiteLines:
    """What one site's pages contained: page count, page ids, pages per line key."""

    host: str
    pages: int = 0
    page_ids: dict[str, None] = field(default_factory=dict)  # ordered set, oldest first
    lines: dict[str, int] = field(default_factory=dict)
    new_pages: dict[tuple[str, ...], frozenset[str]] = field(default_factory=dict)  # not yet written
    chrome: dict[str, int] = field(default_factory=dict)  # chrome locale -> pages
    new_chrome: dict[str, int] = field(default_factory=dict)  # not yet written

    def add(self, page_ids: tuple[str, ...], keys: frozenset[str], *, new: bool = True) -> bool:
        """Count a page once; False if any of its ids (input id, content hash) was counted already."""
        if not page_ids or any(page_id in self.page_ids for page_id in page_ids):
            return False
        self.page_ids.update(dict.fromkeys(page_ids))
        self.pages += 1
        for key in keys:
            self.lines[key] = self.lines.get(key, 0) + 1
        if new:
            self.new_pages[page_ids] = keys
        self._bound()
        return True

    def add_chrome(self, counts: dict[str, int], *, new: bool = True) -> None:
        """Count pages whose chrome was in each locale (halving all once they pass the cap)."""
        for locale, n in counts.items():
            self.chrome[locale] = self.chrome.get(locale, 0) + n
            if new:
                self.new_chrome[locale] = self.new_chrome.get(locale, 0) + n
        if sum(self.chrome.values()) > MAX_CHROME_PAGES:
            self.chrome = {k: v // 2 for k, v in self.chrome.items() if v // 2}

    def pages_with(self, key: str | None) -> int:
        return self.lines.get(key, 0) if key is not None else 0

    def _bound(self) -> None:
        while len(self.page_ids) > MAX_PAGES_REMEMBERED:
            del self.page_ids[next(iter(self.page_ids))]
        if len(self.lines) > MAX_LINES:
            singles = [k for k, n in self.lines.items() if n <= 1]
            for key in singles[: len(self.lines) - MAX_LINES + MAX_LINES // 10]:
                del self.lines[key]
            while len(self.lines) > MAX_LINES:  # all repeated: drop the rarest
                rarest = min(self.lines, key=self.lines.__getitem__)
                del self.lines[rarest]

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "format": FORMAT_VERSION,
            "host": self.host,
            "pages": self.pages,
            "page_ids": list(self.page_ids),
            "lines": self.lines,
        }
        if self.chrome:
            out["chrome"] = self.chrome
        return out

    @classmethod
    def from_json(cls, host: str, data: object) -> SiteLines:
        if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION or data.get("host") != host:
            raise ValueError(f"not a docpipe host-memory object for {host}")
        lines = data.get("lines")
        page_ids = data.get("page_ids")
        pages = data.get("pages")
        if not isinstance(lines, dict) or not isinstance(page_ids, list) or not isinstance(pages, int):
            raise ValueError(f"malformed host-memory object for {host}")
        chrome = data.get("chrome")
        return cls(
            host=host,
            pages=max(pages, 0),
            page_ids=dict.fromkeys(str(p) for p in page_ids),
            lines={str(k): int(v) for k, v in lines.items() if isinstance(v, int) and v > 0},
            chrome={str(k): v for k, v in chrome.items() if isinstance(v, int) and v > 0}
            if isinstance(chrome, dict) else {},
        )


class HostMemory:
    """Per-site line counts, loaded from and written back to a store (or kept in memory).

    ``store=None`` keeps everything in this process (``docpipe detect``, tests, one-off runs).
    """

    def __init__(self, store: Store | None = None, *, min_pages: int = MIN_PAGES, min_share: float = MIN_SHARE,
                 prefix: str = PREFIX) -> None:
        if min_pages < 2:
            raise ValueError("min_pages must be at least 2: a line on one page is not repeated")
        if not 0.0 <= min_share <= 1.0:
            raise ValueError("min_share must be between 0 and 1")
        self.store = store
        self.min_pages = min_pages
        self.min_share = min_share
        self.prefix = prefix
        self.sites: dict[str, SiteLines] = {}
        self.stats: Counter[str] = Counter()

    def key_for(self, host: str) -> str:
        return validate_key(f"{self.prefix}{host}.json")

    def site(self, host: str) -> SiteLines:
        """The site's counts, read from the store the first time the site is seen."""
        site = self.sites.get(host)
        if site is None:
            site = self._read(host) or SiteLines(host)
            self.sites[host] = site
            self.stats["sites_loaded"] += 1
        return site

    def observe(self, host: str, page_ids: tuple[str, ...], texts: Iterable[str]) -> bool:
        """Add one page's lines to its site; False if that page was already counted.

        *page_ids* name the page in every way that should count as "the same page": the
        input's id (a re-scraped page is not a new page) and its content hash (nor is a copy).
        """
        added = self.site(host).add(page_ids, page_keys(texts))
        self.stats["pages_added" if added else "pages_known"] += 1
        return added

    def repeated(self, host: str, texts: Sequence[str]) -> list[bool]:
        """Per line: seen on at least ``min_pages`` pages and ``min_share`` of the site's pages."""
        site = self.site(host)
        floor = max(self.min_pages, self.min_share * site.pages)
        return [site.pages_with(line_key(t)) >= floor for t in texts]

    def remember_chrome_locale(self, host: str, locale: str) -> None:
        """Count one more page of the site whose chrome was in ``locale`` (a language tag)."""
        self.site(host).add_chrome({locale: 1})

    def chrome_locales(self, host: str) -> dict[str, float] | None:
        """The site's chrome locales as shares of its judged pages; None before the first."""
        chrome = self.site(host).chrome
        total = sum(chrome.values())
        return {locale: n / total for locale, n in chrome.items()} if total else None

    def flush(self) -> int:
        """Write every site with new pages back to the store, merged with what is stored now.

        Returns the number of objects written. A StoreError propagates: the caller's run is
        then incomplete, like any other store failure.
        """
        if self.store is None:
            for site in self.sites.values():
                site.new_pages.clear()
                site.new_chrome.clear()
            return 0
        written = 0
        for host, site in self.sites.items():
            if not site.new_pages and not site.new_chrome:
                continue
            stored = self._read(host)
            if stored is not None:  # another worker may have written since we read: merge into theirs
                for page_ids, keys in site.new_pages.items():
                    stored.add(page_ids, keys, new=False)
                stored.add_chrome(site.new_chrome, new=False)
                stored.new_pages.clear()
                self.sites[host] = site = stored
            else:
                site.new_pages.clear()
                site.new_chrome.clear()
            payload = json.dumps(site.to_json(), separators=(",", ":"), sort_keys=True).encode()
            self.store.put(self.key_for(host), payload, "application/json")
            written += 1
        self.stats["objects_written"] += written
        return written

    def summary(self) -> dict[str, int]:
        """For the run manifest: sites used, pages added, lines recognised as site chrome."""
        return {
            "sites": len(self.sites),
            "pages_added": self.stats["pages_added"],
            "repeated_lines": self.stats["repeated_lines"],  # counted by the caller that used them
        }

    def _read(self, host: str) -> SiteLines | None:
        if self.store is None:
            return None
        key = self.key_for(host)
        try:
            data = self.store.get(key, max_bytes=MAX_OBJECT_BYTES)
        except ObjectNotFound:
            return None
        except ObjectTooLarge:
            log.warning("ignoring oversized host memory %s", self.store.uri_for(key))
            self.stats["objects_unreadable"] += 1
            return None
        try:
            return SiteLines.from_json(host, json.loads(data))
        except ValueError as exc:  # a damaged object must not stop the pipeline: start the site afresh
            log.warning("ignoring unreadable host memory %s: %s", self.store.uri_for(key), exc)
            self.stats["objects_unreadable"] += 1
            return None
