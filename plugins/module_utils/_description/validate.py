# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input validation and normalisation: pure Python, no kernel. Private to linuxnet.netns."""

import ipaddress
import re
import unicodedata

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import (
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
    hidden = None if value.isprintable() else next(
        (char for char in value if unicodedata.category(char) in ("Cc", "Cf")), None)
    if hidden is not None:
        raise ValidationError(f"{what} {_shown(value)} must not contain control or formatting characters "
                              f"(U+{ord(hidden):04X}): a listing would show another name than the one made")
    if value.startswith("-"):
        raise ValidationError(f"{what} {_shown(value)} must not start with '-': commands would read it as an option")


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
    return network(value, "route destination", "a CIDR string or 'default'")


def network(value, what, expected="an address or a network in CIDR form"):
    """A network in CIDR form; a bare address is a network of one (/32, /128)."""
    if not isinstance(value, str):
        raise ValidationError(f"{what} {value!r} must be {expected}")
    text = value if "/" in value else value + ("/128" if ":" in value else "/32")
    try:
        return ipaddress.ip_network(text.strip(), strict=True)
    except ValueError as exc:
        raise ValidationError(f"{what} {value!r} is not a valid network: {exc}") from None


def ip_address(value, what="address"):
    try:
        return ipaddress.ip_address(str(value).strip())
    except ValueError:
        raise ValidationError(f"{what} {value!r} is not a valid IPv4 or IPv6 address") from None


def mtu(value):
    return None if value is None else integer_in_range(value, "mtu", MTU_MIN, MTU_MAX)


def metric(value):
    return None if value is None else integer_in_range(value, "metric", 0, METRIC_MAX)


MAIN_TABLE = 254
_RESERVED_TABLES = {253: "default", 255: "local"}


def route_table(value, what="table"):
    """A routing table by number (1 to 2**32 - 1) or as main; the kernel's local and default are refused."""
    if value is None or value == "main":
        return MAIN_TABLE
    number = integer_in_range(value, what, 1, METRIC_MAX)
    if number in _RESERVED_TABLES:
        raise ValidationError(f"{what} {value!r} is the kernel's {_RESERVED_TABLES[number]} table: give another "
                              f"(1 to {METRIC_MAX}, or main)")
    return number


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


def optional_integer_in_range(value, what, minimum, maximum):
    return None if value is None else integer_in_range(value, what, minimum, maximum)


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
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValidationError(f"{what} {value!r} must be an integer")
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
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


# Traffic-control quantities, written with tc's units ("20ms", "1%", "100mbit", "64kb").
_QUANTITY = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z%]*)\s*$")
_TIME_UNITS = {"": 1000, "s": 1_000_000, "sec": 1_000_000, "ms": 1000, "msec": 1000, "us": 1, "usec": 1}  # -> µs
_RATE_UNITS = {  # -> bits per second; tc's "bps" is bytes per second
    "bit": 1, "kbit": 10 ** 3, "mbit": 10 ** 6, "gbit": 10 ** 9, "tbit": 10 ** 12,
    "kibit": 2 ** 10, "mibit": 2 ** 20, "gibit": 2 ** 30,
    "bps": 8, "kbps": 8 * 10 ** 3, "mbps": 8 * 10 ** 6, "gbps": 8 * 10 ** 9,
}
_SIZE_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "m": 2 ** 20, "mb": 2 ** 20, "g": 2 ** 30, "gb": 2 ** 30,
               "kbit": 128, "mbit": 2 ** 17}  # -> bytes, as tc reads sizes
TIME_MAX_US = 60_000_000  # a minute (netem counts in 32-bit ticks of 64 ns: at most 274 s)
RATE_MAX = 32 * 10 ** 9  # bits per second; above it the kernel's 32-bit byte rate no longer fits


def _quantity(value, what, units, example, default_unit=""):
    """(number, unit) of a tc quantity; a bare number takes default_unit."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValidationError(f"{what} {value!r} must be a number with a unit, such as {example!r}")
    match = _QUANTITY.match(str(value))
    unit = match.group(2).lower() if match else None
    if match is None or (unit or default_unit) not in units:
        raise ValidationError(f"{what} {value!r} is not understood: write a number with one of the units "
                              f"{', '.join(sorted(u for u in units if u))} (such as {example!r})")
    return float(match.group(1)), unit or default_unit


def tc_time(value, what):
    """A duration in microseconds (int); a bare number is milliseconds, as in tc."""
    number, unit = _quantity(value, what, _TIME_UNITS, "20ms", "ms")
    micros = round(number * _TIME_UNITS[unit])
    if micros > TIME_MAX_US:
        raise ValidationError(f"{what} {value!r} is longer than a minute")
    return micros


def tc_rate(value, what):
    """A rate in bits per second (int), above zero and at most 32gbit."""
    number, unit = _quantity(value, what, _RATE_UNITS, "100mbit", "bit")
    bits = round(number * _RATE_UNITS[unit])
    if not 8 <= bits <= RATE_MAX:
        raise ValidationError(f"{what} {value!r} is out of range: it must be between 8bit and 32gbit")
    return bits


def tc_size(value, what, minimum=1, maximum=2 ** 32 - 1):
    """A size in bytes (int); tc's k, m, g are powers of 1024."""
    number, unit = _quantity(value, what, _SIZE_UNITS, "64kb", "b")
    size = round(number * _SIZE_UNITS[unit])
    if not minimum <= size <= maximum:
        raise ValidationError(f"{what} {value!r} is out of range: it must be between {minimum} and {maximum} bytes")
    return size


def percent(value, what):
    """A probability in percent (float, 0 to 100), written '1%' or 1."""
    number, _unit = _quantity(value, what, {"": 1, "%": 1}, "1%")
    if number > 100:
        raise ValidationError(f"{what} {value!r} is over 100%")
    return number


_MAC = re.compile(r"^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$")


def mac_address(value, what="mac"):
    """A unicast Ethernet address, lower case."""
    if not isinstance(value, str) or not _MAC.match(value):
        raise ValidationError(f"{what} {value!r} must be six hexadecimal bytes separated by ':', "
                              f"such as '02:00:00:00:00:01'")
    if int(value[:2], 16) & 1:
        raise ValidationError(f"{what} {value!r} is a multicast address; an interface needs a unicast one")
    if value.lower() == "00:00:00:00:00:00":
        raise ValidationError(f"{what} {value!r} is the all-zero address")
    return value.lower()


def switches(value, known, what):
    """A mapping of on/off switches (name -> bool), only of the known names; None stays None."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValidationError(f"{what} {value!r} must be a mapping of names to true or false")
    unknown = sorted(map(str, set(value) - set(known)))
    if unknown:
        raise ValidationError(f"{what}: unknown name(s) {', '.join(unknown)}; known are {', '.join(sorted(known))}")
    for name, on in value.items():
        if not isinstance(on, bool):
            raise ValidationError(f"{what}: {name} {on!r} must be true or false")
    return dict(value)
