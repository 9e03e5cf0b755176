# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The words every layer shares, written once: states, busy policies, how a namespace is named
in messages, the marker of what a topology made, the forwarding sysctls, and the option specs several modules take. Pure Python.
Private to linuxnet.netns.
"""

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError

PRESENT = "present"
ABSENT = "absent"
STATES = (PRESENT, ABSENT)

# What removing a namespace does when processes still run inside it.
BUSY_POLICIES = ("fail", "detach", "kill")
DEFAULT_BUSY_POLICY = "fail"

HOST = "host"  # the host's own namespace, in graphs, matrices and endpoint labels
LOOPBACK = "lo"
ETC_FILES = ("resolv.conf", "hosts")  # a namespace's own /etc files, under /etc/netns/NS

# IP version -> the sysctl that turns forwarding on inside a namespace.
FORWARDING_SYSCTLS = {4: "net.ipv4.ip_forward", 6: "net.ipv6.conf.all.forwarding"}

STATE_OPTION = {"type": "str", "default": PRESENT, "choices": list(STATES)}
NETNS_OPTION = {"type": "str"}
# The guard of the host's own network: allow_host_network passes it; force still does, deprecated.
GUARD_OPTIONS = {"allow_host_network": {"type": "bool", "default": False}, "force": {"type": "bool", "default": False}}
WHEN_BUSY_OPTION = {"type": "str", "default": DEFAULT_BUSY_POLICY, "choices": list(BUSY_POLICIES)}


def where(netns):
    """How a namespace is named in messages and targets (None is the host's own)."""
    return f"namespace {netns!r}" if netns is not None else "the host namespace"


def node(netns):
    """A namespace as a node of a graph or matrix: its name, or HOST."""
    return netns if netns is not None else HOST


def interface_label(netns, name):
    """An interface named short, as NETNS/NAME (host/NAME in the host namespace)."""
    return f"{node(netns)}/{name}"


# The offloads a link setting names -> the kernel features each turns on or off (as ethtool's
# own short names do: tso is every TCP segmentation feature, tx_checksum every tx checksum one).
OFFLOAD_FEATURES = {
    "tso": ("tx-tcp-segmentation", "tx-tcp-ecn-segmentation", "tx-tcp-mangleid-segmentation",
            "tx-tcp6-segmentation", "tx-tcp-accecn-segmentation"),
    "gso": ("tx-generic-segmentation",),
    "gro": ("rx-gro",),
    "tx_checksum": ("tx-checksum-ipv4", "tx-checksum-ip-generic", "tx-checksum-ipv6", "tx-checksum-fcoe-crc",
                    "tx-checksum-sctp"),
    "rx_udp_gro_forwarding": ("rx-udp-gro-forwarding",),
}
# The modes of the children of a host interface, as the kernel numbers them.
CHILD_MODES = {
    "macvlan": {"private": 1, "vepa": 2, "bridge": 4, "passthru": 8},
    "ipvlan": {"l2": 0, "l3": 1, "l3s": 2},
    "vlan": {"802.1Q": 0x8100, "802.1ad": 0x88A8},  # a VLAN sub-interface's protocol
}


def child_mode_name(kind, number):
    """A macvlan's or ipvlan's mode by name, from the kernel's number (None when unknown)."""
    return next((name for name, known in CHILD_MODES.get(kind, {}).items() if known == number), None)


SHAPE_KEYS = ("delay", "jitter", "loss", "duplicate", "reorder", "corrupt", "rate", "burst", "limit")
NETEM_KEYS = ("delay", "jitter", "loss", "duplicate", "reorder", "corrupt")
MARKER_PREFIX = "linuxnet.netns:"


def owners(alias):
    """The markers an interface alias carries: several when topologies share the object."""
    return tuple(word for word in (alias or "").split() if word.startswith(MARKER_PREFIX))


def with_owner(alias, owner):
    return " ".join(dict.fromkeys((*owners(alias), owner)))


def without_owner(alias, owner):
    return " ".join(marked for marked in owners(alias) if marked != owner)


def marker(topology_name):
    """The interface alias that marks what the topology `topology_name` made."""
    name = topology_name
    if not isinstance(name, str) or not name or len(name) > 200 or not name.isprintable():
        raise ValidationError(f"topology name {name!r} must be a printable string of 1 to 200 characters")
    return MARKER_PREFIX + name
