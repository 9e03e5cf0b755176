"""An in-memory kernel with the methods of _kernel.kernel.Kernel, so that the real KernelView and
the reconcilers plan and apply against it without root.

It models what the reconcilers rely on: namespaces with lo, links by index (veth pairs across
namespaces with peer ifindex and netnsid, bridges with ports), addresses, main-table routes,
sysctls, processes. Requests the real kernel would refuse raise the same errors the netlink
door raises (AlreadyExists, KernelError).
"""
import ipaddress
import itertools
import json

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import AlreadyExists, KernelError, NotFoundError
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.ethtool import FeaturesRecord
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.namespaces import UNRECORDED
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.traffic import QdiscRecord
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.netlink_plain import RTPROT_LINUXNET
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.policy_rules import RuleRecord
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.messages import (
    AddressRecord,
    LinkRecord,
    RouteRecord,
    VxlanRecord,
)
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import where

# A new veth's offload features, as this project's kernel sets them.
VETH_CHANGEABLE = frozenset({"rx-gro", "rx-udp-gro-forwarding", "tx-checksum-ip-generic", "tx-checksum-sctp",
                             "tx-generic-segmentation", "tx-tcp-segmentation", "tx-tcp-ecn-segmentation",
                             "tx-tcp-mangleid-segmentation", "tx-tcp6-segmentation"})
VETH_ACTIVE = VETH_CHANGEABLE - {"rx-gro", "rx-udp-gro-forwarding"}

HOST_SYSCTLS = {"net.ipv4.ip_forward": "0", "net.ipv6.conf.all.forwarding": "0",
                "net.ipv4.icmp_echo_ignore_all": "0"}


class FakeNamespace:
    def __init__(self, name, lo_up=True, lo_alias=None):
        self.name = name
        self.links = {}  # index -> dict of attributes
        self.addresses = []  # (index, ipaddress interface)
        self.routes = []  # RouteRecord
        self.rules = []  # RuleRecord
        self.sysctls = dict(HOST_SYSCTLS)
        self.nsids = {}  # other namespace name -> id it is known by here
        self._indexes = itertools.count(1)
        self.add_link("lo", "loopback", up=lo_up, mtu=65536, alias=lo_alias)

    def add_link(self, name, kind, **attributes):
        if self.by_name(name) is not None:
            raise AlreadyExists(f"interface {name!r} exists in {where(self.name)}")
        index = next(self._indexes)
        self.links[index] = {"index": index, "name": name, "kind": kind, "up": False, "mtu": 1500, "master": None,
                             "peer": None, "stp": False if kind == "bridge" else None, "alias": None,
                             "mac": f"02:00:00:00:{index // 256:02x}:{index % 256:02x}", "txqueuelen": 1000,
                             "tx_queues": 2, "gso_max_size": 65536, "gro_max_size": 65536,
                             "features": set(VETH_ACTIVE), "changeable": VETH_CHANGEABLE, "qdiscs": [],
                             **attributes}
        return index

    def by_name(self, name):
        """By name or alternative name, as the kernel finds a link."""
        return next((link for link in self.links.values() if name in (link["name"], *link.get("altnames", ()))), None)


