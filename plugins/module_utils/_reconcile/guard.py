# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The guard for the host's own network: the interfaces that carry the host's default route or
the address of the current Ansible connection are not moved, enslaved, re-addressed, taken over
or removed unless the task says allow_host_network (force, deprecated, still does). Private to
linuxnet.netns.
"""

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ConflictError
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.lookups import default_route_interface


def protected_interfaces(view, connection=None):
    """{interface name in the host namespace: what it carries that the host cannot lose}."""
    protected = {}
    for version in (4, 6):
        name = default_route_interface(view, None, version)
        if name is not None:
            protected.setdefault(name, f"the host's IPv{version} default route")
    if connection is not None:
        for name in view.links(None):
            if any(address.ip == connection for address in view.ip.addresses_of(None, name)):
                protected[name] = f"the address of the current Ansible connection ({connection})"
    return protected


def require_unguarded(view, plan, netns, name, action, wanted):
    """Refuse `action` (a verb phrase) on host interface `name` when the guard protects it, unless
    `wanted` (a model) says allow_host_network; force still passes, with a deprecation warning."""
    if netns is not None or wanted.allow_host_network:
        return
    reason = view.protected_interfaces().get(name)
    if reason is None:
        return
    if wanted.force:
        plan.deprecate(f"force: true let the task {action} interface {name!r}, which carries {reason}; passing "
                       f"the guard of the host's network with force is deprecated: set allow_host_network: true")
        return
    raise ConflictError(f"refusing to {action} interface {name!r}: it carries {reason}, and the host could "
                        f"lose its network; set allow_host_network: true to do it anyway")
