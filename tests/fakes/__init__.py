"""Small stand-ins for the services the bot talks to, served on loopback in tests."""
