"""Static files for production: hashed and gzip-compressed, for nginx (or whitenoise) to serve.

django-viewflow ships a stray ``node_modules/roboto-fontface`` stylesheet
whose font references do not exist in the package, which makes the manifest
storage's post-processing fail the whole ``collectstatic``.  Nothing the
project serves uses that stylesheet, so files under a ``node_modules``
folder are copied as they are and left out of post-processing.

Only gzip copies are written: nginx, which serves /static/ in production
(deploy/nginx/pilot06.conf), reads ``.gz`` files and not ``.br`` ones, and
Brotli at its best quality took most of ``collectstatic``'s minutes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage

SKIPPED = "/node_modules/"


class StaticStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    manifest_strict = False

    def post_process(
        self, paths: dict[str, Any], dry_run: bool = False, **options: Any
    ) -> Iterator[Any]:
        kept = {name: value for name, value in paths.items() if SKIPPED not in f"/{name}"}
        yield from super().post_process(kept, dry_run=dry_run, **options)

    def create_compressor(self, **kwargs: Any) -> Compressor:
        return Compressor(**{**kwargs, "use_brotli": False})
