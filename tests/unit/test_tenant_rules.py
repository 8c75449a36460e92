"""Slug and host rules of tenancy."""

import pytest

from tenants.rules import InvalidSlug, normalise_host, schema_for, subdomain_slug, validate_domain, validate_slug


@pytest.mark.parametrize("slug", ["ab", "cabinet-martin", "agence2", "a1-b2-c3", "x" * 40])
def test_valid_slugs(slug):
    assert validate_slug(slug) == slug


@pytest.mark.parametrize(
    "slug, reason",
    [
        ("", "between 2 and 40"),
        ("a", "between 2 and 40"),
        ("x" * 41, "between 2 and 40"),
        ("Cabinet", "lowercase"),
        ("cabinet_martin", "lowercase"),
        ("-cabinet", "lowercase"),
        ("cabinet-", "lowercase"),
        ("cabinet martin", "lowercase"),
        ("cabinet--martin", "two hyphens"),
        ("café", "lowercase"),
        ("www", "reserved"),
        ("api", "reserved"),
        ("signup", "reserved"),
    ],
)
def test_invalid_slugs(slug, reason):
    with pytest.raises(InvalidSlug, match=reason):
        validate_slug(slug)


def test_schema_name_is_prefixed_and_has_no_hyphen():
    assert schema_for("cabinet-martin") == "tenant_cabinet_martin"


def test_host_is_normalised():
    assert normalise_host("Demo.LocalHost:5000") == "demo.localhost"
    assert normalise_host("example.fr.") == "example.fr"


def test_only_one_label_before_the_platform_domain_is_a_slug():
    assert subdomain_slug("demo.localhost", "localhost") == "demo"
    assert subdomain_slug("a.b.localhost", "localhost") is None
    assert subdomain_slug("localhost", "localhost") is None
    assert subdomain_slug("demo.example.fr", "localhost") is None


def test_custom_domains_are_validated():
    assert validate_domain("Extranet.Cabinet-Martin.fr") == "extranet.cabinet-martin.fr"
    for bad in ["localhost", "-bad.fr", "no_underscore.fr", "x.y"]:
        with pytest.raises(ValueError):
            validate_domain(bad)
