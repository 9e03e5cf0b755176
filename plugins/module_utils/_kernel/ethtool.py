# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ethtool door: a link's offload features over ethtool's generic netlink family.
Private to linuxnet.netns.

pyroute2's ethtool client reads and changes features by ioctl only; the netlink messages for them
(ETHTOOL_MSG_FEATURES_GET and _SET) are declared here with pyroute2's own message classes and
its ethtool header and bitset attributes, and sent on pyroute2's generic netlink socket.
"""

from dataclasses import dataclass

from ansible_collections.linuxnet.netns.plugins.module_utils._kernel import namespaces
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.netlink import _request

_FEATURES_GET = 11
_FEATURES_SET = 12
_NLM_F_REQUEST = 0x1
_NLM_F_ACK = 0x4


@dataclass(frozen=True)
class FeaturesRecord:
    active: frozenset  # kernel feature names that are on, such as 'tx-tcp-segmentation'
    changeable: frozenset  # the ones this device lets a user turn on or off


def _message_class():
    from pyroute2.netlink import genlmsg
    from pyroute2.netlink.generic import ethtool

    class ethtool_features_msg(genlmsg):
        nla_map = (
            ("ETHTOOL_A_FEATURES_UNSPEC", "none"),
            ("ETHTOOL_A_FEATURES_HEADER", "ethtoolheader"),
            ("ETHTOOL_A_FEATURES_HW", "ethtoolbitset"),
            ("ETHTOOL_A_FEATURES_WANTED", "ethtoolbitset"),
            ("ETHTOOL_A_FEATURES_ACTIVE", "ethtoolbitset"),
            ("ETHTOOL_A_FEATURES_NOCHANGE", "ethtoolbitset"),
        )
        ethtoolheader = ethtool.ethtoolheader
        ethtoolbitset = ethtool.ethtoolbitset

    return ethtool_features_msg


def _names(bitset):
    """The names of the bits a bitset sets: in list form (no mask) every bit listed is set; with a
    mask, the listed bits are the mask and a value flag marks those set."""
    if bitset is None:
        return frozenset()
    bits = bitset.get_attr("ETHTOOL_A_BITSET_BITS")
    if bits is None:
        return frozenset()
    listed = bits.get_attrs("ETHTOOL_A_BITSET_BITS_BIT")
    if bitset.get_attr("ETHTOOL_A_BITSET_NOMASK") is None:
        listed = [bit for bit in listed if bit.get_attr("ETHTOOL_A_BITSET_BIT_VALUE") is not None]
    return frozenset(bit.get_attr("ETHTOOL_A_BITSET_BIT_NAME") for bit in listed)


class EthtoolSession:
    """ethtool requests inside the namespace of one NetnsHandle; the socket opens on first use."""

    def __init__(self, handle, label):
        self.handle = handle
        self.label = label
        self._socket = None
        self._message = None

    @property
    def _genl(self):
        if self._socket is None:
            from pyroute2.netlink.generic import GenericNetlinkSocket

            self._message = _message_class()
            genl = GenericNetlinkSocket(fileno=self.handle.netlink_fd(namespaces.NETLINK_GENERIC))
            try:
                genl.bind("ethtool", self._message)
            except Exception:
                genl.close()
                raise
            self._socket = genl
        return self._socket

    def close(self):
        """Close the socket; the session opens a new one if it is used again."""
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def _send(self, command, name, attrs=(), flags=_NLM_F_REQUEST):
        genl = self._genl
        msg = self._message()
        msg["cmd"] = command
        msg["version"] = 1
        msg["attrs"] = [("ETHTOOL_A_FEATURES_HEADER", {"attrs": [("ETHTOOL_A_HEADER_DEV_NAME", name)]}), *attrs]
        return list(genl.nlm_request(msg, msg_type=genl.prid, msg_flags=flags))

    def features(self, name):
        with _request(f"read the offloads of {name!r} in {self.label}"):
            reply = self._send(_FEATURES_GET, name)[0]
        return FeaturesRecord(active=_names(reply.get_attr("ETHTOOL_A_FEATURES_ACTIVE")),
                              changeable=_names(reply.get_attr("ETHTOOL_A_FEATURES_HW")))

    def set_features(self, name, wanted):
        """Turn each feature of {kernel feature name: bool} on or off; the others stay as they are."""
        bits = [("ETHTOOL_A_BITSET_BITS_BIT", {"attrs": [("ETHTOOL_A_BITSET_BIT_NAME", feature)]
                                               + ([("ETHTOOL_A_BITSET_BIT_VALUE", True)] if on else [])})
                for feature, on in sorted(wanted.items())]
        wanted_attr = ("ETHTOOL_A_FEATURES_WANTED", {"attrs": [("ETHTOOL_A_BITSET_BITS", {"attrs": bits})]})
        with _request(f"change the offloads of {name!r} ({', '.join(sorted(wanted))}) in {self.label}"):
            self._send(_FEATURES_SET, name, [wanted_attr], _NLM_F_REQUEST | _NLM_F_ACK)
