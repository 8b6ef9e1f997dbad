#!/usr/bin/python
# -*- coding: utf-8 -*-
# Ansible module that runs `jailnet plan` or `jailnet apply` on the managed
# host and reports jailnet's JSON output as the task result.

from __future__ import absolute_import, division, print_function
__metaclass__ = type


DOCUMENTATION = r'''
---
module: jailnet
short_description: Make a host's network jails match a jailnet YAML file
description:
  - Runs C(jailnet apply --detailed-exitcode --json) on the managed host, so
    the network namespaces, veth pairs, addresses, routes and nftables set
    elements that jailnet owns match the desired state, and reports what
    changed.
  - In check mode it runs C(jailnet plan --detailed-exitcode --json)
    instead, which changes nothing, and reports whether apply would change
    something.
  - The desired state comes from a file on the managed host (I(path)) or
    from the task itself (I(content)).
  - Errors that jailnet reports, such as an invalid file with its
    C(FILE:LINE:COLUMN) position, a foreign object in the way or a kernel
    error, fail the task with jailnet's messages.
author:
  - jailnet authors
requirements:
  - jailnet on the managed host, run as root (jailnet needs root or CAP_NET_ADMIN)
  - PyYAML on the managed host when I(content) is a mapping.
attributes:
  check_mode:
    support: full
    description: Runs C(jailnet plan), which changes nothing in the kernel.
  diff_mode:
    support: full
    description: Returns one line per changed kernel object, before and after.
  platform:
    support: full
    platforms: posix
options:
  path:
    description:
      - Absolute path of the jailnet YAML file on the managed host.
      - jailnet, running as root, rejects a file or a parent directory that
        a user other than root can write.
      - Exactly one of I(path) and I(content) is required.
    type: path
  content:
    description:
      - The jailnet YAML document itself, as a mapping or as a YAML string.
      - The module writes it to a file of mode 0600 in a new directory of
        mode 0700 in the managed host's temporary directory (C(TMPDIR),
        else C(/tmp)) and removes both when jailnet exits.
      - A mapping is written out with PyYAML in its own key order, so the
        line and column in an error message refer to that text. In error
        and warning messages the temporary file's path is replaced by
        C(content).
      - Exactly one of I(path) and I(content) is required.
    type: raw
  binary:
    description:
      - Path of the jailnet executable on the managed host.
      - By default the module looks for C(jailnet) in C(PATH) and in the
        usual sbin directories.
    type: path
  wait:
    description:
      - Seconds to wait for another jailnet run to release its lock, from 0
        to 86400 (C(jailnet --wait)).
      - When the lock is still held after that time the task fails.
      - If not set, jailnet's own default (60 seconds) applies.
    type: float
  force:
    description:
      - Remove namespaces that still have processes inside
        (C(jailnet apply --force)).
      - Without it, apply fails when it would remove such a namespace. In
        check mode, C(jailnet plan) reports those namespaces as warnings and
        this option has no effect.
    type: bool
    default: false
  syslog:
    description:
      - Whether apply logs each change to syslog. When false the module
        passes C(--no-syslog). Check mode logs nothing either way.
    type: bool
    default: true
notes:
  - The module does not run C(jailnet validate) separately, because plan and
    apply validate the file before they touch the kernel.
  - C(changed) follows jailnet's exit status, 2 meaning changes were made
    (apply) or are pending (plan), 0 meaning none.
  - jailnet's warnings, such as IPv6 forwarding disabling router
    advertisements on an uplink, are shown as Ansible warnings.
'''

EXAMPLES = r'''
- name: Apply the jails file kept on the host
  jailnet:
    path: /etc/jailnet/jails.yaml

- name: Apply jails given inline, with jailnet from /usr/local/sbin
  jailnet:
    binary: /usr/local/sbin/jailnet
    wait: 10
    content:
      version: 1
      uplinks:
        wan:
          interface: eth0
      namespaces:
        ntp:
          subnets:
            - 10.97.3.0/30
          uplink: wan
          allow:
            - 123/udp

- name: Apply a file rendered from a template on the controller
  jailnet:
    content: "{{ lookup('ansible.builtin.template', 'jails.yaml.j2') }}"
    force: true

- name: Show what apply would change, without changing it
  jailnet:
    path: /etc/jailnet/jails.yaml
  check_mode: true
  diff: true
  register: jails_plan
'''

