# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # Requirements, attributes and notes shared by every module of the collection.
    DOCUMENTATION = r"""
requirements:
  - pyroute2 >= 0.7.2 on the managed host (Debian package C(python3-pyroute2) or C(pip install pyroute2)).
  - Root privileges on the managed host (CAP_NET_ADMIN and CAP_SYS_ADMIN).
notes:
  - The modules talk to the kernel through netlink; they never run the C(ip) command.
  - Namespaces are bind mounts in C(/run/netns), exactly as C(ip netns add) makes them, so
    C(ip netns list), C(ip netns exec) and C(ip -n NAME ...) see what the modules made.
  - Ansible's interpreter discovery finds the managed host's Python; set C(ansible_python_interpreter)
    only where that is not the Python with pyroute2, typically localhost run from a virtualenv
    (set it to the virtualenv's Python, the variable C(ansible_playbook_python)).
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
  platform:
    description: Target OS/families that can be operated against.
    support: N/A
    platforms: linux
"""

    # The guard of the host's own network (plugins/module_utils/_reconcile/guard.py), on every
    # module that can touch a host interface.
    GUARD = r"""
options:
  allow_host_network:
    description:
      - The interfaces of the host namespace that carry the host's default route (IPv4 or IPv6) or the
        address of the current Ansible connection are not re-addressed, enslaved to a bridge, moved
        into a namespace, taken over by a macvlan in passthru mode, recreated or removed; the task
        fails, naming the interface and what it carries, before any change.
      - V(true) does it anyway.
    type: bool
    default: false
  force:
    description:
      - Passing the guard with O(force=true) is deprecated; it still works, with a deprecation
        warning, and stops working in release 2.0.0. Use O(allow_host_network=true).
      - Where a module's O(force) also recreates a drifted object, its own description says so.
    type: bool
    default: false
"""

    # The namespace an object lives in.
    NETNS = r"""
options:
  netns:
    description:
      - Name of the network namespace to work in, as C(ip netns list) shows it.
      - Omit it to work in the namespace the module runs in, normally the host's own.
      - The namespace must exist; it is never created by a lookup.
    type: str
"""
