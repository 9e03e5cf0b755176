# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The kernel as one object: every door (namespace files, sysctls, netlink) reached through it,
each namespace opened once per module run and closed at the end. Private to linuxnet.netns.

The reconcilers see the kernel only through KernelView, which sees it only through this class;
unit tests put a fake with the same methods in its place. A new kernel interface gets its own
file in this package and its methods here.
"""

import ipaddress
import os
import resource
from collections import OrderedDict

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import AlreadyExists
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel import (
    bridge_vlans,
    namespaces,
    netns_etc,
    nftables,
    records,
    saved,
    services,
    sockets,
    sysctl,
)
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.ethtool import EthtoolSession
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.netlink import (
    LOOPBACK_INDEX,
    NetlinkSession,
    link_kind_known,
    qdisc_kind_known,
)
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import LOOPBACK


class Kernel:
    def __init__(self):
        self._handles = {}
        self._netlink = {}
        self._ethtool = {}
        self._qdisc_kinds = {}
        self._link_kinds = {}
        self._vlan_filtering = None  # whether bridges can filter by VLAN, once asked
        self._open = OrderedDict()  # namespaces whose descriptors are open, least recently used first
        self._open_budget = _namespaces_open_at_once(_raise_open_file_limit())

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        for netns in list(self._handles):
            self._forget(netns)

    # namespaces as files
    def namespace_exists(self, netns):
        return netns is None or namespaces.exists(netns)

    def namespace_names(self):
        return namespaces.names()

    def processes_by_namespace(self):
        """{namespace identity: [(pid, command)]}, from one scan of /proc."""
        return namespaces.processes_by_namespace()

    def namespace_identity(self, netns):
        return namespaces.identity(netns)

    def kill_processes(self, pids):
        namespaces.kill_processes(pids)

    def create_namespace(self, netns, loopback_alias=None):
        """Create `netns` with lo up (and marked with loopback_alias); False when it already existed."""
        prepare = None
        if loopback_alias is not None:
            def prepare(handle):
                session = NetlinkSession(handle)
                self._netlink[netns] = session
                session.set_link(LOOPBACK_INDEX, LOOPBACK, alias=loopback_alias)

        self._forget(netns)
        try:
            self._handles[netns] = namespaces.create(netns, prepare)
        except AlreadyExists:
            return False
        except BaseException:
            session = self._netlink.pop(netns, None)
            if session is not None:
                session.close()
            raise
        self._used(netns)
        if loopback_alias is not None:
            namespaces.record_owner(netns, loopback_alias)
        return True

    def record_namespace_owner(self, netns, owner):
        namespaces.record_owner(netns, owner)

    def recorded_owner(self, netns):
        """Who made `netns`, as recorded when it was made (no need to enter it); or UNRECORDED."""
        return namespaces.recorded_owner(netns)

    def remove_namespaces(self, names, done):
        """Remove the namespaces (their links go with them) back to back; done(name) after each."""
        for netns in names:
            self._forget(netns)
        namespaces.remove_all(names, done)

    # inside one namespace
    def handle(self, netns):
        if netns not in self._handles:
            self._handles[netns] = namespaces.open_handle(netns)
        self._used(netns)
        return self._handles[netns]

    def netlink(self, netns):
        if netns not in self._netlink:
            self._netlink[netns] = NetlinkSession(self.handle(netns))
        self._used(netns)
        return self._netlink[netns]

    def ethtool(self, netns):
        if netns not in self._ethtool:
            self._ethtool[netns] = EthtoolSession(self.handle(netns), self.netlink(netns).label)
        self._used(netns)
        return self._ethtool[netns]

    def _used(self, netns):
        """Mark `netns` as just used; past the budget, release the least recently used one. Its
        handle and sessions stay usable and open their descriptors again when next used."""
        if netns is None:
            return
        self._open[netns] = True
        self._open.move_to_end(netns)
        while len(self._open) > self._open_budget:
            idle, _used = self._open.popitem(last=False)
            for sessions in (self._ethtool, self._netlink):
                if idle in sessions:
                    sessions[idle].close()
            if idle in self._handles:
                self._handles[idle].release()

    def connection_address(self):
        """The host's address of the SSH connection the module runs under, from its environment."""
        return connection_address(os.environ)

    def connection_peer(self):
        """The controller's address of the SSH connection the module runs under, from its environment."""
        return connection_address(os.environ, peer=True)

    def nftables(self, netns):
        return nftables.NftablesSession(self.handle(netns))

    def nftables_available(self):
        return nftables.available()

    def nftables_canonical(self, commands, family, table):
        return nftables.canonical(commands, family, table)

    def record(self, kind, key):
        return records.read(kind, key)

    def write_record(self, kind, key, record):
        records.write(kind, key, record)

    def remove_record(self, kind, key):
        records.remove(kind, key)

    def record_keys(self, kind):
        return records.keys(kind)

    def record_lines(self, kind, key):
        return records.read_lines(kind, key)

    def append_record_line(self, kind, key, entry):
        records.append_line(kind, key, entry)

    def qdisc_kind_known(self, kind):
        """Whether this kernel has qdisc `kind` (asked once per run, in a throwaway namespace)."""
        if kind not in self._qdisc_kinds:
            self._qdisc_kinds[kind] = qdisc_kind_known(kind)
        return self._qdisc_kinds[kind]

    def link_kind_known(self, kind):
        """Whether this kernel has link kind `kind` (asked once per run, in a throwaway namespace)."""
        if kind not in self._link_kinds:
            self._link_kinds[kind] = link_kind_known(kind)
        return self._link_kinds[kind]

    def vlan_filtering_known(self):
        """Whether this kernel has VLAN-aware bridges (asked once per run, in a throwaway namespace)."""
        if self._vlan_filtering is None:
            self._vlan_filtering = bridge_vlans.vlan_filtering_known()
        return self._vlan_filtering

    def loopback_up(self, netns):
        return self.handle(netns).loopback_up()

    def bring_loopback_up(self, netns):
        self.handle(netns).bring_loopback_up()

    def sysctl_known(self, key):
        return sysctl.known(key)

    def read_sysctl(self, netns, key):
        return sysctl.read(self.handle(netns), key)

    def write_sysctl(self, netns, key, value):
        sysctl.write(self.handle(netns), key, value)

    def listening(self, netns):
        """{(protocol, address, port)} the namespace's own services listen on."""
        return sockets.listening(self.handle(netns))

    def socket(self, netns, family, kind, proto):
        return self.handle(netns).socket(family, kind, proto)

    # services in namespaces
    def service_manager(self):
        return services.manager()

    def resolve_program(self, program):
        return services.resolve(program)

    def service_record(self, key):
        return services.record(key)

    def service_keys(self):
        return services.keys()

    def service_status(self, key, found):
        return services.status(key, found)

    def service_processes(self, found):
        return services.processes(found)

    def service_log(self, found):
        return services.log_tail(found)

    def start_service(self, key, spec):
        return services.start(key, spec)

    def stop_service(self, key):
        services.stop(key)

    # a namespace's own /etc files
    def etc_directories(self):
        return netns_etc.directories()

    def etc_file(self, netns, name):
        return netns_etc.read(netns, name)

    def host_has_etc_file(self, name):
        return netns_etc.host_has(name)

    def write_etc_file(self, netns, name, content):
        netns_etc.write(netns, name, content)

    def remove_etc_file(self, netns, name):
        netns_etc.remove(netns, name)

    # saved descriptions, for the standalone command
    def saved_description(self, name):
        return saved.read(name)

    def save_description(self, name, content):
        saved.write(name, content)

    def remove_saved_description(self, name):
        return saved.remove(name)

    def saved_names(self):
        return saved.names()

    def saved_path(self, name):
        return saved.path(name)

    def _forget(self, netns):
        self._open.pop(netns, None)
        for sessions in (self._ethtool, self._netlink):
            session = sessions.pop(netns, None)
            if session is not None:
                session.close()
        handle = self._handles.pop(netns, None)
        if handle is not None:
            handle.close()


def _raise_open_file_limit():
    """Each open namespace holds a few descriptors; large topologies need more than 1024.
    Returns the limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError):
            pass
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


FILES_PER_NAMESPACE = 9  # an open namespace: its descriptor, the plain netlink socket, IPRoute's socket and event loop, ethtool's
FILES_SPARE = 256  # for everything else the module opens


def _namespaces_open_at_once(open_files_limit):
    """How many namespaces may hold descriptors at once, within the process's open-file limit."""
    if open_files_limit == resource.RLIM_INFINITY:
        return 1 << 20
    return max(16, (open_files_limit - FILES_SPARE) // FILES_PER_NAMESPACE)


def connection_address(environ, peer=False):
    """The host's own address of the SSH connection this module runs under, or with peer the
    controller's (None when local)."""
    fields = environ.get("SSH_CONNECTION", "").split()
    if len(fields) != 4:
        return None
    try:
        return ipaddress.ip_address(fields[0 if peer else 2].split("%")[0])
    except ValueError:
        return None
