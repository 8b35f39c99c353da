"""The browser pages, served by the same FastAPI app."""
