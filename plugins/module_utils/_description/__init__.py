# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The description wing: what the user asked for, validated, as data. Private to linuxnet.netns.

Pure Python, no kernel: the controller-side plugins (presets, graphs) use it as the modules do.
Holds the vocabulary (words every wing shares), the checks of single values (validate), the
desired objects (model, link_settings, uplink, forwards, sysctls, host_interfaces, policy_rules,
etc_files, bridge_vlans, services), presets,
the parsed description of a whole topology (description, topology), the cross-object checks
(checks), names unique per host (per_host), placement across the hosts of a fleet (placement) and this host's part of it (local).

May import: _errors, and its own modules. Nothing of reconcile, kernel, verify or report.
"""
