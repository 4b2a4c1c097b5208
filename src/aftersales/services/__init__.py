"""Use cases: one function each, called alike by the API, the CLI and the console."""
