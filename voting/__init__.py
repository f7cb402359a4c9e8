"""Decisions: in-session votes, written opinion ballots and the rules that decide them."""
