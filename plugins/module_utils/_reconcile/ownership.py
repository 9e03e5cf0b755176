# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Who made what: the rules that decide whether an object carries a topology's marker (see
_description/vocabulary.py), and the record of described objects left alone because they do not.
Private to linuxnet.netns.

The marker is an interface alias: on lo for a namespace (also recorded under /run, see
_kernel/namespaces.py), on the bridge, on the second end of a veth pair. An owner of None asks for
no ownership (the single-object modules). A namespace or bridge that two topologies describe
carries both markers (shared); it goes when the last of them goes.
"""

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ConflictError
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import UPDATE
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import owners, with_owner


def marked(owner, *links):
    """True when no owner is asked for, or when one of the links (kernel records) carries its marker."""
    return owner is None or any(link is not None and owner in owners(link.alias) for link in links)


def namespace_marked(view, netns, owner):
    """A namespace is the owner's when its lo carries the marker (or no owner is asked for); the
    record written when the namespace was made says so without entering it."""
    if owner is None:
        return True
    return netns is not None and owner in owners(view.namespace_owner(netns))


def sharers(owner, alias):
    """The other topologies' markers on an object that `owner` describes too."""
    return [marked for marked in owners(alias) if marked != owner]


ALIAS_MAX_BYTES = 255  # the kernel's IFALIASZ, less the NUL


def joined(owner, alias, target):
    """The alias with `owner` added to the owners it carries; refused when the kernel could not hold it."""
    shared = with_owner(alias, owner)
    if len(shared.encode()) > ALIAS_MAX_BYTES:
        raise ConflictError(f"{target} is already shared by {', '.join(owners(alias))}: the marker of one more "
                            f"topology would not fit in its {ALIAS_MAX_BYTES}-byte alias; give it its own")
    return shared


def plan_owners(plan, target, before, after, apply):
    """A change of who shares an object: apply() writes the alias `after`."""
    plan.add("owners", f"owners of {target}", UPDATE, {"owners": before}, {"owners": after}, apply)


def to_share(owner, alias):
    """An existing object `owner` describes and another topology made: `owner` joins its owners.
    (The user's own objects, with no marker, are used but never marked.)"""
    return owner is not None and bool(owners(alias)) and owner not in owners(alias)


def veth_marked(view, owner, end, peer):
    """A veth pair is the owner's if either end is marked or sits in one of its namespaces.

    end and peer are (netns, link record) pairs, peer's record None when it was not found. A run
    that crashed between creating the pair and marking it must not leave the pair to the user.
    """
    (netns, link), (peer_netns, peer_link) = end, peer
    return (marked(owner, link, peer_link) or namespace_marked(view, netns, owner)
            or (peer_link is not None and namespace_marked(view, peer_netns, owner)))


def removable(view, plan, desired, kind):
    """The link of `desired` (netns, name, owner, target) that an absent state removes: None when
    there is none, or when it is not the owner's, which is then recorded as left alone."""
    link = view.existing(desired.netns, desired.name, kind)
    if link is not None and not marked(desired.owner, link):
        leave_alone(plan, desired.target, desired.owner)
        return None
    return link


def leave_alone(plan, target, owner):
    """Record that `target` is described for removal but was not made by `owner`."""
    plan.keep(target, f"not marked as made by {owner}")
