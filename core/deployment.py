"""How the deployment's addresses become Django settings: where files are stored (STORAGE_URL) and the optional read
replica (DATABASE_REPLICA_URL). Pure functions of their arguments, used by config/settings.py; each raises
ValueError with the reason when a value cannot be used (settings turns that into one line naming the variable).

STORAGE_URL (uploads and generated files — exports, OCDS bulk files — through Django's storage API):

- empty: the local folder MEDIA_ROOT (one machine, or a shared volume mounted at MEDIA_ROOT on every web and worker
  host);
- `file:///srv/qiyue/media`: a local folder named in the address;
- `s3://BUCKET/PREFIX?endpoint_url=https://s3.example.cn&region_name=cn-north-1&addressing_style=path`:
  S3-compatible object storage through django-storages (MinIO, Ceph, a cloud's S3). Credentials come from the
  address (`s3://KEY:SECRET@BUCKET`) or, better, from boto3's own sources (`AWS_ACCESS_KEY_ID` and
  `AWS_SECRET_ACCESS_KEY`, an instance role). Objects are private: downloads go through Qiyue's permission checks.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit

FILE_SYSTEM_STORAGE = "django.core.files.storage.FileSystemStorage"
S3_STORAGE = "storages.backends.s3.S3Storage"
S3_QUERY_OPTIONS = {"endpoint_url", "region_name", "addressing_style", "signature_version"}
ADDRESSING_STYLES = {"auto", "path", "virtual"}


def storage_from_url(url: str) -> dict:
    """The STORAGES["default"] entry for STORAGE_URL."""
    url = url.strip()
    if not url:
        return {"BACKEND": FILE_SYSTEM_STORAGE}  # MEDIA_ROOT, read when the storage is first used
    parts = urlsplit(url)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise ValueError("a file:// address names an absolute folder, e.g. file:///srv/qiyue/media")
        if parts.query or parts.fragment:
            raise ValueError("a file:// address takes no query or fragment")
        return {"BACKEND": FILE_SYSTEM_STORAGE, "OPTIONS": {"location": unquote(parts.path)}}
    if parts.scheme != "s3":
        raise ValueError("expected empty, file:///folder or s3://bucket/prefix?endpoint_url=…")
    credentials, _, bucket = parts.netloc.rpartition("@")
    if not bucket:
        raise ValueError("an s3:// address names its bucket, e.g. s3://qiyue-media")
    options: dict = {
        "bucket_name": bucket,
        "location": unquote(parts.path).strip("/"),
        "default_acl": None,  # the bucket's own (private) policy; never public-read
        "querystring_auth": True,
        "file_overwrite": False,  # a name already taken gets a new one, as on the local folder
    }
    if credentials:
        key, colon, secret = credentials.partition(":")
        if not (key and colon and secret):
            raise ValueError("credentials in an s3:// address are KEY:SECRET@bucket (or leave them to AWS_* variables)")
        options["access_key"], options["secret_key"] = unquote(key), unquote(secret)
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name not in S3_QUERY_OPTIONS:
            raise ValueError(f"unknown s3:// option {name!r}; known: {', '.join(sorted(S3_QUERY_OPTIONS))}")
        if not value:
            raise ValueError(f"the s3:// option {name!r} has no value")
        if name == "endpoint_url":
            endpoint = urlsplit(value)
            if endpoint.scheme not in ("http", "https") or not endpoint.netloc:
                raise ValueError(f"endpoint_url={value!r} is not an http(s) address")
        if name == "addressing_style" and value not in ADDRESSING_STYLES:
            raise ValueError(f"addressing_style={value!r} is not one of {', '.join(sorted(ADDRESSING_STYLES))}")
        options[name] = value
    return {"BACKEND": S3_STORAGE, "OPTIONS": options}
