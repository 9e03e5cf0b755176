# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the reconcilers change beside links, addresses and routes: sysctls, nftables tables, the
records of what was changed (under /run) and the saved descriptions (under /etc). Private to
linuxnet.netns.

Reached as ``view.outside``. Only the nftables rulesets are kept (listed once per run, again
after a change made here); sysctls, records and saved descriptions are small files read when asked.
"""

from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.nftables import table_in


class OutsideView:
    def __init__(self, kernel):
        self._kernel = kernel
        self._rulesets = {}  # netns -> its nftables ruleset, as listed
        self._listening = {}  # netns -> {(protocol, address, port)} its own services listen on
        self._etc_directories = None  # the namespaces with files under /etc/netns
        self._processes = None
        self._processes_ending = set()  # pids the plan ends itself (the topology's own services)

    # processes in namespaces
    def processes_in(self, netns):
        """[(pid, command)] of the processes that run inside namespace `netns` now, but those of
        services the plan stops."""
        if self._processes is None:
            self._processes = self._kernel.processes_by_namespace()
        return [(pid, command) for pid, command in self._processes.get(self._kernel.namespace_identity(netns), [])
                if pid not in self._processes_ending]

    def expect_processes_ended(self, pids):
        self._processes_ending.update(pids)

    def kill_processes(self, pids):
        self._kernel.kill_processes(pids)

    # sysctls
    def sysctl_known(self, key):
        return self._kernel.sysctl_known(key)

    def read_sysctl(self, netns, key):
        return self._kernel.read_sysctl(netns, key)

    def write_sysctl(self, netns, key, value):
        self._kernel.write_sysctl(netns, key, value)

    def listening(self, netns):
        """The sockets the namespace's own services listen on, read once per run."""
        if netns not in self._listening:
            self._listening[netns] = self._kernel.listening(netns)
        return self._listening[netns]

    def listening_now(self, netns):
        return self._kernel.listening(netns)

    # services: their records, processes and manager (see _kernel/services.py)
    def service_manager(self):
        return self._kernel.service_manager()

    def resolve_program(self, program):
        return self._kernel.resolve_program(program)

    def service_record(self, key):
        return self._kernel.service_record(key)

    def service_keys(self):
        return self._kernel.service_keys()

    def service_status(self, key, found):
        return self._kernel.service_status(key, found)

    def service_processes(self, found):
        return self._kernel.service_processes(found)

    def service_log(self, found):
        return self._kernel.service_log(found)

    def start_service(self, key, spec):
        return self._kernel.start_service(key, spec)

    def stop_service(self, key):
        self._kernel.stop_service(key)

    # nftables
    def nftables_available(self):
        return self._kernel.nftables_available()

    def nftables_table(self, netns, family, name):
        """The listed objects of one table (without handles), or None when there is no such table."""
        return table_in(self.nftables_ruleset(netns), family, name)

    def nftables_ruleset(self, netns):
        if netns not in self._rulesets:
            self._rulesets[netns] = self._kernel.nftables(netns).ruleset()
        return self._rulesets[netns]

    def nftables_canonical(self, commands, family, name):
        return self._kernel.nftables_canonical(commands, family, name)

    def apply_nftables(self, netns, commands):
        self._rulesets.pop(netns, None)
        self._kernel.nftables(netns).apply(commands)

    # records of what was changed, for undoing it
    def record(self, kind, key):
        return self._kernel.record(kind, key)

    def write_record(self, kind, key, record):
        self._kernel.write_record(kind, key, record)

    def remove_record(self, kind, key):
        self._kernel.remove_record(kind, key)

    def record_keys(self, kind):
        return self._kernel.record_keys(kind)

    def record_lines(self, kind, key):
        return self._kernel.record_lines(kind, key)

    def append_record_line(self, kind, key, entry):
        self._kernel.append_record_line(kind, key, entry)

    # a namespace's own /etc files: only namespaces with a directory under /etc/netns are read
    def etc_file(self, netns, name):
        if self._etc_directories is None:
            self._etc_directories = self._kernel.etc_directories()
        return self._kernel.etc_file(netns, name) if netns in self._etc_directories else None

    def host_has_etc_file(self, name):
        return self._kernel.host_has_etc_file(name)

    def write_etc_file(self, netns, name, content):
        self._kernel.write_etc_file(netns, name, content)
        self._etc_directories = None

    def remove_etc_file(self, netns, name):
        self._kernel.remove_etc_file(netns, name)
        self._etc_directories = None

    # saved descriptions (one file each, read at most once per run)
    def saved_description(self, name):
        return self._kernel.saved_description(name)

    def save_description(self, name, content):
        self._kernel.save_description(name, content)

    def remove_saved_description(self, name):
        self._kernel.remove_saved_description(name)

    def saved_names(self):
        return self._kernel.saved_names()

    def saved_path(self, name):
        return self._kernel.saved_path(name)
