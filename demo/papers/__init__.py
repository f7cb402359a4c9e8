"""The demo's papers: how a paper is laid out and rendered (`pdf`), the usual parts of a
submission (`forms`), the monthly report (`reports`), and the papers of each session and ballot."""
