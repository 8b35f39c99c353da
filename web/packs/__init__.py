"""Evidence packs as downloads: the point-in-time contents, the PDF, the ZIP, and their routes."""
