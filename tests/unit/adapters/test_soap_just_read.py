"""Accounts read by the duplicate look are handed once, fresh, to the next register read on the same thread."""

import threading
from types import SimpleNamespace

from adapters.soap.just_read import JustRead


def test_the_accounts_are_given_once_to_the_same_thread_while_fresh() -> None:
    memo = JustRead(max_age_seconds=60)
    account = SimpleNamespace(AccountNumber="80000001")
    memo.keep([account, None])
    elsewhere: list[dict[str, object]] = []
    thread = threading.Thread(target=lambda: elsewhere.append(memo.take()))
    thread.start()
    thread.join()
    assert elsewhere == [{}]  # another thread's read asks the service
    assert memo.take() == {"80000001": account}
    assert memo.take() == {}  # given once


def test_accounts_older_than_the_limit_are_not_given() -> None:
    memo = JustRead(max_age_seconds=0)
    memo.keep([SimpleNamespace(AccountNumber="80000001")])
    assert memo.take() == {}
