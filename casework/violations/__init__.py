"""Violations found on visits or alleged in complaints, and the facility page."""
