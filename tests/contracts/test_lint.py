"""Each implemented product's spec passes openapi-spec-validator (the npm linters run in .ci/run)."""
import pytest

from contracts.lint import spec_errors
from contracts.specs import implemented_products, spec_path


@pytest.mark.parametrize("product", implemented_products())
def test_spec_is_valid_openapi_30(product):
    assert spec_errors(spec_path(product)) == []
