"""Importing from the admin: the import page (upload, check, import), the progress page of
a batch that runs as a background task, and who may do what.

The importer itself is `review_pages.importing.batch.run_import`, as for `import_reviews`.
"""
