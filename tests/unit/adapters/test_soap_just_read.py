"""What the duplicate look read is handed once, fresh, to the next register read on the same thread."""

import threading
from types import SimpleNamespace

from adapters.soap.just_read import AccountsLook, JustRead

ACCOUNT = SimpleNamespace(AccountNumber="80000001")
SUMMARIES = (SimpleNamespace(Uprn="100090000001", AccountNumber="80000001"),
             SimpleNamespace(Uprn="100090000002", AccountNumber="80000002"))


def test_the_look_is_given_once_to_the_same_thread_while_fresh() -> None:
    memo: JustRead[AccountsLook] = JustRead(max_age_seconds=60)
    look = AccountsLook(frozenset({"100090000001", "100090000002"}), SUMMARIES, {"80000001": ACCOUNT})
    memo.keep(look)
    elsewhere: list[AccountsLook | None] = []
    thread = threading.Thread(target=lambda: elsewhere.append(memo.take()))
    thread.start()
    thread.join()
    assert elsewhere == [None]  # another thread's read asks the service
    assert memo.take() == look
    assert memo.take() is None  # given once


def test_a_look_older_than_the_limit_is_not_given() -> None:
    memo: JustRead[AccountsLook] = JustRead(max_age_seconds=0)
    memo.keep(AccountsLook(frozenset({"100090000001"}), SUMMARIES[:1], {"80000001": ACCOUNT}))
    assert memo.take() is None


def test_the_summaries_of_the_properties_asked_for() -> None:
    look = AccountsLook(frozenset({"100090000001", "100090000002"}), SUMMARIES)
    assert look.summaries_at(["100090000002", "100090000003"]) == [SUMMARIES[1]]


def test_a_peek_leaves_the_look_for_the_read_that_takes_it() -> None:
    memo: JustRead[AccountsLook] = JustRead(max_age_seconds=60)
    look = AccountsLook(frozenset({"100090000001"}), SUMMARIES[:1], {"80000001": ACCOUNT})
    memo.keep(look)
    assert memo.peek() == look
    assert memo.take() == look
    assert memo.peek() is None
