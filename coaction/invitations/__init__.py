"""Inviting actors and colleagues, and following every invitation to the end."""
