# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One namespace's uplink on its own (the netns_uplink module), planned through the same
reconcilers a topology's uplink goes through. Private to linuxnet.netns.
"""

from ansible_collections.linuxnet.netns.plugins.module_utils._description.model import AddressSet, Veth
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.address import plan_addresses
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.lookups import uplink_egress
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.firewall import plan_firewall
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.forwarding import plan_recorded_sysctls
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.route import plan_route
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.veth import plan_veth
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import ABSENT


def plan_uplink(view, request, plan):
    uplink = request.uplink
    view.require_namespace(uplink.netns)
    veth = Veth(name=uplink.interface, peer=uplink.inner, netns=uplink.router, peer_netns=uplink.netns,
                state=request.state, owner=request.owner, bridge=uplink.bridge)
    if request.state == ABSENT:
        plan_firewall(view, request.firewall(), plan)
        plan_recorded_sysctls(view, request.recorded_sysctls(), plan)
        plan_veth(view, veth, plan)  # the routes through it go with it
        return {"uplink": None}
    plan_veth(view, veth, plan)
    for name, netns, addresses in ((uplink.interface, uplink.router, uplink.router_addresses),
                                   (uplink.inner, uplink.netns, uplink.addresses)):
        plan_addresses(view, AddressSet(name, addresses, netns, nodad=True), plan)
    for route in uplink.routes():
        plan_route(view, route, plan)
    plan_recorded_sysctls(view, request.recorded_sysctls(), plan)
    plan_firewall(view, request.firewall(), plan)
    return {"uplink": describe_uplink(uplink, uplink_egress(view, uplink))}


def describe_uplink(uplink, egress):
    """An uplink as results report it, with the egress interface its traffic leaves by."""
    return {"netns": uplink.netns, "router": uplink.router, "interface": uplink.interface, "inner": uplink.inner,
            "router_addresses": [str(address) for address in uplink.router_addresses],
            "addresses": [str(address) for address in uplink.addresses], "nat": uplink.nat, "egress": egress}
