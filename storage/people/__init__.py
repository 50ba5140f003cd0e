"""People: members and their identities on each channel, roles, invitations, preferences."""
