#!/usr/bin/env python3
"""Test times from Surefire/Failsafe XML reports under a checkout: per module (sum of its classes' times, tests,
failures) and the N slowest test classes. Usage: times.py ROOT [N]."""
import glob, os, sys, xml.etree.ElementTree as ET

root = sys.argv[1] if len(sys.argv) > 1 else '.'
n = int(sys.argv[2]) if len(sys.argv) > 2 else 15
classes = []
modules = {}
for path in glob.glob(os.path.join(root, '**/target/surefire-reports/TEST-*.xml'), recursive=True) + \
        glob.glob(os.path.join(root, '**/target/failsafe-reports/TEST-*.xml'), recursive=True):
    suite = ET.parse(path).getroot()
    module = os.path.relpath(path, root).split('/target/')[0]
    t = float(suite.get('time', 0) or 0)
    tests = int(suite.get('tests', 0)); bad = int(suite.get('failures', 0)) + int(suite.get('errors', 0))
    skipped = int(suite.get('skipped', 0))
    classes.append((t, module, suite.get('name'), tests, bad))
    m = modules.setdefault(module, [0.0, 0, 0, 0])
    m[0] += t; m[1] += tests; m[2] += bad; m[3] += skipped
print('| module | test time (s, sum of classes) | tests | failed | skipped |')
print('| --- | ---: | ---: | ---: | ---: |')
for module, (t, tests, bad, skipped) in sorted(modules.items(), key=lambda kv: -kv[1][0]):
    print(f'| {module} | {t:.1f} | {tests} | {bad} | {skipped} |')
total = sum(m[0] for m in modules.values())
print(f'| total | {total:.1f} | {sum(m[1] for m in modules.values())} | {sum(m[2] for m in modules.values())} | {sum(m[3] for m in modules.values())} |')
print()
print(f'| # | test class | module | time (s) | tests |')
print('| ---: | --- | --- | ---: | ---: |')
for i, (t, module, name, tests, bad) in enumerate(sorted(classes, reverse=True)[:n], 1):
    print(f'| {i} | {name.rsplit(".", 1)[-1]} | {module} | {t:.1f} | {tests}{" (" + str(bad) + " failed)" if bad else ""} |')
