#!/usr/bin/env python3
"""Mean relative statistical uncertainty in a structure of D·w at given weights, from two influence matrices of
independent seeds (same geometry): per voxel Δ = D_A w − D_B w has standard deviation √2 σ; mean σ/D is estimated
as mean(|Δ|/D̄)·√π/2 (Gaussian: E|Δ| = 2σ/√π), and the rms as sqrt(mean(Δ²/D̄²)/2). Usage: pair_sigma.py A.h5 B.h5 WEIGHTS.h5 CASE.h5 — A and B: dose results with `store_influence_matrix: true`;
WEIGHTS: a plan result of the same beams (its /plan/weights); CASE: the case file (structure OuterTarget, or a 5th
argument). Prints one JSON line.
Example: pair_sigma.py seed11/result.h5 seed12/result.h5 plan/result.h5 /work/shared/data/tg119/case.h5"""
import sys, h5py, numpy as np, scipy.sparse as sp, json
def load(f):
    h=h5py.File(f); g=h['influence']
    return sp.csc_matrix((g['data'][...], g['indices'][...], g['indptr'][...]), shape=tuple(g.attrs['shape'])), h['dose/total']
A,dA=load(sys.argv[1]); B,_=load(sys.argv[2])
w=h5py.File(sys.argv[3])['plan/weights'][...]
case=h5py.File(sys.argv[4]); mask=case['structures/'+(sys.argv[5] if len(sys.argv)>5 else 'OuterTarget')][...]
sp_=np.array(dA.attrs['spacing_mm'],float); org=np.array(dA.attrs['origin_mm'],float); nz,ny,nx=dA.shape
cs=np.array(case['ct'].attrs['spacing_mm'],float); co=np.array(case['ct'].attrs['origin_mm'],float)
idx=[np.rint((org[a]+sp_[a]*np.arange(n)-co[a])/cs[a]).astype(int) for a,n in enumerate((nx,ny,nz))]
z,y,x=np.meshgrid(np.clip(idx[2],0,mask.shape[0]-1),np.clip(idx[1],0,mask.shape[1]-1),np.clip(idx[0],0,mask.shape[2]-1),indexing='ij')
tgt=(mask[z,y,x]>0).reshape(-1)
da=A@w; db=B@w; d=(da+db)/2; t=tgt&(d>0)
rel=(da[t]-db[t])/d[t]
out={'voxels':int(t.sum()),'mean_sigma_over_D':float(np.mean(np.abs(rel))*np.sqrt(np.pi)/2),'rms_sigma_over_D':float(np.sqrt(np.mean(rel**2)/2)),
     'mean_dose_ratio_A_over_B':float(da[t].sum()/db[t].sum()),'nonzeros':[A.nnz,B.nnz]}
print(json.dumps(out))
