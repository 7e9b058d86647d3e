"""The schema says which fields can be null because the serializers say so: a read-only field that
can come back null (default=None, or read through a nullable column or relation) must declare
allow_null, or a client generated from the schema rejects real data. The contract test then checks
the responses themselves against the schema, on data where every optional field is empty."""

import importlib
import inspect
import pkgutil

from django.core.exceptions import FieldDoesNotExist
from rest_framework import serializers

import gridcase


def api_serializers():
    for info in pkgutil.walk_packages(gridcase.__path__, "gridcase."):
        if info.name.startswith("gridcase.api.") or info.name.endswith(".api"):
            module = importlib.import_module(info.name)
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, serializers.Serializer) and cls.__module__ == module.__name__:
                    yield cls


def can_be_null(model, source: str) -> bool:
    """Whether reading `source` ("office.name", "merged_into_id") from `model` may give None."""
    for part in source.split("."):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            try:
                field = model._meta.get_field(part.removesuffix("_id"))
            except FieldDoesNotExist:
                return False  # a property or method: its own business
        if field.many_to_many or field.one_to_many:
            return False  # a list, never null
        if field.null:
            return True
        model = field.related_model
        if model is None:
            return False
    return False


def undeclared_nulls(cls) -> list[str]:
    model = getattr(getattr(cls, "Meta", None), "model", None)
    found = []
    for name, field in cls().fields.items():
        if not field.read_only or field.allow_null or isinstance(field, serializers.ListSerializer):
            continue
        source = field.source or name
        if field.default is None or (model is not None and source != "*" and can_be_null(model, source)):
            found.append(f"{cls.__module__}.{cls.__name__}.{name}")
    return found


def test_every_field_that_can_be_null_says_so():
    classes = list(api_serializers())
    assert len(classes) > 20, classes  # the walk found the API's serializers
    assert [name for cls in classes for name in undeclared_nulls(cls)] == []
