"""Schemes imported from a workbook, or the same rows as JSON: the template, reading it, and checking its rows as
the drafts they describe, through the API's own request models and the drafting use case."""
