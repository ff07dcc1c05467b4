from processors.circuit_breaker import BreakerState, CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def state_of(breaker: CircuitBreaker) -> BreakerState:
    return breaker.state


def test_opens_after_consecutive_failures_and_lets_one_trial_through_later() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=3, open_seconds=2, clock=clock)
    for _ in range(2):
        assert breaker.allow()
        breaker.record_failure()
    assert state_of(breaker) is BreakerState.CLOSED
    breaker.record_failure()
    assert state_of(breaker) is BreakerState.OPEN
    assert not breaker.allow()
    clock.now = 2.5
    assert breaker.allow()
    assert not breaker.allow()  # one trial at a time
    breaker.record_success()
    assert state_of(breaker) is BreakerState.CLOSED
    assert breaker.allow()


def test_a_failed_trial_opens_it_again_for_longer_up_to_a_cap() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=1, open_seconds=2, max_open_seconds=5, clock=clock)
    breaker.record_failure()
    waits = []
    for _ in range(4):
        waits.append(breaker.seconds_until_trial())
        clock.now += breaker.seconds_until_trial()
        assert breaker.allow()
        breaker.record_failure()
    assert waits == [2, 4, 5, 5]


def test_a_success_resets_the_failure_count() -> None:
    breaker = CircuitBreaker(failure_threshold=2, clock=Clock())
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert state_of(breaker) is BreakerState.CLOSED
