# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The kernel boundary, one file per kernel interface, behind the Kernel facade. Private to linuxnet.netns."""
