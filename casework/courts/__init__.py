"""Court proceedings, hearings and the lawyers' hearing calendar."""
