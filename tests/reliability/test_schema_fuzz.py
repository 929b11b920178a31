"""Schema fuzzing: schemathesis generates valid and invalid requests for every operation in the OpenAPI schema
(`/api/schema/`, built by drf-spectacular) and sends them to the live app. No answer may be a 5xx."""
import json

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

pytestmark = [pytest.mark.django_db(transaction=True)]


def load_schema():
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    data = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(data))


schema = schemathesis.openapi.from_dict(load_schema())


@pytest.fixture
def fuzz_client(http, broker):
    # Valid submissions enqueue real jobs: they go to the test broker (no worker runs them here).
    return http


@schema.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_operation_answers_5xx(case, fuzz_client):
    response = case.call(session=fuzz_client, base_url=fuzz_client.base_url)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} → {response.status_code}\n{response.text[:500]}\n"
        f"reproduce: {case.as_curl_command()}")
