"""The web-service adapter: the revenues port over the back office's SOAP service (``revenues.wsdl``)."""
