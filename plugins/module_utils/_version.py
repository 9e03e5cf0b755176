# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's version, as galaxy.yml gives it (a unit test keeps the two equal).
Private to linuxnet.netns.

The standalone command is installed on managed hosts under a directory named after it, so that
an upgraded collection replaces the command instead of mixing with it.
"""

COLLECTION_VERSION = "0.1.0"
