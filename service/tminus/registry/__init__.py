"""The only code that reads or writes ``models/``: versions, aliases, verified loading."""
