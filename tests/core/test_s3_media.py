"""Shared media on an S3-compatible store (AWS_STORAGE_BUCKET_NAME), against a local S3 server (moto's server
mode speaks the S3 REST protocol over HTTP; boto3 talks to it like to AWS)."""
import boto3
import pytest
from PIL import Image

from gallery.models import Creation, CreationKind
from tests.conftest import free_port

BUCKET = "imogen-media"


@pytest.fixture
def s3(settings, monkeypatch):
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for name, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    # What imogen/settings.py builds from AWS_STORAGE_BUCKET_NAME and AWS_S3_ENDPOINT_URL.
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "core.storage.SiteServedS3Storage",
        "OPTIONS": {"bucket_name": BUCKET, "endpoint_url": endpoint, "default_acl": None, "querystring_auth": True},
    }}
    yield client
    server.stop()


def keys(client):
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


@pytest.mark.django_db
def test_creations_live_in_the_bucket_and_are_served_from_the_site(s3, client):
    session = client.session
    session.save()
    creation = Creation.objects.create_from_image(Image.new("RGB", (64, 40), (10, 120, 200)),
                                                  kind=CreationKind.EDIT, session_key=session.session_key)
    stored = keys(s3)
    assert creation.image.name in stored and len(stored) >= 1
    # Same-origin URLs: the CSP (img-src 'self'), download names and the editor's canvas all need that.
    assert creation.image_url == f"/media/{creation.image.name}"
    response = client.get(creation.image_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    body = b"".join(response.streaming_content)
    assert body == s3.get_object(Bucket=BUCKET, Key=creation.image.name)["Body"].read()
    assert client.get(creation.thumbnail_url).status_code == 200

    creation.delete_with_files()
    assert keys(s3) == []
    assert client.get(f"/media/{creation.image.name}").status_code == 404


@pytest.mark.django_db
def test_no_path_tricks_through_the_bucket_route(s3, client):
    for path in ["/media/../secret.txt", "/media/%2e%2e/x.png", "/media/missing.png"]:
        assert client.get(path).status_code == 404, path
