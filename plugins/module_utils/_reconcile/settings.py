# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The settings of one interface end: link attributes (mac, txqueuelen, gso/gro_max_size),
offloads, and egress shaping. Private to linuxnet.netns.

Planned after the link itself: for a link this plan creates, nothing current is known, so each
setting given is planned as a change and applied against what the new link turns out to have.
"""

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import KernelError, ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.traffic import (
    CHILD_HANDLE,
    FIRST_CLASS,
    ROOT_HANDLE,
    TC_H_ROOT,
)
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import CREATE, DELETE, UPDATE
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import NETEM_KEYS, OFFLOAD_FEATURES

SHAPED = ("netem", "tbf")  # the root qdiscs a shape owns; any other root is the kernel's or someone else's
DEFAULT_MTU = 1500


def plan_end_settings(view, settings, plan):
    if settings.empty:
        return
    netns, name = settings.netns, settings.interface
    view.require_link(netns, name)
    link = None if view.is_new_link(netns, name) else view.link(netns, name)
    if settings.shape is not None:
        _require_qdiscs(view, settings)
    if settings.attributes:
        _plan_attributes(view, settings, link, plan)
    if settings.offloads:
        _plan_offloads(view, settings, link, plan)
    if settings.shape is not None:
        _plan_shape(view, settings, link, plan)


# link attributes
def _plan_attributes(view, settings, link, plan):
    wanted = settings.attributes
    current = {key: getattr(link, key) for key in wanted} if link is not None else None
    if current == wanted:
        return

    def apply():
        fresh = view.link(settings.netns, settings.interface)
        changes = {key: value for key, value in wanted.items() if getattr(fresh, key) != value}
        if changes:
            view.set_link(settings.netns, settings.interface, **changes)

    plan.add("link settings", f"settings of {settings.target}", UPDATE, current, wanted, apply)


# offloads
def _offload_states(features, names):
    """{offload: True, False, or 'mixed'} as the device has them now, for the offloads named."""
    states = {}
    for name in names:
        group = [feature for feature in OFFLOAD_FEATURES[name] if feature in features.changeable]
        group = group or list(OFFLOAD_FEATURES[name])
        on = [feature in features.active for feature in group]
        states[name] = True if all(on) else False if not any(on) else "mixed"
    return states


def _plan_offloads(view, settings, link, plan):
    wanted = dict(sorted(settings.offloads.items()))
    current = None
    if link is not None:
        features = view.tuning.features(settings.netns, settings.interface)
        _require_changeable(settings, features)
        current = _offload_states(features, wanted)
        if current == wanted:
            return

    def apply():
        features = view.tuning.features(settings.netns, settings.interface)
        _require_changeable(settings, features)
        change = {feature: on for name, on in wanted.items() for feature in OFFLOAD_FEATURES[name]
                  if feature in features.changeable and (feature in features.active) != on}
        if change:
            view.tuning.set_features(settings.netns, settings.interface, change)
        kept = {name: state for name, state in
                _offload_states(view.tuning.features(settings.netns, settings.interface), wanted).items()
                if state != wanted[name]}
        if kept:
            raise KernelError(f"offloads of {settings.target}: the kernel kept "
                              f"{', '.join(f'{name} {_on_off(state)}' for name, state in kept.items())}; "
                              f"a feature it depends on (such as tx_checksum for tso) is off")

    plan.add("offloads", f"offloads of {settings.target}", UPDATE, current, wanted, apply)


def _require_changeable(settings, features):
    fixed = [name for name, on in settings.offloads.items()
             if not any(feature in features.changeable for feature in OFFLOAD_FEATURES[name])
             and _offload_states(features, [name])[name] != on]
    if fixed:
        raise ValidationError(f"offloads of {settings.target}: this device does not let {', '.join(fixed)} "
                              f"be changed; it stays as the driver set it")


def _on_off(state):
    return {True: "on", False: "off"}.get(state, state)


# shaping
def _require_qdiscs(view, settings):
    for kind in settings.shape.qdisc_kinds:
        if not view.tuning.qdisc_kind_known(kind):
            asked = [key for key in NETEM_KEYS if getattr(settings.shape, key)] if kind == "netem" else ["rate"]
            raise ValidationError(
                f"shape of {settings.target}: {', '.join(asked)} need{'s' if len(asked) == 1 else ''} the {kind!r} "
                f"qdisc, which this kernel does not have (sch_{kind} is neither built in nor loadable); "
                f"nothing was changed"
            )


def _current_tree(view, settings):
    records = view.tuning.qdiscs(settings.netns, settings.interface)
    root = next((record for record in records if record.parent == TC_H_ROOT), None)
    if root is None or root.kind not in SHAPED:
        return []
    tree = [(root.kind, root.options)]
    child = next((record for record in records if record.parent == FIRST_CLASS), None)
    if root.kind == "netem" and child is not None:
        tree.append((child.kind, child.options))
    return tree


def _same_tree(current, wanted):
    if [kind for kind, _options in current] != [kind for kind, _options in wanted]:
        return False
    return all(_same_options(kind, have, want) for (kind, have), (_kind, want) in zip(current, wanted))


def _same_options(kind, have, want):
    return set(have) == set(want) and all(abs(have[key] - value) <= _slack(kind, key, want)
                                          for key, value in want.items())


def _slack(kind, key, want):
    """How far a value may come back from what was sent: a tbf burst travels as the time it takes
    at the rate, cut to whole microseconds; netem times as ticks, probabilities as 32-bit fractions."""
    if kind == "tbf":
        return 2 + want["rate"] // 8 // 1_000_000 if key == "burst" else 0
    return 1 if key in ("delay", "jitter") else 0 if key == "limit" else 0.001


def _plan_shape(view, settings, link, plan):
    mtu = settings.mtu or (link.mtu if link is not None else DEFAULT_MTU)
    wanted = settings.shape.qdiscs(mtu)
    current = _current_tree(view, settings) if link is not None else None
    if _same_tree(current if current is not None else [], wanted):
        return
    action = DELETE if not wanted else CREATE if not current else UPDATE

    def apply():
        places = ((ROOT_HANDLE, TC_H_ROOT), (CHILD_HANDLE, FIRST_CLASS))
        tree = [(kind, handle, parent, options) for (kind, options), (handle, parent) in zip(wanted, places)]
        view.tuning.replace_qdiscs(settings.netns, settings.interface, tree)

    plan.add("shaping", f"shaping of {settings.target}", action, _shown(current), _shown(wanted), apply)


def _shown(tree):
    return None if tree is None else dict(tree)
