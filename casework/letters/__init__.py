"""Outgoing letters as signed, numbered, archival PDFs, and the correspondence register."""
