"""Live updates: committed view changes pushed over a websocket to those who may read them."""
