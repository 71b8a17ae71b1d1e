#!/usr/bin/env python3
"""Function sizes of a wasm with a name section (bench/size/names.sh), grouped
by crate or route module, each group gzipped alone (BENCHMARKS.md 0l).

usage: composition.py file.wasm [groups to print] [regex [functions to print]]
  with a regex, also the largest functions whose names match it."""
import sys, zlib, re, collections

def leb(b, i):
    r = s = 0
    while True:
        x = b[i]; i += 1
        r |= (x & 0x7f) << s; s += 7
        if x < 0x80: return r, i

data = open(sys.argv[1], 'rb').read()
i = 8; n_imp_funcs = 0; bodies = []; names = {}; datasec = b''
while i < len(data):
    sid = data[i]; i += 1
    size, i = leb(data, i); end = i + size
    if sid == 2:
        n, j = leb(data, i)
        for _ in range(n):
            l, j = leb(data, j); j += l
            l, j = leb(data, j); j += l
            kind = data[j]; j += 1
            if kind == 0: _, j = leb(data, j); n_imp_funcs += 1
            elif kind == 1: j += 1; f, j = leb(data, j); _, j = leb(data, j); 
            elif kind == 2:
                f, j = leb(data, j); _, j = leb(data, j)
                if f & 1: _, j = leb(data, j)
            elif kind == 3: j += 2
            elif kind == 4: j += 1; _, j = leb(data, j)
    elif sid == 10:
        n, j = leb(data, i)
        for _ in range(n):
            l, j = leb(data, j); bodies.append(data[j:j+l]); j += l
    elif sid == 11:
        datasec = data[i:end]
    elif sid == 0:
        l, j = leb(data, i); nm = data[j:j+l]; j += l
        if nm == b'name':
            while j < end:
                sub = data[j]; j += 1
                ssz, j = leb(data, j); send = j + ssz
                if sub == 1:
                    n, k = leb(data, j)
                    for _ in range(n):
                        idx, k = leb(data, k); l, k = leb(data, k)
                        names[idx] = data[k:k+l].decode('utf8', 'replace'); k += l
                j = send
    i = end

funcs = []
for k, body in enumerate(bodies):
    nm = names.get(n_imp_funcs + k, f'<f{k}>')
    funcs.append((nm, body))

def group(nm):
    nm2 = re.sub(r'<[^<>]*>', '', nm)
    for _ in range(4): nm2 = re.sub(r'<[^<>]*>', '', nm2)
    if 'mdm_worker::routes' in nm or nm.startswith('mdm_worker::routes'):
        m = re.search(r'mdm_worker::routes::(\w+)', nm)
        return 'routes::' + (m.group(1) if m else '?')
    m = re.match(r'(?:<)?([\w]+)(?:::([\w]+))?', nm2)
    if m:
        a = m.group(1)
        if a in ('mdm_worker', 'mdm_core'): return a + '::' + (m.group(2) or '')
        return a
    return nm[:30]

g = collections.defaultdict(list)
for nm, b in funcs: g[group(nm)].append(b)
rows = [(k, len(v), sum(map(len, v)), len(zlib.compress(b''.join(v), 9))) for k, v in g.items()]
rows.sort(key=lambda r: -r[3])
print(f'file {len(data)} raw, {len(zlib.compress(data, 9))} zlib9; code {sum(map(len,bodies))} in {len(bodies)} fns; data {len(datasec)} raw {len(zlib.compress(datasec,9))} z')
for k, n, raw, z in rows[:int(sys.argv[2]) if len(sys.argv) > 2 else 60]:
    print(f'{z:8} {raw:8} {n:5}  {k}')

if len(sys.argv) > 3:
    pat = re.compile(sys.argv[3])
    fs = sorted(((len(b), nm) for nm, b in funcs if pat.search(nm)), reverse=True)
    for l, nm in fs[:int(sys.argv[4]) if len(sys.argv) > 4 else 40]:
        print(f'{l:8}  {nm[:200]}')
