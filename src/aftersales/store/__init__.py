"""Adapters from the domain to the database: tables, repositories, the unit of work."""
