from web.http.rate_limit import TokenBuckets


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_allowed_then_the_client_waits_for_the_rate() -> None:
    clock = Clock()
    buckets = TokenBuckets(per_minute=60, burst=3, clock=clock)
    assert [buckets.take("1.2.3.4") for _ in range(3)] == [0, 0, 0]
    assert buckets.take("1.2.3.4") == 1.0
    assert buckets.take("5.6.7.8") == 0  # another address has its own bucket
    clock.now += 1
    assert buckets.take("1.2.3.4") == 0


def test_tokens_refill_only_up_to_the_burst() -> None:
    clock = Clock()
    buckets = TokenBuckets(per_minute=600, burst=2, clock=clock)
    buckets.take("a")
    clock.now += 3600
    assert [buckets.take("a") for _ in range(3)] == [0, 0, 0.1]
