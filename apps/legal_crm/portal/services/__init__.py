"""Writes of the portal. The client is no staff user: services that act for a signed-in client take the
`account` (the view has checked the session) and call other modules' services as the system (actor=None)."""
