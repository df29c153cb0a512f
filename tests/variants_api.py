"""Variants for the REST API option (issue 6), as cookiecutter extra_context dicts.

The generic harness (test_static.py / test_variant_*.py) can add these to its VARIANTS list.
"""

API_VARIANTS = [
    {"use_api": True},
    {"use_api": False},
    {"use_api": True, "project_name": 'Notes "API" d\'Été', "open_source_license": "Proprietary"},
]
