"""The people of a case: their pseudonyms, details, consent and reprisal risk."""
