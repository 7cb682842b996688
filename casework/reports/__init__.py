"""Statistics for a period and region, and the annual report."""
