"""Public sources (mirror or download), parsing, validation and the processed launch tables."""
