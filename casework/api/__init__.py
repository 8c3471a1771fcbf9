"""HTTP adapters: thin routers over the services."""
