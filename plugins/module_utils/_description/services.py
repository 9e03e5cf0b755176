# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A namespace's services (`services: [{name, command, environment, restart, ready}]`): long-running
programs started inside the namespace once its links and addresses are up, seeing the namespace's
/etc/netns files as /etc. Private to linuxnet.netns.
"""

import hashlib
import json
from dataclasses import dataclass

from ansible_collections.linuxnet.netns.plugins.module_utils._description import validate
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import PRESENT, where
from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError

SERVICE_KEYS = {"name", "command", "environment", "restart", "ready"}
READY_KEYS = {"tcp_port", "timeout"}
RESTART_POLICIES = ("on-failure", "always", "no")
DEFAULT_READY_TIMEOUT = 30


@dataclass(frozen=True)
class Service:
    netns: str
    name: str
    topology: str
    command: tuple = ()
    environment: tuple = ()  # ((key, value), ...), sorted by key
    restart: str = "on-failure"
    ready_port: int = None  # None: started is ready
    ready_timeout: float = DEFAULT_READY_TIMEOUT
    state: str = PRESENT
    etc_files: tuple = ()  # the namespace's /etc files the topology writes, which the service sees

    @classmethod
    def from_params(cls, params, netns, topology, what, state=PRESENT):
        if not isinstance(params, dict):
            raise ValidationError(f"{what}: a service is a mapping of {', '.join(sorted(SERVICE_KEYS))}, not {params!r}")
        unknown = sorted(set(params) - SERVICE_KEYS)
        if unknown:
            raise ValidationError(f"{what}: unknown key(s) {', '.join(unknown)}; a service takes "
                                  f"{', '.join(sorted(SERVICE_KEYS))}")
        name = validate.file_safe_name(params.get("name"), f"{what}: service name")
        restart = params.get("restart", "on-failure")
        if restart is False:  # YAML reads an unquoted no as false
            restart = "no"
        if restart not in RESTART_POLICIES:
            raise ValidationError(f"{what} ({name}): restart {restart!r} must be one of "
                                  f"{', '.join(RESTART_POLICIES)}")
        ready_port, ready_timeout = _ready(params.get("ready"), f"{what} ({name}): ready")
        return cls(netns=netns, name=name, topology=topology, command=_command(params.get("command"), f"{what} ({name})"),
                   environment=_environment(params.get("environment"), f"{what} ({name}): environment"),
                   restart=restart, ready_port=ready_port, ready_timeout=ready_timeout, state=state)

    @property
    def target(self):
        return service_target(self.netns, self.name)

    def settings(self):
        """What the service runs with, as the diff shows it."""
        return {"command": list(self.command), "environment": dict(self.environment), "restart": self.restart}

    def fingerprint(self, extra=None):
        """A digest of what the process runs with (and `extra`: what else it saw when it started);
        a service whose fingerprint changes is restarted."""
        text = json.dumps({**self.settings(), "extra": extra}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def service_target(netns, name):
    """How plans and messages name a service."""
    return f"service {name} in {where(netns)}"


def services_of(entries, netns, topology, what, state=PRESENT):
    """The Service models of one namespace's `services` list, each name once."""
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise ValidationError(f"{what} must be a list of services")
    found = {}
    for index, entry in enumerate(entries):
        service = Service.from_params(entry, netns, topology, f"{what}[{index}]", state)
        if service.name in found:
            raise ValidationError(f"{what}[{index}]: service {service.name!r} is listed twice in namespace {netns!r}")
        found[service.name] = service
    return list(found.values())


def _command(value, what):
    if isinstance(value, str):
        raise ValidationError(f"{what}: command must be a list of arguments (argv), not the string {value!r}; "
                              f"for a shell line write [sh, -c, '...']")
    if not isinstance(value, list) or not value:
        raise ValidationError(f"{what}: command must be a non-empty list of arguments, the program first")
    for argument in value:
        if not isinstance(argument, (str, int, float)) or isinstance(argument, bool) or "\x00" in str(argument):
            raise ValidationError(f"{what}: command argument {argument!r} must be a string without NUL")
    if not str(value[0]).strip():
        raise ValidationError(f"{what}: command's program (its first argument) is empty")
    return tuple(str(argument) for argument in value)


def _environment(value, what):
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise ValidationError(f"{what} must be a mapping of variable names to values, not {value!r}")
    pairs = []
    for key, item in value.items():
        if not isinstance(key, str) or not key or "=" in key or "\x00" in key or key[0].isdigit():
            raise ValidationError(f"{what}: {key!r} is not a variable name")
        if isinstance(item, (dict, list)) or item is None or "\x00" in str(item):
            raise ValidationError(f"{what}: {key} must be a string, not {item!r}")
        pairs.append((key, str(item).lower() if isinstance(item, bool) else str(item)))
    return tuple(sorted(pairs))


def _ready(value, what):
    """(tcp port, timeout in seconds); (None, default) when no readiness is asked."""
    if value is None:
        return None, DEFAULT_READY_TIMEOUT
    if not isinstance(value, dict):
        raise ValidationError(f"{what} must be a mapping of tcp_port and timeout, not {value!r}")
    unknown = sorted(set(value) - READY_KEYS)
    if unknown:
        raise ValidationError(f"{what}: unknown key(s) {', '.join(unknown)}; it takes tcp_port and timeout")
    if value.get("tcp_port") is None:
        raise ValidationError(f"{what}: give the tcp_port the service listens on once it is ready")
    port = validate.integer_in_range(value["tcp_port"], f"{what}: tcp_port", 1, 65535)
    timeout = value.get("timeout", DEFAULT_READY_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= 3600:
        raise ValidationError(f"{what}: timeout {timeout!r} must be a number of seconds from 0 to 3600")
    return port, timeout