class FakeKernel:
    def __init__(self):
        self.namespaces = {None: FakeNamespace(None)}
        self.processes = {}  # netns -> [(pid, command)]
        self.killed = []
        self.requests = []  # every change, as (what, netns, name), in order
        self.saved = {}  # topology name -> saved description
        self.etc = {}  # (netns, file name) -> content, as under /etc/netns
        self.host_etc = {"hosts", "resolv.conf"}  # the host's own /etc files of these names
        self._nsids = itertools.count(0)
        self.qdisc_kinds = {"tbf"}  # as on this project's machines: no netem
        self.link_kinds = {"veth", "bridge", "vxlan", "macvlan", "ipvlan"}  # no dummy, vrf or vlan
        self.vlan_filtering = False  # nor VLAN-aware bridges
        self.owner_records = {}  # what create_namespace records; namespaces added by hand have none
        self.entered = []  # every namespace a netlink session was asked for, in order
        self.connection = None  # the host's address of the SSH connection the module runs under
        self.controller = None  # the controller's address of that connection
        self.records = {}  # (kind, json of key) -> record
        self.nft_tables = {}  # (netns, family, name) -> listed objects, as the kernel lists them
        self.nft_installed = True
        self.listening_sockets = {}  # netns -> {(protocol, ipaddress address, port)}
        self.services = {}  # json of [topology, netns, name] -> record, as started
        self.service_states = {}  # json of key -> state, for a service found not running
        self.programs = {"bird": "/usr/sbin/bird", "sleep": "/usr/bin/sleep"}  # what resolve_program finds
        self._pids = itertools.count(4000)

    # building a starting state
    def add_namespace(self, name, owner=None, lo_up=True):
        self.namespaces[name] = FakeNamespace(name, lo_up=lo_up, lo_alias=owner)
        return self.namespaces[name]

    def link(self, netns, name):
        return self.namespaces[netns].by_name(name)

    # the Kernel interface
    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        pass

    def namespace_exists(self, netns):
        return netns in self.namespaces

    def namespace_names(self):
        return sorted(name for name in self.namespaces if name is not None)

    def processes_by_namespace(self):
        return {("fake", name): list(found) for name, found in self.processes.items()}

    def namespace_identity(self, netns):
        return ("fake", netns)

    def kill_processes(self, pids):
        self.killed.extend(pids)

    def create_namespace(self, netns, loopback_alias=None):
        if netns in self.namespaces:
            return False
        self.requests.append(("create namespace", netns, None))
        self.add_namespace(netns, owner=loopback_alias)
        if loopback_alias is not None:
            self.owner_records[netns] = loopback_alias
        return True

    def record_namespace_owner(self, netns, owner):
        self.requests.append(("record owner", netns, None))
        self.owner_records[netns] = owner

    def recorded_owner(self, netns):
        return self.owner_records.get(netns, UNRECORDED)

    def remove_namespaces(self, names, done):
        for netns in names:
            self.remove_namespace(netns)
            done(netns)

    def remove_namespace(self, netns):
        self.requests.append(("remove namespace", netns, None))
        self.owner_records.pop(netns, None)
        gone = self.namespaces.pop(netns)
        for link in gone.links.values():
            if link["peer"] is not None and link["peer"][0] != netns:
                peer_netns, peer_index = link["peer"]
                self.namespaces[peer_netns].links.pop(peer_index, None)

    def netlink(self, netns):
        self.entered.append(netns)
        if netns not in self.namespaces:
            raise KernelError(f"namespace {netns!r} does not exist")
        return FakeNetlink(self, netns)

    def loopback_up(self, netns):
        return self.link(netns, "lo")["up"]

    def bring_loopback_up(self, netns):
        self.requests.append(("loopback up", netns, "lo"))
        self.link(netns, "lo")["up"] = True

    def ethtool(self, netns):
        return FakeEthtool(self, netns)

    def qdisc_kind_known(self, kind):
        return kind in self.qdisc_kinds

    def link_kind_known(self, kind):
        return kind in self.link_kinds

    def vlan_filtering_known(self):
        return self.vlan_filtering

    def sysctl_known(self, key):
        return key in HOST_SYSCTLS

    def read_sysctl(self, netns, key):
        space = self.namespaces[netns]
        if key not in space.sysctls:
            interface = key.split(".")[3] if key.startswith(("net.ipv4.conf.", "net.ipv6.conf.")) else None
            if interface is None or space.by_name(interface) is None:
                raise NotFoundError(f"sysctl {key} does not exist")
            space.sysctls[key] = "0"
        return space.sysctls[key]

    def write_sysctl(self, netns, key, value):
        self.requests.append(("sysctl", netns, key))
        self.namespaces[netns].sysctls[key] = str(value)

    def connection_address(self):
        return self.connection

    def connection_peer(self):
        return self.controller

    def record(self, kind, key):
        return self.records.get((kind, json.dumps(key)))

    def write_record(self, kind, key, record):
        self.requests.append(("record", kind, json.dumps(key)))
        self.records[(kind, json.dumps(key))] = record

    def remove_record(self, kind, key):
        self.requests.append(("forget record", kind, json.dumps(key)))
        self.records.pop((kind, json.dumps(key)), None)

    def record_keys(self, kind):
        return [json.loads(key) for recorded, key in self.records if recorded == kind]

    def record_lines(self, kind, key):
        return list(self.records.get((kind, json.dumps(key)), []))

    def append_record_line(self, kind, key, entry):
        self.records.setdefault((kind, json.dumps(key)), []).append(json.loads(json.dumps(entry)))

    def listening(self, netns):
        return set(self.listening_sockets.get(netns, ()))

    def nftables_available(self):
        return self.nft_installed

    def nftables(self, netns):
        return FakeNftables(self, netns)

    def nftables_canonical(self, commands, family, table):
        return listed_as_the_kernel_would(commands)

    def etc_directories(self):
        return {netns for netns, _name in self.etc}

    def etc_file(self, netns, name):
        return self.etc.get((netns, name))

    def host_has_etc_file(self, name):
        return name in self.host_etc

    def write_etc_file(self, netns, name, content):
        self.requests.append(("write etc", netns, name))
        self.etc[(netns, name)] = content

    def remove_etc_file(self, netns, name):
        self.requests.append(("remove etc", netns, name))
        self.etc.pop((netns, name), None)

    def service_manager(self):
        return "supervisor"

    def resolve_program(self, program):
        return program if program.startswith("/") else self.programs.get(program)

    def service_record(self, key):
        return self.services.get(json.dumps(key))

    def service_keys(self):
        return [json.loads(key) for key in self.services]

    def service_status(self, key, found):
        if found is None:
            return {"state": "stopped", "pid": None}
        state = self.service_states.get(json.dumps(key), "running")
        return {"state": state, "pid": found["pid"] if state == "running" else None}

    def service_processes(self, found):
        return [found["pid"]] if found is not None else []

    def service_log(self, found):
        return "a line of output"

    def start_service(self, key, spec):
        self.requests.append(("start service", key[1], key[2]))
        found = {"manager": "supervisor", "pid": next(self._pids), **spec}
        self.services[json.dumps(key)] = found
        self.service_states.pop(json.dumps(key), None)
        return found

    def stop_service(self, key):
        self.requests.append(("stop service", key[1], key[2]))
        self.services.pop(json.dumps(key), None)

    def saved_description(self, name):
        return self.saved.get(name)

    def save_description(self, name, content):
        self.requests.append(("save", None, name))
        self.saved[name] = content

    def remove_saved_description(self, name):
        self.requests.append(("unsave", None, name))
        return self.saved.pop(name, None) is not None

    def saved_names(self):
        return sorted(self.saved)

    def saved_path(self, name):
        return f"/etc/linuxnet-netns/topologies/{name}.json"

    def nsid(self, netns, other):
        """The id under which `netns` knows `other`, assigned on first use as the kernel does."""
        known = self.namespaces[netns].nsids
        if other not in known:
            known[other] = next(self._nsids)
        return known[other]


