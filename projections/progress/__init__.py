"""The state of every programme, scheme and provider-milestone, from which progress, dashboards,
collation boards and payments are read."""
