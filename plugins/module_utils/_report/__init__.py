# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The report wing: what a run shows a person. Private to linuxnet.netns.

describe is what netns_info returns (read through the reconcile wing's view); graph draws a
description as Mermaid or Graphviz DOT.

May import: _errors, _description, and _reconcile to read (the view, the plan). Changes nothing.
"""
