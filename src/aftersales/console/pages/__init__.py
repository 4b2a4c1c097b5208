"""The console's pages, one router per kind of work (see ``console.routes``)."""
