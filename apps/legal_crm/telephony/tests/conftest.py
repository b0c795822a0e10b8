import pytest

from .fakes.ami import FakeAmi
from .fakes.http import FakeMango, FakeZadarma


@pytest.fixture
def fake_ami():
    fake = FakeAmi().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_mango():
    fake = FakeMango().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_zadarma():
    fake = FakeZadarma().start()
    yield fake
    fake.stop()
