"""A read-only viewer for docpipe's runs and records: web pages over a destination.

- :mod:`.reader` reads a destination (local or S3) page by page; :mod:`.keys` is the one place
  that knows the output layout; :mod:`.listing` lists one page at a time.
- :mod:`.present` shapes records and manifests for display; :mod:`.render` and ``templates/``
  turn them into escaped HTML; :mod:`.pages` is one function per page.
- :mod:`.app` serves the pages (``docpipe view``, the Airflow plugin), :mod:`.report` writes them
  as static files (``docpipe report``), :mod:`.links` builds links to them without web imports.

The rest of ``pipeline`` never imports this package: FastAPI and Jinja2 load only here.
"""
