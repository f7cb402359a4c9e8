"""Signing in and out, throttling, password changes."""
