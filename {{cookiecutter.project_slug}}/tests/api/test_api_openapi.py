"""Property-based run against the OpenAPI document (schemathesis, in-process WSGI); marked
``integration`` (about 25 s), so `make test-all` and CI run it and a plain `pytest` does not.

Every operation gets generated requests, sent with an admin's bearer token; no response may be a
500 or disagree with the document (status code, content type, body schema).
"""

import pytest
import schemathesis
from flask_jwt_extended import create_access_token
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# Not response_headers_conformance: flask-smorest documents the X-Pagination header with the
# schema of the JSON object it holds, while a header value is always a string.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
#: Generated requests per operation; the whole run stays well under 30 seconds.
MAX_EXAMPLES = 25


@pytest.mark.integration
def test_api_matches_its_openapi_document(app, make_user):
    admin = make_user("admin@example.com", role="admin")
    app.config["API_AUTH_RATE_LIMIT"] = "1000 per minute"
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            # A fresh token per request: the revoke operation may have revoked the last one.
            token = create_access_token(identity=admin)
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

        check()
