"""HTTP plumbing for every page and API: middleware (CSRF, security headers, rate and size limits), templates,
static assets and error pages."""
