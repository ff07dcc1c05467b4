"""The revenues contract against the web-service adapter talking to the simulated back office's SOAP service."""

from tests.legacy_back_office import SoapContract


class TestSoapRevenues(SoapContract):
    pass
