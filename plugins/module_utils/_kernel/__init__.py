# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The kernel wing: one file per kernel interface, behind the Kernel facade (kernel.py).
Private to linuxnet.netns.

The only importer of pyroute2, libnftables and the ethtool netlink family. It knows nothing of
plans or guards: it does what it is asked and says what it found. The files: namespaces
(namespace files, the handles that enter them, owner records), records (what a run changed,
under /run), saved (descriptions under /etc), sysctl, netlink (rtnetlink requests) over
netlink_plain (a plain netlink socket for the frequent ones), messages (replies decoded into
records), policy_rules (ip rules), traffic (qdiscs), ethtool (offloads), nftables (tables, through
libnftables), sockets (listening ports), services (a namespace's services: systemd units, or
supervisor, the collection's own supervisor process where no systemd runs), paths (trusted files), pyroute2_found (whether pyroute2
is there and new enough, without importing it).

May import: _errors, and _description.vocabulary (shared words such as LOOPBACK). Nothing of
reconcile, verify or report.
"""
