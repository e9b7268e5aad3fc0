"""Sign-in: email and password accounts with roles, bearer tokens (see ROUTES.md, User)."""
