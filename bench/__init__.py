"""Benchmarks that build a large database and time the application's own queries and pages."""
