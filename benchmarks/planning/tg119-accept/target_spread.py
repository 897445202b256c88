"""Target dose spread of a TG-119 result: relative standard error of the voxel doses, D95 against the mean, edge shell
(target voxels with a face neighbour outside) against the interior, and the spread with the noise variance removed.
Masks on the dose grid by voxel-centre sampling, as DoseGridStructures. Usage: target_spread.py RTCLUSTER_HOME"""
import h5py, glob, sys, numpy as np
from scipy import ndimage
home = sys.argv[1]
f = h5py.File(glob.glob(f'{home}/store/results/job-*/*.h5')[0], 'r')
d = f['dose/total'][:].astype(float); u = f['dose/uncertainty'][:].astype(float)
o = f['dose/total'].attrs['origin_mm']; s = f['dose/total'].attrs['spacing_mm']
c = h5py.File('/work/shared/data/tg119/case.h5', 'r')
co = c['ct'].attrs['origin_mm']; cs = c['ct'].attrs['spacing_mm']
def resample(m):
    nz, ny, nx = d.shape
    idx = [np.rint(((o[a] + np.arange(n) * s[a]) - co[a]) / cs[a]).astype(int) for a, n in zip((2, 1, 0), (nz, ny, nx))]
    out = np.zeros(d.shape, bool)
    zs, ys, xs = idx
    okz = (zs >= 0) & (zs < m.shape[0]); oky = (ys >= 0) & (ys < m.shape[1]); okx = (xs >= 0) & (xs < m.shape[2])
    sub = m[np.ix_(zs[okz], ys[oky], xs[okx])] != 0
    out[np.ix_(okz, oky, okx)] = sub
    return out
t = resample(c['structures/OuterTarget'][:])
edge = t & ~ndimage.binary_erosion(t, structure=ndimage.generate_binary_structure(3, 1), border_value=0)
dt = d[t]; rel = u[t] / np.maximum(d[t], 1e-9)
def d95(x): return np.sort(x)[::-1][int(np.ceil(0.95 * len(x))) - 1]
print(f"{home}: target {t.sum()} voxels, edge {edge.sum()}; mean {dt.mean():.2f} D95 {d95(dt):.2f} ({(d95(dt)/dt.mean()-1)*100:.1f} % of mean); "
      f"median rel sigma {np.median(rel)*100:.2f} % (edge {np.median(u[edge]/d[edge])*100:.2f} %); "
      f"edge mean {d[edge].mean():.2f} interior mean {d[t & ~edge].mean():.2f}; interior D95 {d95(d[t & ~edge]):.2f} edge D95 {d95(d[edge]):.2f}")
# noise-free estimate: deconvolve by subtracting noise variance from the spread
var = dt.var() - np.mean(u[t]**2)
print(f"  target std {dt.std():.2f} Gy, noise rms {np.sqrt(np.mean(u[t]**2)):.2f} Gy, std without noise ≈ {np.sqrt(max(var,0)):.2f} Gy")