class FakeNetlink:
    """The requests of _kernel.netlink.NetlinkSession, against one FakeNamespace."""

    def __init__(self, kernel, netns):
        self.kernel = kernel
        self.netns = netns
        self.label = where(netns)

    @property
    def _space(self):
        return self.kernel.namespaces[self.netns]

    def _record(self, link):
        peer_index = peer_nsid = None
        if link["kind"] == "veth" and link["peer"] is not None:
            peer_netns, peer_index = link["peer"]
            peer_nsid = None if peer_netns == self.netns else self.kernel.nsid(self.netns, peer_netns)
        vxlan = VxlanRecord(**link["vxlan"]) if link.get("vxlan") else None
        parent_index = parent_nsid = None
        if link.get("parent") is not None:
            parent_netns, parent_index = link["parent"]
            parent_nsid = None if parent_netns == self.netns else self.kernel.nsid(self.netns, parent_netns)
        return LinkRecord(index=link["index"], name=link["name"], kind=link["kind"], up=link["up"],
                          operstate="UP" if link["up"] else "DOWN", mtu=link["mtu"], mac=link["mac"],
                          master=link["master"], peer_index=peer_index, peer_nsid=peer_nsid, stp=link["stp"],
                          alias=link["alias"], vxlan=vxlan, txqueuelen=link["txqueuelen"],
                          tx_queues=link["tx_queues"], rx_queues=link["tx_queues"],
                          gso_max_size=link["gso_max_size"], gro_max_size=link["gro_max_size"],
                          parent_index=parent_index, parent_nsid=parent_nsid, mode=link.get("mode"),
                          altnames=link.get("altnames", ()), vlan_filtering=link.get("vlan_filtering"),
                          vlan_id=link.get("vlan_id"))

    def _index(self, index, name):
        if index not in self._space.links:
            raise KernelError(f"interface {name!r} (index {index}) does not exist in {self.label}")
        return self._space.links[index]

    # reading
    def links(self):
        return [self._record(link) for link in self._space.links.values()]

    def addresses(self, index):
        return [AddressRecord(index=i, interface=interface) for i, interface in self._space.addresses if i == index]

    def routes(self):
        return list(self._space.routes)

    def rules(self):
        return list(self._space.rules)

    def add_rule(self, family, priority, source, destination, table):
        self.kernel.requests.append(("add rule", self.netns, table))
        self._space.rules.append(RuleRecord(family=family, priority=32765 if priority is None else priority,
                                            source=source, destination=destination, table=table,
                                            proto=RTPROT_LINUXNET))

    def delete_rule(self, record):
        self.kernel.requests.append(("delete rule", self.netns, record.table))
        self._space.rules.remove(record)

    def netnsid_of(self, other):
        return self.kernel.nsid(self.netns, other.netns)

    def link_named(self, name):
        link = self._space.by_name(name)
        return self._record(link) if link is not None else None

    def link_with_index(self, index):
        link = self._space.links.get(index)
        return self._record(link) if link is not None else None

    # links
    def add_veth(self, name, peer, peer_session, mtu=None, master=None, queues=None, peer_queues=None):
        self.kernel.requests.append(("add veth", self.netns, name))
        peer_space = peer_session._space
        if self._space.by_name(name) is not None or peer_space.by_name(peer) is not None:
            raise AlreadyExists(f"create veth {name!r} failed: it already exists")
        extra = {"mtu": mtu} if mtu is not None else {}
        index = self._space.add_link(name, "veth", up=True, master=master, tx_queues=queues or 2, **extra)
        peer_index = peer_space.add_link(peer, "veth", tx_queues=peer_queues or 2, **extra)
        self._space.links[index]["peer"] = (peer_session.netns, peer_index)
        peer_space.links[peer_index]["peer"] = (self.netns, index)

    def add_child(self, name, kind, parent_index, mode, target, mac=None, mtu=None, vlan_id=None):
        """A macvlan, ipvlan or vlan on this namespace's link `parent_index`, made in namespace `target`."""
        self.kernel.requests.append((f"add {kind}", target.netns, name))
        parent = self._index(parent_index, "parent")
        extra = {key: value for key, value in (("mac", mac), ("mtu", mtu), ("vlan_id", vlan_id)) if value is not None}
        target._space.add_link(name, kind, up=False, parent=(self.netns, parent["index"]), mode=mode, **extra)

    def port_vlans(self, index):
        return dict(self._index(index, "port").get("vlans", {1: (True, True)}))

    def change_port_vlans(self, index, name, remove, add):
        self.kernel.requests.append(("port vlans", self.netns, name))
        link = self._index(index, "port")
        vlans = {vid: flags for vid, flags in link.get("vlans", {1: (True, True)}).items() if vid not in remove}
        link["vlans"] = {**vlans, **add}

    def add_bridge(self, name, stp=None, mtu=None, up=True, vlan_filtering=None):
        self.kernel.requests.append(("add bridge", self.netns, name))
        extra = {"mtu": mtu} if mtu is not None else {}
        self._space.add_link(name, "bridge", up=up, stp=bool(stp), vlan_filtering=bool(vlan_filtering), **extra)

    def add_vxlan(self, name, vni, port, local=None, remote=None, learning=True, underlay=None, mtu=None):
        self.kernel.requests.append(("add vxlan", self.netns, name))
        vxlan = {"vni": vni, "local": local, "remote": remote, "port": port, "learning": learning}
        self._space.add_link(name, "vxlan", mtu=mtu or 1450, vxlan=vxlan, flood=[])

    def set_vxlan(self, index, name, local=None, remote=None):
        self.kernel.requests.append(("set vxlan", self.netns, name))
        vxlan = self._index(index, name)["vxlan"]
        vxlan.update({key: value for key, value in (("local", local), ("remote", remote)) if value is not None})

    def move_link(self, index, name, target, new_name=None):
        self.kernel.requests.append(("move link", self.netns, name))
        link = self._space.links.pop(self._index(index, name)["index"])
        link.pop("index")
        moved = target._space.add_link(new_name or name, link.pop("kind"), **{k: v for k, v in link.items() if k != "name"})
        return moved

    def flood_remotes(self, index, name):
        return sorted(self._index(index, name)["flood"], key=str)

    def add_flood_remote(self, index, name, remote):
        self.kernel.requests.append(("add flood", self.netns, name))
        self._index(index, name)["flood"].append(remote)

    def delete_flood_remote(self, index, name, remote):
        self.kernel.requests.append(("delete flood", self.netns, name))
        flood = self._index(index, name)["flood"]
        flood[:] = [peer for peer in flood if str(peer) != str(remote)]

    def set_link(self, index, name, up=None, mtu=None, master=None, stp=None, alias=None, vlan_filtering=None,
                 **settings):
        self.kernel.requests.append(("set link", self.netns, name))
        link = self._index(index, name)
        for key, value in (("up", up), ("mtu", mtu), ("stp", stp), ("alias", alias), ("vlan_filtering", vlan_filtering),
                           *settings.items()):
            if value is not None:
                link[key] = value
        if master is not None:
            link["master"] = master or None

    def delete_link(self, index, name):
        self.kernel.requests.append(("delete link", self.netns, name))
        link = self._space.links.pop(self._index(index, name)["index"])
        for port in self._space.links.values():
            if port["master"] == index:
                port["master"] = None
        if link["peer"] is not None:
            peer_netns, peer_index = link["peer"]
            self.kernel.namespaces[peer_netns].links.pop(peer_index, None)

    # traffic control
    def qdiscs(self, index, name):
        return list(self._index(index, name)["qdiscs"])

    def add_qdisc(self, index, name, kind, handle, parent, options):
        self.kernel.requests.append((f"add {kind}", self.netns, name))
        if kind not in self.kernel.qdisc_kinds:
            raise KernelError(f"add a {kind} qdisc to {name!r} failed: no such object")
        self._index(index, name)["qdiscs"].append(QdiscRecord(kind, handle, parent, dict(options)))

    def delete_root_qdisc(self, index, name):
        self.kernel.requests.append(("delete qdisc", self.netns, name))
        self._index(index, name)["qdiscs"] = []

    # addresses
    def add_address(self, index, interface_name, address, nodad=False):
        self.kernel.requests.append(("add address", self.netns, interface_name))
        if (index, address) in self._space.addresses:
            raise AlreadyExists(f"add address {address} failed: it already exists")
        self._space.addresses.append((index, address))

    def delete_address(self, index, interface_name, address):
        self.kernel.requests.append(("delete address", self.netns, interface_name))
        self._space.addresses.remove((index, address))

    # routes
    def replace_route(self, dst, gateway, oif, metric, table=254, nexthops=()):
        self.kernel.requests.append(("replace route", self.netns, str(dst)))
        self.delete_route(dst, metric, missing_ok=True, table=table)
        family = 2 if dst.version == 4 else 10
        self._space.routes.append(RouteRecord(family=family, dst=dst, gateway=gateway, oif=oif, metric=metric,
                                              proto=RTPROT_LINUXNET, table=table, nexthops=tuple(nexthops)))

    def delete_route(self, dst, metric, missing_ok=False, table=254):
        kept = [route for route in self._space.routes
                if not (route.dst == dst and route.metric == metric and route.table == table)]
        if len(kept) == len(self._space.routes) and not missing_ok:
            raise KernelError(f"delete route to {dst} failed: no such object")
        self._space.routes = kept


