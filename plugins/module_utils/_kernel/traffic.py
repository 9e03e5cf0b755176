# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Traffic control: the qdiscs of one link as plain records, the request for each, and whether the
kernel has a qdisc kind at all. Private to linuxnet.netns.

The requests go through the namespace's NetlinkSession (netlink.py); this file knows the shapes of
tbf and netem messages in the units the rest of the collection uses: bits per second, bytes,
microseconds and percent.
"""

from dataclasses import dataclass

from ansible_collections.linuxnet.netns.plugins.module_utils._kernel import namespaces

TC_H_ROOT = 0xFFFFFFFF
ROOT_HANDLE = 0x10000  # 1:
CHILD_HANDLE = 0x20000  # 2:, under the root's only class 1:1
FIRST_CLASS = 0x10001
_U32_MAX = 2 ** 32 - 1


@dataclass(frozen=True)
class QdiscRecord:
    kind: str
    handle: int
    parent: int
    options: dict  # tbf: rate (bit/s), burst and limit (bytes); netem: delay, jitter (µs), percentages, limit


def _ticks_per_usec():
    from pyroute2.netlink.rtnl.tcmsg.common import tick_in_usec

    return tick_in_usec


def _percent(value):
    return round(value * 100 / _U32_MAX, 4) if value else 0.0


def _to_u32(percent):
    return int(_U32_MAX * percent / 100)


def qdisc_from(msg):
    kind = msg.get_attr("TCA_KIND")
    options = msg.get_attr("TCA_OPTIONS")
    decoded = {}
    if kind == "tbf" and options is not None:
        parms = options.get_attr("TCA_TBF_PARMS")
        if parms is not None:
            rate = parms["rate"]  # bytes per second
            decoded = {"rate": rate * 8, "limit": parms["limit"],
                       "burst": round(parms["buffer"] / _ticks_per_usec() * rate / 1e6)}
    elif kind == "netem" and options is not None:
        ticks = _ticks_per_usec()
        reorder = options.get_attr("TCA_NETEM_REORDER")
        corrupt = options.get_attr("TCA_NETEM_CORRUPT")
        decoded = {"delay": round(options["delay"] / ticks), "jitter": round(options["jitter"] / ticks),
                   "loss": _percent(options["loss"]), "duplicate": _percent(options["duplicate"]),
                   "reorder": _percent(reorder["prob_reorder"]) if reorder is not None else 0.0,
                   "corrupt": _percent(corrupt["prob_corrupt"]) if corrupt is not None else 0.0,
                   "limit": options["limit"]}
    return QdiscRecord(kind=kind, handle=msg["handle"], parent=msg["parent"], options=decoded)


def request_of(kind, options):
    """pyroute2's keyword arguments for a tbf or netem qdisc with these options."""
    if kind == "tbf":
        return {"rate": options["rate"] // 8, "burst": options["burst"], "limit": options["limit"]}
    request = {"delay": options["delay"], "jitter": options["jitter"], "limit": options["limit"],
               "loss": options["loss"], "duplicate": options["duplicate"]}
    if options["reorder"]:
        request["prob_reorder"] = options["reorder"]
    if options["corrupt"]:
        request["prob_corrupt"] = options["corrupt"]
    return request


# The smallest valid request of each kind, to ask the kernel whether it has the kind at all.
_PROBES = {"tbf": {"rate": 125000, "burst": 10000, "limit": 10000}, "netem": {"delay": 1000}}


def qdisc_kind_known(kind, iproute):
    """Whether the kernel has qdisc `kind`, asked by adding one to lo in a namespace of our own.

    The namespace exists only while the probe's socket is open: nothing anyone can see changes.
    The kernel loads the qdisc's module on demand, exactly as a real request would.
    """
    from pyroute2.netlink.exceptions import NetlinkError

    ipr = iproute(fileno=namespaces.scratch_netlink_fd())
    try:
        ipr.tc("add", kind, 1, ROOT_HANDLE, **_PROBES[kind])
        return True
    except NetlinkError as exc:
        return getattr(exc, "code", 0) != 2  # ENOENT: "Specified qdisc kind is unknown"
    finally:
        ipr.close()
