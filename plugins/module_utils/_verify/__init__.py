# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The verify wing: read-only proof that a built topology works. Private to linuxnet.netns.

reachability works out, from the description alone, which pairs should reach each other and
which should not; probe sends the pings and connections from inside the namespaces; verify puts
the two together into the matrices a run returns.

May import: _errors, _description, and of reconcile only lookups (questions asked of the view it
is handed, such as an uplink's egress). Never changes what it checks; nothing of report.
"""