def listed_as_the_kernel_would(commands):
    """The listing of what `add` commands make (the fake kernel's normal form: the objects as given)."""
    return [{kind: dict(body)} for command in commands for kind, body in command["add"].items()]


class FakeNftables:
    def __init__(self, kernel, netns):
        self._kernel = kernel
        self._netns = netns

    def ruleset(self):
        return [entry for (netns, _family, _name), listed in self._kernel.nft_tables.items() if netns == self._netns
                for entry in listed]

    def apply(self, commands):
        self._kernel.requests.append(("nftables", self._netns, json.dumps(commands)))
        for command in commands:
            if "delete" in command:
                table = command["delete"]["table"]
                del self._kernel.nft_tables[(self._netns, table["family"], table["name"])]
        added = [command for command in commands if "add" in command]
        if added:
            table = added[0]["add"]["table"]
            self._kernel.nft_tables[(self._netns, table["family"], table["name"])] = listed_as_the_kernel_would(added)


class FakeEthtool:
    """The requests of _kernel.ethtool.EthtoolSession; set_features follows the kernel in keeping
    TSO off while transmit checksumming is off."""

    def __init__(self, kernel, netns):
        self.kernel = kernel
        self.netns = netns

    def _link(self, name):
        link = self.kernel.link(self.netns, name)
        if link is None:
            raise KernelError(f"read the offloads of {name!r} failed: no such interface")
        return link

    def features(self, name):
        link = self._link(name)
        return FeaturesRecord(active=frozenset(link["features"]), changeable=link["changeable"])

    def set_features(self, name, wanted):
        self.kernel.requests.append(("set features", self.netns, name))
        link = self._link(name)
        for feature, on in wanted.items():
            if feature in link["changeable"]:
                (link["features"].add if on else link["features"].discard)(feature)
        if "tx-checksum-ip-generic" not in link["features"]:
            link["features"] -= {"tx-tcp-segmentation", "tx-tcp6-segmentation", "tx-tcp-ecn-segmentation",
                                 "tx-tcp-mangleid-segmentation"}


