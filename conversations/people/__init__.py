"""People, places and roles: areas, invitations, joining, staff and own settings."""
