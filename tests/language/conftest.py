import pytest

from helpers import vocabulary
from policykb import resources
from policykb.language.loader import load_policies


@pytest.fixture(scope="session")
def shipped_policies():
    return load_policies([resources.policies_dir()], vocabulary()).policies