RETURN = r'''
changes:
  description:
    - The changes that apply made, or in check mode would make, in the
      order jailnet makes them. Empty when nothing needs to change.
    - Each item is one change of jailnet's C(--json) output.
  returned: success
  type: list
  elements: dict
  contains:
    action:
      description: C(add), C(change) or C(remove).
      type: str
      sample: add
    kind:
      description: Kind of kernel object, such as C(netns), C(veth), C(address), C(route), C(sysctl) or C(nft element).
      type: str
      sample: netns
    namespace:
      description: Namespace that the object belongs to, or null for the host-wide objects (the nftables table, chains, rules and sets, the sysctls).
      type: str
      sample: foobar
    id:
      description: Identifier of the object, unique within its kind.
      type: str
      sample: foobar
    description:
      description: The object in words, as C(jailnet plan) prints it.
      type: str
      sample: foobar
    before:
      description: The object's state before the change, a mapping with one key, C(value), or null for an added object.
      type: dict
      sample: null
    after:
      description: The object's state after the change, a mapping with one key, C(value), or null for a removed object.
      type: dict
      sample: {"value": "lo up"}
  sample:
    - action: add
      kind: netns
      namespace: foobar
      id: foobar
      description: foobar
      before: null
      after: {"value": "lo up"}
summary:
  description: Number of objects added, changed and removed (or, in check mode, to be).
  returned: success
  type: dict
  sample: {"add": 93, "change": 2, "remove": 0}
applied:
  description: Whether apply made the changes; false when there was nothing to change.
  returned: success, when not in check mode
  type: bool
  sample: true
diff:
  description:
    - "One line per changed object, C(NAMESPACE: KIND DESCRIPTION = VALUE),
      in C(before) for the state that apply replaces or removes and in
      C(after) for the state that it adds. Objects that do not change are
      not listed. Host-wide objects have no C(NAMESPACE: ) prefix."
  returned: success, in diff mode
  type: dict
  sample:
    before: "foobar: nft element allow4 { foobar-out . 0.0.0.0/0 . udp . 123 } = foobar\n"
    after: "foobar: nft element allow4 { foobar-out . 0.0.0.0/0 . udp . 124 } = foobar\n"
errors:
  description: jailnet's error messages. C(msg) contains them too, one per line.
  returned: failure, when jailnet printed its JSON report
  type: list
  elements: str
  sample: ['/etc/jailnet/jails.yaml:3:10: unsupported version "7"; this jailnet reads version 1 only']
rc:
  description: jailnet's exit status (1 error, 3 another run held the lock for I(wait) seconds).
  returned: failure
  type: int
  sample: 1
stderr:
  description: What jailnet printed to standard error.
  returned: failure
  type: str
  sample: "jailnet: error: invalid --wait value \"-1\"; give seconds from 0 to 86400"
'''

import json
import os
import shutil
import tempfile
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

try:
    import yaml
    YAML_IMPORT_ERROR = None
except ImportError:
    YAML_IMPORT_ERROR = traceback.format_exc()

# jailnet's exit statuses with --detailed-exitcode.
EXIT_NO_CHANGES = 0
EXIT_CHANGES = 2

# Name that replaces the temporary file's path in messages about content.
CONTENT_NAME = 'content'


def content_text(module, content):
    """Return the YAML text of the content option, a mapping or a string."""
    if isinstance(content, dict):
        if YAML_IMPORT_ERROR is not None:
            module.fail_json(msg=missing_required_lib('PyYAML'), exception=YAML_IMPORT_ERROR)
        return yaml.safe_dump(content, default_flow_style=False, sort_keys=False)
    if isinstance(content, str):
        return content
    module.fail_json(msg='content must be a mapping or a YAML string, not a %s' % type(content).__name__)


def write_content(text):
    """Write TEXT to a new root-only file and return (directory, path)."""
    # mkdtemp makes the directory with mode 0700, so when the module runs
    # as root, jailnet's check that only root can write the file passes.
    directory = tempfile.mkdtemp(prefix='jailnet-ansible.')
    path = os.path.join(directory, 'jails.yaml')
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, 'w') as stream:
        stream.write(text)
    return directory, path


