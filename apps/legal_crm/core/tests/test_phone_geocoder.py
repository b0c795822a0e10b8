"""core.phone_geocoder: the geocoder's answers with its data read a piece at a time are the library's own.

Run in a child process: the comparison imports the library's whole data (about 100 MiB), which the test process
need not keep, and the lazy data must be installed before anything imported `phonenumbers.geocoder`."""

import json
import subprocess
import sys
from pathlib import Path

APPS = Path(__file__).resolve().parents[3]

NUMBERS = ["+74951234567", "+73433123456", "+74232123456", "+79161234567", "+77172123456", "+77012345678",
           "+380441234567", "+12015550123", "+861012345678", "+442079460000", "+16502530000", "+81312345678",
           # a mobile of a one-zone country, toll-free, no such range, one digit repeated
           "+375291234567", "+78001234567", "+76001234567", "+79160000000"]

CHILD = """
import json, sys
import phonenumbers
from legal_crm.core import phone_geocoder

numbers = json.loads(sys.argv[1])
def place(n):
    p = phonenumbers.parse(n, None)
    return phone_geocoder.place_of_number(p, phonenumbers.number_type(p), "ru")
lazy = [place(n) for n in numbers]
lazy_data = sys.modules["phonenumbers.geodata"].GEOCODE_DATA
out = {"lazy": lazy, "lazy_type": type(lazy_data).__name__}

# The library's own data: its data modules merged as its __init__ merges them, then every prefix compared.
import importlib, re
from pathlib import Path
init = Path(importlib.util.find_spec("phonenumbers.geodata").origin).read_text()
real = {}
for module in re.findall(r"^from \\.(data\\d+) import data$", init, re.M):
    real.update(importlib.import_module("phonenumbers.geodata." + module).data)
longest = int(re.search(r"^GEOCODE_LONGEST_PREFIX = (\\d+)$", init, re.M).group(1))
out["longest_same"] = longest == sys.modules["phonenumbers.geodata"].GEOCODE_LONGEST_PREFIX
out["prefixes"] = len(real)
out["mismatched"] = [k for k, v in real.items() if k not in lazy_data or lazy_data[k] != v][:5]
out["absent_found"] = [k for k in ("0", "999999999", "00", "79999999999") if k not in real
                       and k in lazy_data]
print(json.dumps(out, ensure_ascii=False))
"""

RUSSIAN_ONLY = """
import json, sys
import phonenumbers
from legal_crm.core import phone_geocoder

for n in ("+74951234567", "+79161234567", "+73433123456"):
    p = phonenumbers.parse(n, None)
    phone_geocoder.place_of_number(p, phonenumbers.number_type(p), "ru")
print(json.dumps(sys.modules["phonenumbers.geodata"].GEOCODE_DATA.loaded_modules()))
"""


def run_child(code: str, *args: str):
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(APPS)}, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_every_prefix_of_the_library_is_read_the_same():
    out = run_child(CHILD, json.dumps(NUMBERS))
    assert out["lazy_type"] == "LazyGeocodeData"
    assert out["longest_same"]
    assert out["prefixes"] > 100_000
    assert out["mismatched"] == []
    assert out["absent_found"] == []
    assert out["lazy"][0][0].startswith("Моск")  # a Moscow landline: its region, not the country


def test_russian_numbers_read_one_data_module():
    assert len(run_child(RUSSIAN_ONLY)) == 1


def test_descriptions_match_the_library_for_sample_numbers():
    code = """
import json, sys
import phonenumbers
from legal_crm.core import phone_geocoder
numbers = json.loads(sys.argv[1])
def place(n):
    p = phonenumbers.parse(n, None)
    return phone_geocoder.place_of_number(p, phonenumbers.number_type(p), "ru")
lazy = [place(n) for n in numbers]
for name in [m for m in sys.modules if m.startswith("phonenumbers.geo")]:
    del sys.modules[name]
import importlib
geocoder = importlib.import_module("phonenumbers.geocoder")
from phonenumbers import timezone
real = [[geocoder.description_for_number(phonenumbers.parse(n, None), "ru"),
         list(timezone.time_zones_for_number(phonenumbers.parse(n, None)))] for n in numbers]
print(json.dumps([lazy, real, type(sys.modules["phonenumbers.geodata"].GEOCODE_DATA).__name__]))
"""
    lazy, real, real_type = run_child(code, json.dumps(NUMBERS))
    assert real_type == "dict"  # the second list is the library's own reading
    assert lazy == real
