"""What the staff and ops pages share: the running services (stores, followers), the page frame, installing them."""
