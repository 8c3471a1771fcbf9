"""Queries, one module per aggregate; services call them inside their unit of work."""
