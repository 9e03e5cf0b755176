# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input validation and normalisation: pure Python, no kernel. Private to linuxnet.netns."""

import ipaddress
import re

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._vocabulary import (
    BUSY_POLICIES,
    DEFAULT_BUSY_POLICY,
    PRESENT,
    STATES,
)

NETNS_NAME_MAX_BYTES = 255
IFNAME_MAX_BYTES = 15
MTU_MIN = 68
MTU_MAX = 65535
METRIC_MAX = 2 ** 32 - 1
VNI_MAX = 2 ** 24 - 1
_SYSCTL_KEY = re.compile(r"^net(\.[A-Za-z0-9_\-]+)+$")


_FILE_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def file_safe_name(value, what):
    """A name that is also a file name and a systemd instance name as it stands (no escaping)."""
    if not isinstance(value, str) or not _FILE_SAFE_NAME.match(value):
        raise ValidationError(
            f"{what} {_shown(value)} must be 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit"
        )
    return value


def _shown(value):
    """The value as messages quote it: repr, cut short when very long."""
    text = repr(value)
    return text if len(text) <= 60 else text[:48] + "...' (cut)"


def _utf8_length(value):
    return len(value.encode("utf-8"))


def _require_text(value, what):
    if not isinstance(value, str):
        raise ValidationError(f"{what} {value!r} must be a string")
    if value == "":
        raise ValidationError(f"{what} must not be empty")
    if "\x00" in value:
        raise ValidationError(f"{what} {_shown(value)} must not contain a NUL byte")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(f"{what} {_shown(value)} is not valid UTF-8 text") from None


def netns_name(value, what="namespace name"):
    """Return a namespace name that is safe to use as a file name in /run/netns."""
    _require_text(value, what)
    if value in (".", ".."):
        raise ValidationError(f"{what} {value!r} is not allowed: it would point outside /run/netns")
    if "/" in value:
        raise ValidationError(f"{what} {value!r} must not contain '/': it would point outside /run/netns")
    if _utf8_length(value) > NETNS_NAME_MAX_BYTES:
        raise ValidationError(
            f"{what} {_shown(value)} is {_utf8_length(value)} bytes long; the limit is {NETNS_NAME_MAX_BYTES} bytes"
        )
    return value


def optional_netns_name(value, what="namespace name"):
    """None stands for the namespace the module runs in."""
    return None if value is None else netns_name(value, what)


def interface_name(value, what="interface name"):
    """Return a name the kernel accepts for a network interface (dev_valid_name)."""
    _require_text(value, what)
    if _utf8_length(value) > IFNAME_MAX_BYTES:
        raise ValidationError(
            f"{what} {_shown(value)} is {_utf8_length(value)} bytes long; the kernel allows at most {IFNAME_MAX_BYTES}"
        )
    if value in (".", ".."):
        raise ValidationError(f"{what} {value!r} is not allowed")
    for char in value:
        if char == "/" or char == ":" or char.isspace():
            raise ValidationError(f"{what} {value!r} must not contain {char!r} ('/', ':' and whitespace are refused)")
    return value


def interface_address(value):
    """Parse ADDRESS/PREFIX (IPv4 or IPv6) into an ipaddress interface, normalised."""
    if not isinstance(value, str) or "/" not in value:
        raise ValidationError(f"address {value!r} must be in CIDR form ADDRESS/PREFIX, such as 198.18.0.1/24")
    try:
        return ipaddress.ip_interface(value.strip())
    except ValueError as exc:
        raise ValidationError(f"address {value!r} is not a valid IPv4 or IPv6 CIDR: {exc}") from None


def address_list(values):
    """A list of CIDR strings (or one string) -> list of unique interfaces, order kept."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    result = []
    for value in values:
        parsed = interface_address(value)
        if parsed not in result:
            result.append(parsed)
    return result


def route_destination(value):
    """'default' or a network in CIDR form; a bare address is a host route."""
    if value == "default":
        return value
    if not isinstance(value, str):
        raise ValidationError(f"route destination {value!r} must be a CIDR string or 'default'")
    text = value if "/" in value else value + ("/128" if ":" in value else "/32")
    try:
        return ipaddress.ip_network(text.strip(), strict=True)
    except ValueError as exc:
        raise ValidationError(f"route destination {value!r} is not a valid network: {exc}") from None


def ip_address(value, what="address"):
    try:
        return ipaddress.ip_address(str(value).strip())
    except ValueError:
        raise ValidationError(f"{what} {value!r} is not a valid IPv4 or IPv6 address") from None


def mtu(value):
    return None if value is None else integer_in_range(value, "mtu", MTU_MIN, MTU_MAX)


def metric(value):
    return None if value is None else integer_in_range(value, "metric", 0, METRIC_MAX)


def vni(value, what="vni"):
    """A VXLAN network identifier; None stays None (derived or not needed)."""
    return None if value is None else integer_in_range(value, what, 1, VNI_MAX)


def port(value, what="port"):
    return integer_in_range(value, what, 1, 65535)


def integer_in_range(value, what, minimum, maximum):
    number = integer(value, what)
    if not minimum <= number <= maximum:
        raise ValidationError(f"{what} {value!r} is out of range: it must be between {minimum} and {maximum}")
    return number


def sysctl_key(value):
    """A network sysctl as dotted name (net.ipv4.ip_forward); '/' separators are accepted too."""
    if not isinstance(value, str):
        raise ValidationError(f"sysctl name {value!r} must be a string")
    key = value.strip().replace("/", ".")
    if ".." in key or not _SYSCTL_KEY.match(key):
        raise ValidationError(
            f"sysctl name {value!r} is not valid: only per-namespace network sysctls under 'net.' are accepted"
        )
    return key


def sysctl_value(key, value):
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, str)) and "\n" not in str(value):
        return " ".join(str(value).split())
    raise ValidationError(f"sysctl {key} value {value!r} must be a number or a single-line string")


def integer(value, what, minimum=None):
    if isinstance(value, bool):
        raise ValidationError(f"{what} {value!r} must be an integer")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{what} {value!r} must be an integer") from None
    if minimum is not None and number < minimum:
        raise ValidationError(f"{what} {value!r} must be at least {minimum}")
    return number


def choice(value, choices, what):
    if value not in choices:
        raise ValidationError(f"{what} {value!r} must be one of {', '.join(map(repr, choices))}")
    return value


def state(value):
    """'present' (also when not given) or 'absent'."""
    return choice(value or PRESENT, STATES, "state")


def busy_policy(value):
    return choice(value or DEFAULT_BUSY_POLICY, BUSY_POLICIES, "when_busy")
