"""People, their roles and the cabinet membership (the base of the majority rule)."""
