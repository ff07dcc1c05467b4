import pytest

from adapters.memory_revenues import InMemoryRevenuesSystem
from tests.unit.adapters.revenues_contract import RevenuesContract


class TestInMemoryRevenues(RevenuesContract):
    @pytest.fixture
    def revenues(self) -> InMemoryRevenuesSystem:
        return InMemoryRevenuesSystem()
