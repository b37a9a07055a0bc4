"""Importing reviews written as plain text.

`parser` reads the format (pure Python: it knows nothing of Django), `files` finds and reads
the files, `writer` turns parsed reviews into pages with their credits, and `indexing` lets
the writer index each page once instead of at every save.
"""
