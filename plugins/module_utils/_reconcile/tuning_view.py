# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A link's settings beyond rtnetlink's link attributes: offloads (ethtool), queueing (traffic
control) and a bridge port's VLANs (802.1Q), read when asked and changed here. Private to linuxnet.netns.

Reached as ``view.tuning``; the view's link cache holds neither, so a change forgets nothing.
"""


class TuningView:
    def __init__(self, view):
        self._view = view

    def features(self, netns, name):
        return self._view.kernel.ethtool(netns).features(name)

    def set_features(self, netns, name, wanted):
        self._view.kernel.ethtool(netns).set_features(name, wanted)

    def vlan_filtering_known(self):
        return self._view.kernel.vlan_filtering_known()

    def port_vlans(self, netns, name):
        return self._view.kernel.netlink(netns).port_vlans(self._view.index_of(netns, name))

    def change_port_vlans(self, netns, name, remove, add):
        self._view.kernel.netlink(netns).change_port_vlans(self._view.index_of(netns, name), name, remove, add)

    def qdisc_kind_known(self, kind):
        return self._view.kernel.qdisc_kind_known(kind)

    def qdiscs(self, netns, name):
        return self._view.kernel.netlink(netns).qdiscs(self._view.index_of(netns, name), name)

    def replace_qdiscs(self, netns, name, tree):
        """Replace the root qdisc tree of `name` with `tree`: [(kind, handle, parent, options)]."""
        session, index = self._view.kernel.netlink(netns), self._view.index_of(netns, name)
        session.delete_root_qdisc(index, name)
        for kind, handle, parent, options in tree:
            session.add_qdisc(index, name, kind, handle, parent, options)
