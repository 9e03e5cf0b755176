# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reconcile wing: read the current state, plan the change as data, apply it. Private to
linuxnet.netns.

The view (view, with link_cache, ip_view for addresses and routes, outside_view for sysctls,
nftables, records, saved descriptions, /etc/netns files, processes and services, tuning_view for offloads, qdiscs and
bridge ports' VLANs, and lookups
across them) is the planners' only way to the kernel: reads come from its cache, writes go
through its verbs, which forget what they change. One planner per kind; plan (changes as data:
check mode, diff, summaries), undo and rollback (a failed apply undone), guard (the host's own
network) and ownership (the marker and who made what); topology gives the build and teardown
order, and prune.

May import: _errors, _description, and _kernel only through the Kernel object handed to the
view (plus the kernel's plain constants and pure helpers, such as UNRECORDED and
nftables.table_in). Nothing of verify or report.
"""
