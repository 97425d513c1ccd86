"""Independent reference: eval_market1501 as in open-reid / fast-reid, with junk (-1) removed.

Reads a fixture written by ReidEvaluatorTest:
  line 1: nq ng dim
  nq lines: id cam e_1 ... e_dim      (queries)
  ng lines: id cam e_1 ... e_dim      (gallery)
Prints: rank1 rank5 rank10 mAP num_valid
"""
import sys
import numpy as np


def main(path):
    with open(path) as f:
        nq, ng, dim = (int(v) for v in f.readline().split())
        rows = np.array([[float(v) for v in f.readline().split()] for _ in range(nq + ng)])
    q, g = rows[:nq], rows[nq:]
    q_pids, q_camids, qf = q[:, 0].astype(int), q[:, 1].astype(int), q[:, 2:]
    g_pids, g_camids, gf = g[:, 0].astype(int), g[:, 1].astype(int), g[:, 2:]
    qf = qf / np.linalg.norm(qf, axis=1, keepdims=True)
    gf = gf / np.linalg.norm(gf, axis=1, keepdims=True)
    distmat = ((qf[:, None, :] - gf[None, :, :]) ** 2).sum(axis=2)
    max_rank = min(10, ng)
    indices = np.argsort(distmat, axis=1, kind="stable")
    matches = (g_pids[indices] == q_pids[:, np.newaxis]).astype(np.int32)
    all_cmc, all_ap = [], []
    for i in range(nq):
        order = indices[i]
        remove = ((g_pids[order] == q_pids[i]) & (g_camids[order] == q_camids[i])) | (
            g_pids[order] == -1)
        keep = np.invert(remove)
        raw_cmc = matches[i][keep]
        if not np.any(raw_cmc):
            continue
        cmc = raw_cmc.cumsum()
        cmc[cmc > 1] = 1
        all_cmc.append(cmc[:max_rank])
        num_rel = raw_cmc.sum()
        tmp_cmc = raw_cmc.cumsum()
        tmp_cmc = [x / (k + 1.0) for k, x in enumerate(tmp_cmc)]
        tmp_cmc = np.asarray(tmp_cmc) * raw_cmc
        all_ap.append(tmp_cmc.sum() / num_rel)
    n = len(all_cmc)
    width = max(len(c) for c in all_cmc)
    padded = np.array([np.pad(c, (0, width - len(c)), mode="edge") for c in all_cmc])
    cmc = padded.astype(np.float64).sum(0) / n
    r = lambda k: cmc[min(k, len(cmc)) - 1]
    print("%.17g %.17g %.17g %.17g %d" % (r(1), r(5), r(10), np.mean(all_ap), n))


if __name__ == "__main__":
    main(sys.argv[1])
