"""Plain-Python domain core: no Flask or SQLAlchemy imports."""
