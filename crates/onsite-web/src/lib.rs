//! Onsite's HTTP edge: pages, JSON API, extractors, security headers, static assets, metrics.
