"""The staff and ops shell: the running services (stores, followers, Prometheus), the page frame, the route guards.

The pages that stand on it (sign-in, staff, ops, landlords) are put into the app by ``web/staff_routes.py``.
"""
