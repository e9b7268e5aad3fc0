"""The small runtime every generated app shares: HTTP routing, SQLite, resources. Standard library only."""
