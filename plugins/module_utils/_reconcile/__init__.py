# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reconcilers: read current state, plan the change as data, apply it. Private to linuxnet.netns."""
