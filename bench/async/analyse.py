"""Tables of docs/FEDBUFF.md from the timelines in bench/async (run from the repository root)."""
import csv

SEEDS = [1, 2]
TIMES = [10, 20, 30, 40, 50, 60, 70]
TARGETS = [0.6, 0.7, 0.75, 0.78]


def load(name, seed):
    with open(f'bench/async/{name}-s{seed}-timeline.csv') as f:
        return [(int(r['round']), float(r['virtual_seconds']), float(r['accuracy']))
                for r in csv.DictReader(f)]


def at(rows, t):
    """The last model made by virtual time t: (round, accuracy)."""
    made = [(r, a) for r, ts, a in rows if ts <= t]
    return made[-1] if made else None


def reach(rows, target):
    """The first round at or above target: (round, virtual seconds)."""
    return next(((r, ts) for r, ts, a in rows if a >= target), None)


for seed in SEEDS:
    runs = {n: load(n, seed) for n in ['fedavg', 'fedbuff']}
    print(f'seed {seed}')
    print('| virtual s | ' + ' | '.join(str(t) for t in TIMES) + ' |')
    for n, rows in runs.items():
        cells = [at(rows, t) for t in TIMES]
        print(f'| {n} | ' + ' | '.join('%.1f (r%d)' % (c[1] * 100, c[0]) if c else '-'
                                      for c in cells) + ' |')
    for target in TARGETS:
        a, b = reach(runs['fedavg'], target), reach(runs['fedbuff'], target)
        ratio = '%.1fx' % (a[1] / b[1]) if a and b else '-'
        fmt = lambda x, w: '%.1f s (%s %d)' % (x[1], w, x[0]) if x else 'not reached'
        print(f'| {target * 100:.0f} % | {fmt(a, "round")} | {fmt(b, "step")} | {ratio} |')
    for n, rows in runs.items():
        last10 = sum(a for _, _, a in rows[-10:]) / 10
        print(f'{n}: end round {rows[-1][0]} at {rows[-1][1]:.1f} s: {rows[-1][2] * 100:.2f} %, '
              f'best {max(a for _, _, a in rows) * 100:.2f} %, last 10 {last10 * 100:.2f} %')
    print(f'equal updates (100): fedavg r20 {runs["fedavg"][19][2] * 100:.1f} %, '
          f'fedbuff step 20 {runs["fedbuff"][19][2] * 100:.1f} %')