def with_namespaces(*names):
    """A fake kernel with these namespaces, besides the host's."""
    kernel = FakeKernel()
    for name in names:
        kernel.add_namespace(name)
    return kernel


def with_host_nics(*names):
    """A fake kernel with these namespaces and a host of three NICs: eth0 with the default route (via
    198.18.200.1), eth1 spare with 198.18.201.5/24, eth2 spare (a parent for macvlans)."""
    kernel = with_namespaces(*names)
    host = kernel.namespaces[None]
    uplink = host.add_link("eth0", "device", up=True)
    host.routes.append(RouteRecord(family=2, dst=ipaddress.ip_network("0.0.0.0/0"),
                                   gateway=ipaddress.ip_address("198.18.200.1"), oif=uplink, metric=0, proto=3))
    spare = host.add_link("eth1", "device", up=True)
    host.addresses.append((spare, ipaddress.ip_interface("198.18.201.5/24")))
    host.add_link("eth2", "device", up=True)
    return kernel


def address(text):
    return ipaddress.ip_interface(text)


def planned(kernel, planner, desired):
    """The plan one module run would make against `kernel`, not applied."""
    from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import Plan
    from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.view import KernelView

    plan = Plan()
    planner(KernelView(kernel), desired, plan)
    return plan


def converged(kernel, planner, desired):
    """Plan and apply as one real run does; returns the applied plan."""
    plan = planned(kernel, planner, desired)
    plan.apply()
    return plan


def actions(plan):
    return [(change.kind, change.action) for change in plan.changes]
