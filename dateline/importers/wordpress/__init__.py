"""WordPress exports (WXR 1.0-1.2): the reader (`wxr`, `media`) and its mapping onto the pipeline (`run`).

`wordpress_import` is the entry point (`dateline import wordpress`).
"""

from dateline.importers.wordpress.run import wordpress_import

__all__ = ["wordpress_import"]