def find_binary(module):
    binary = module.params['binary']
    if binary is None:
        return module.get_bin_path('jailnet', required=True, opt_dirs=['/usr/local/sbin', '/usr/sbin', '/sbin'])
    if not os.access(binary, os.X_OK) or os.path.isdir(binary):
        module.fail_json(msg='jailnet binary %s is missing or not executable; set binary to the path of jailnet' % binary)
    return binary


def jailnet_argv(module, binary, config_path):
    apply = not module.check_mode
    argv = [binary, 'apply' if apply else 'plan', '--detailed-exitcode', '--json']
    if module.params['wait'] is not None:
        argv += ['--wait', repr(float(module.params['wait']))]
    if apply and module.params['force']:
        argv.append('--force')
    if apply and not module.params['syslog']:
        argv.append('--no-syslog')
    # "--" keeps a path that starts with "-" from being read as an option.
    argv += ['--', config_path]
    return argv


def object_line(change, side):
    """Describe CHANGE's object as it is on SIDE ("before" or "after"), or
    return None when the object does not exist on that side."""
    state = change.get(side)
    if state is None:
        return None
    line = '%s %s' % (change['kind'], change['description'])
    if change.get('namespace'):
        line = '%s: %s' % (change['namespace'], line)
    value = state.get('value', '').strip()
    if value:
        line += ' = ' + value
    return line


def build_diff(changes, after_header):
    sides = {}
    for side in ('before', 'after'):
        lines = [object_line(change, side) for change in changes]
        sides[side] = ''.join(line + '\n' for line in lines if line is not None)
    return {
        'before': sides['before'],
        'after': sides['after'],
        'before_header': 'kernel state that jailnet owns',
        'after_header': after_header,
    }


def run_jailnet(module, argv):
    """Run ARGV and return (rc, report, stderr). REPORT is the parsed JSON
    document, or None when jailnet printed none (an invalid command line)."""
    rc, stdout, stderr = module.run_command(argv, check_rc=False)
    try:
        report = json.loads(stdout)
    except ValueError:
        report = None
    if not isinstance(report, dict):
        report = None
    return rc, report, stderr


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path'),
            content=dict(type='raw'),
            binary=dict(type='path'),
            wait=dict(type='float'),
            force=dict(type='bool', default=False),
            syslog=dict(type='bool', default=True),
        ),
        mutually_exclusive=[('path', 'content')],
        required_one_of=[('path', 'content')],
        supports_check_mode=True,
    )

    binary = find_binary(module)
    temp_dir = None
    if module.params['content'] is not None:
        temp_dir, config_path = write_content(content_text(module, module.params['content']))
        shown_path = CONTENT_NAME
    else:
        config_path = module.params['path']
        shown_path = config_path

    argv = jailnet_argv(module, binary, config_path)
    try:
        rc, report, stderr = run_jailnet(module, argv)
    finally:
        if temp_dir is not None:
            shutil.rmtree(temp_dir, ignore_errors=True)

    def shown(text):
        return text.replace(config_path, shown_path) if temp_dir is not None else text

    stderr = shown(stderr)
    if report is None:
        module.fail_json(
            msg=stderr.strip() or 'jailnet exited with status %d and printed no JSON report' % rc,
            rc=rc, stderr=stderr, cmd=argv)

    errors = [shown(error) for error in report.get('errors', [])]
    for warning in report.get('warnings', []):
        module.warn('jailnet: %s' % shown(warning))
    if rc not in (EXIT_NO_CHANGES, EXIT_CHANGES):
        module.fail_json(
            msg='\n'.join(errors) or stderr.strip() or 'jailnet exited with status %d' % rc,
            errors=errors, rc=rc, stderr=stderr, cmd=argv)

    changes = report.get('changes', [])
    result = dict(
        changed=rc == EXIT_CHANGES,
        changes=changes,
        summary=report.get('summary', {}),
    )
    if not module.check_mode:
        result['applied'] = bool(report.get('applied'))
    if module._diff:
        result['diff'] = build_diff(changes, shown_path)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
