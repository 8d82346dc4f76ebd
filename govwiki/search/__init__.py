"""Full-text search in Chinese and English: analysis (analysis.py), the query language of the
search box (query.py) and the index behind a small interface (index.py)."""
