"""The after-sales domain: pure Python, no I/O, no web or database code."""
