"""Variants for the deployment checks (tests/test_deploy_static.py).

Every pair of ``use_docker`` x ``ci_tool`` values appears, plus the oldest and newest Python (the
Dockerfile's base image and the CI interpreter follow ``python_version``) and a slug whose wheel
file name differs from it (the Dockerfile must name that wheel exactly).
"""

DEPLOY_VARIANTS: list[dict] = [
    {},  # use_docker=true, ci_tool=jenkins, python 3.12
    {"ci_tool": "github"},
    {"ci_tool": "none", "python_version": "3.13"},
    {"use_docker": False},
    {"use_docker": False, "ci_tool": "github", "python_version": "3.10"},
    {"use_docker": False, "ci_tool": "none"},
    {"project_name": "Acme Orders", "project_slug": "acme.orders--api", "ci_tool": "github"},
]
