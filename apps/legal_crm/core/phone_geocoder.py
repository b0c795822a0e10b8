"""libphonenumber's geocoder with its data read a piece at a time.

`phonenumbers.geocoder` imports the whole of `phonenumbers.geodata` when it is imported: 29 modules holding every
number prefix of every country in every language, about 100 MiB in each process that asks for one region. Lead
distribution asks for the region of the lead's number, and a Russian number's prefixes all sit in one of those
modules (about 1 MB). So before the geocoder's first import it is given a `phonenumbers.geodata` whose
GEOCODE_DATA imports the data module holding a prefix when that prefix is first looked up. The geocoder's own
code runs unchanged, so the answers are the library's (core/tests/test_phone_geocoder.py compares every prefix).
"""

from __future__ import annotations

import bisect
import importlib
import importlib.util
import re
import sys
import threading
from pathlib import Path

_PACKAGE = "phonenumbers.geodata"
_CHUNK_IMPORT = re.compile(r"^from \.(data\d+) import data$", re.M)
_LONGEST = re.compile(r"^GEOCODE_LONGEST_PREFIX = (\d+)$", re.M)
_FIRST_KEY = re.compile(r"^\s*'(\d+)':", re.M)
_lock = threading.Lock()


class LazyGeocodeData:
    """The prefix → {language: name} mapping of `phonenumbers.geodata`, read through its data modules: each holds
    a consecutive range of the prefixes in string order, so the first prefix of each tells which one to import."""

    def __init__(self, chunks: list[tuple[str, str]]):
        self._starts = [start for start, _module in chunks]
        self._modules = [module for _start, module in chunks]
        self._loaded: dict[int, dict] = {}

    def _chunk(self, prefix: str) -> dict:
        i = bisect.bisect_right(self._starts, prefix) - 1
        if i < 0:
            return {}
        data = self._loaded.get(i)
        if data is None:
            data = self._loaded[i] = importlib.import_module(f"{_PACKAGE}.{self._modules[i]}").data
        return data

    def __contains__(self, prefix: str) -> bool:
        return prefix in self._chunk(prefix)

    def __getitem__(self, prefix: str) -> dict:
        return self._chunk(prefix)[prefix]

    def get(self, prefix: str, default=None):
        return self._chunk(prefix).get(prefix, default)

    def loaded_modules(self) -> list[str]:
        return sorted(self._modules[i] for i in self._loaded)


def _layout(folder: Path) -> tuple[list[tuple[str, str]], int] | None:
    """The data modules in the package's order with the first prefix of each, and the longest prefix; None when
    the files do not look as expected (another version of the library: it then reads its data as it always did)."""
    try:
        init = (folder / "__init__.py").read_text(encoding="utf-8")
        longest = _LONGEST.search(init)
        chunks = []
        for module in _CHUNK_IMPORT.findall(init):
            with open(folder / f"{module}.py", encoding="utf-8") as f:
                first = _FIRST_KEY.search(f.read(16_384))
            if first is None:
                return None
            chunks.append((first.group(1), module))
    except OSError:
        return None
    starts = [start for start, _module in chunks]
    if not chunks or longest is None or starts != sorted(starts):
        return None
    return chunks, int(longest.group(1))


def install() -> None:
    """Put the lazily read `phonenumbers.geodata` in place, unless the real one is imported already."""
    if _PACKAGE in sys.modules:
        return
    with _lock:
        if _PACKAGE in sys.modules:
            return
        spec = importlib.util.find_spec(_PACKAGE)
        layout = _layout(Path(spec.origin).parent) if spec and spec.origin else None
        if layout is None:
            return
        chunks, longest = layout
        module = importlib.util.module_from_spec(spec)  # a package (its data modules import from it), not run
        module.GEOCODE_DATA = LazyGeocodeData(chunks)
        module.GEOCODE_LONGEST_PREFIX = longest
        sys.modules[_PACKAGE] = module


_country_zones: dict[int, tuple[str, ...]] = {}


def place_of_number(numobj, number_type: int, lang: str) -> tuple[str, tuple[str, ...]]:
    """What `geocoder.description_for_number(numobj, lang)` and `timezone.time_zones_for_number(numobj)` answer, given the
    number's type (`phonenumbers.number_type`) worked out once by the caller: each of the two works it out again
    from the numbering plan's patterns, their costliest step. The branches are theirs: an invalid number has no
    place; a landline (a geographical type) is placed by its prefix; any other number only by its country."""
    install()
    from phonenumbers import PhoneNumberType, geocoder, is_number_type_geographical
    from phonenumbers import timezone as phone_timezone

    if number_type == PhoneNumberType.UNKNOWN:
        return "", (phone_timezone.UNKNOWN_TIMEZONE,)
    if is_number_type_geographical(number_type, numobj.country_code):
        return (geocoder.description_for_valid_number(numobj, lang),
                tuple(phone_timezone.time_zones_for_geographical_number(numobj)))
    zones = _country_zones.get(numobj.country_code)
    if zones is None:
        # Not geographical: the library answers with the zones of the country code, so one number of each
        # country code asks it.
        zones = _country_zones[numobj.country_code] = tuple(phone_timezone.time_zones_for_number(numobj))
    return geocoder.country_name_for_number(numobj, lang), zones
