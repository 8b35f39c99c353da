"""One module per group of pages; each route is a PageRoute."""
