/**
 * BN254 as AMCL defines it: the Nogami/Beuchat curve (u = −0x4080000000000001, b = 2, D-type twist),
 * not noble's `bn254` (Ethereum's alt_bn128). M-Pin deployments use BN254CX; this curve is here
 * because Apache Milagro publishes MPIN vectors for it, and running them checks that the curve
 * factory is right for more than one parameter set.
 * @module
 */
import { createBnCurve } from './bn-curve.ts';

export const bn254amcl = /* @__PURE__ */ createBnCurve({
  name: 'BN254',
  u: -0x4080000000000001n,
  p: 0x2523648240000001ba344d80000000086121000000000013a700000000000013n,
  r: 0x2523648240000001ba344d8000000007ff9f800000000010a10000000000000dn,
  b: 2n,
  g2: {
    xa: 0x061a10bb519eb62feb8d8c7e8c61edb6a4648bbb4898bf0d91ee4224c803fb2bn,
    xb: 0x0516aaf9ba737833310aa78c5982aa5b1f4d746bae3784b70d8c34c1e7d54cf3n,
    ya: 0x021897a06baf93439a90e096698c822329bd0ae6bdbe09bd19f0e07891cd2b9an,
    yb: 0x0ebb2b0e7c8b15268f6d4456f5f38d37b09006ffd739c9578a2d1aec6b3ace9bn,
  },
});
