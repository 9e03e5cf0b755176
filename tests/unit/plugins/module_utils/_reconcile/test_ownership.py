import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import marker
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.ownership import (
    marked,
    namespace_marked,
    veth_marked,
)
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.view import KernelView
from ansible_collections.linuxnet.netns.tests.unit.plugins.module_utils._reconcile.fake_kernel import FakeKernel

OWNER = "linuxnet.netns:lab"


def test_the_marker_names_the_topology():
    assert marker("lab") == OWNER


@pytest.mark.parametrize("name", ["", None, "a\nb", "x" * 201, 7])
def test_a_topology_name_that_cannot_be_a_marker_is_refused(name):
    with pytest.raises(ValidationError, match="must be a printable string of 1 to 200 characters"):
        marker(name)


def test_a_link_is_marked_when_any_given_record_carries_the_marker():
    kernel = FakeKernel()
    kernel.add_namespace("red", owner=OWNER)
    lo = KernelView(kernel).link("red", "lo")
    assert marked(OWNER, None, lo) and not marked("linuxnet.netns:other", lo) and marked(None)


def test_a_pair_is_ours_when_an_end_sits_in_a_namespace_of_ours():
    kernel = FakeKernel()
    kernel.add_namespace("mine", owner=OWNER)
    kernel.add_namespace("theirs")
    kernel.netlink("theirs").add_veth("a", "b", kernel.netlink("mine"))
    view = KernelView(kernel)
    end = ("theirs", view.link("theirs", "a"))
    assert veth_marked(view, OWNER, end, ("mine", view.link("mine", "b")))
    assert not veth_marked(view, OWNER, end, (None, None))


def test_a_namespace_we_made_is_known_as_ours_or_not_without_entering_it():
    kernel = FakeKernel()
    kernel.create_namespace("ours", "linuxnet.netns:t")
    kernel.create_namespace("theirs", "linuxnet.netns:other")
    view = KernelView(kernel)
    assert namespace_marked(view, "ours", "linuxnet.netns:t")
    assert not namespace_marked(view, "theirs", "linuxnet.netns:t")
    assert kernel.entered == []


def test_a_namespace_without_a_record_is_judged_by_its_loopback_alone():
    kernel = FakeKernel()
    kernel.add_namespace("older", owner="linuxnet.netns:t")  # made before owner records existed
    kernel.add_namespace("users")
    view = KernelView(kernel)
    assert namespace_marked(view, "older", "linuxnet.netns:t")
    assert not namespace_marked(view, "users", "linuxnet.netns:t")
    assert kernel.entered == ["older", "users"]
