"""The web console: server-rendered pages for consumers, merchants, operators and auditors.

Pages call the same use cases as the API (``aftersales.services``) with the signed-in user's
``Actor``, so who may see and do what is decided in one place. See docs/console.md.
"""

from aftersales.console.routes import router

__all__ = ["router"]
