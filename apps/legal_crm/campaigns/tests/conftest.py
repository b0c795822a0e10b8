import pytest

from legal_crm.messaging.tests.fakes.server import FakeSmsc, FakeSmsRu


@pytest.fixture
def fake_smsru():
    fake = FakeSmsRu().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_smsc():
    fake = FakeSmsc().start()
    yield fake
    fake.stop()
