import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._ownership import marked, marker, veth_marked
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
