"""Landlords and letting agents: a signed-in landlord uploads a CSV or XLSX file of tenancy starts and ends;
each row becomes one notification (channel ``landlord_bulk``) and the page shows a result per row."""
