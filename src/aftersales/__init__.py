"""After-sales service platform for multi-merchant marketplaces."""

__version__ = "0.1.0"
__all__ = ["__version__"]
