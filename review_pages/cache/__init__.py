"""The optional tagged response cache: anonymous answers kept until what they show changes.

`tags` names every tag, `store` keeps their versions (and memoised values), `middleware`
serves and stores answers, `invalidation` bumps the tags of what changed. Opt in by adding
the app and its middleware (docs/caching.md).
"""
