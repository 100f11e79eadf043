"""A Qdrant 1.17-1.19 test double built on Qdrant Edge (see ../README.md)."""
