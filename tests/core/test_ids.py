import time

from hypothesis import given
from hypothesis import strategies as st

from core.ids import new_id


@given(st.sampled_from(["usr", "tok", "run", "evt"]))
def test_ids_are_prefixed_and_opaque(prefix):
    value = new_id(prefix)
    head, _, body = value.partition("_")
    assert head == prefix
    assert len(body) == 26
    assert set(body) <= set("0123456789abcdefghjkmnpqrstvwxyz")


def test_ids_sort_by_creation_time():
    earlier = new_id("evt")
    time.sleep(0.002)
    assert new_id("evt") > earlier


def test_ids_do_not_collide():
    assert len({new_id("tok") for _ in range(10_000)}) == 10_000
